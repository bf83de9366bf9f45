using CycleGan.Onnx;
using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// A generator as translation sees it, whichever engine runs it (<see cref="TorchGenerator"/>: a checkpoint in
/// TorchSharp; <see cref="OnnxRuntimeGenerator"/>: an exported model in ONNX Runtime). Everything around the network —
/// padding, tiles, 8 or 16 bits, shards — is the <see cref="Translator"/>'s, so it is the same for both.
/// </summary>
public interface IImageGenerator : IDisposable
{
    /// <summary>Channels the network takes (1 gray, 3 RGB).</summary>
    int InputChannels { get; }

    /// <summary>Height and width must be multiples of this for the output to keep the input's size.</summary>
    int SizeMultiple { get; }

    /// <summary>
    /// One no-grad forward pass: a [N, C, H, W] float32 CPU tensor in [-1, 1] (H, W multiples of
    /// <see cref="SizeMultiple"/>) in, [N, C', H, W] out, in the caller's dispose scope, on the engine's device.
    /// </summary>
    Tensor Forward(Tensor input);

    /// <summary>
    /// Starts a new video clip: with <c>--temporal norm</c> the statistics carried from the previous frames are dropped
    /// (engines without the mode have nothing to drop).
    /// </summary>
    void BeginClip() { }

    /// <summary>The generator of <c>--checkpoint</c> (on the <c>--engine</c>, see <see cref="EngineChoice"/>) or <c>--onnx</c>.</summary>
    static IImageGenerator Open(TranslateOptions opt) => Open(opt, new EngineChoice());

    /// <inheritdoc cref="Open(TranslateOptions)"/>
    static IImageGenerator Open(TranslateOptions opt, EngineChoice engines)
    {
        if (string.IsNullOrEmpty(opt.Onnx)) return engines.Open(opt);
        if (!string.IsNullOrEmpty(opt.Checkpoint)) throw new UserError("give --checkpoint or --onnx, not both");
        // ONNX Runtime runs on the CPU unless --device cuda asks for its CUDA execution provider
        var onnx = OnnxGenerator.Open(opt.Onnx, opt.Compute.Device);
        if (opt.Temporal == "norm" && !onnx.IsTemporal)
        {
            onnx.Dispose();
            throw new UserError($"--temporal {opt.Temporal}: {opt.Onnx} has no carried-statistics inputs; export "
                + "one with cyclegan export --checkpoint G.pth --temporal --out G.onnx (or give --checkpoint)");
        }
        return OnOnnxRuntime(onnx, opt);
    }

    /// <summary>An opened model as <paramref name="opt"/> runs it (carrying statistics with --temporal norm).</summary>
    static IImageGenerator OnOnnxRuntime(OnnxGenerator onnx, TranslateOptions opt)
    {
        if (opt.Temporal != "norm" || !onnx.IsTemporal) return new OnnxRuntimeGenerator(onnx);
        try
        {
            return new TemporalOnnxGenerator(onnx, opt.TemporalMomentum);
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }
}
