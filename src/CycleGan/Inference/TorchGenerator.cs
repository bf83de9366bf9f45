using CycleGan.Checkpoints;
using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// A generator checkpoint run by TorchSharp on <c>--device</c>: built from the network flags, loaded strictly, in train
/// mode unless <c>--eval</c> (as the official test.py), with <c>--kernels</c> and <c>--precision</c> applied.
/// </summary>
public sealed class TorchGenerator : IImageGenerator
{
    readonly nn.Module<Tensor, Tensor> _g;
    readonly Device _device;
    readonly TemporalNorm? _temporal;

    TorchGenerator(nn.Module<Tensor, Tensor> g, Device device, int inputChannels, int sizeMultiple, TemporalNorm? temporal)
    {
        _g = g;
        _device = device;
        _temporal = temporal;
        InputChannels = inputChannels;
        SizeMultiple = sizeMultiple;
    }

    public int InputChannels { get; }
    public int SizeMultiple { get; }

    /// <summary>The loaded network (for an export to ONNX Runtime).</summary>
    public nn.Module<Tensor, Tensor> Network => _g;

    /// <summary>
    /// The checkpoint on <c>--device</c> with <c>--kernels</c> and <c>--precision</c> applied (the kernel check runs here);
    /// with <paramref name="compute"/> false, plain fp32 weights for an export only (no check: ONNX Runtime computes).
    /// </summary>
    public static TorchGenerator Load(TranslateOptions opt, bool compute = true)
    {
        TorchRuntime.EnsureLoaded();
        var device = TorchRuntime.ResolveDevice(opt.Compute.Device);
        var g = GeneratorCheckpoint.Load(opt, opt.Checkpoint);
        TemporalNorm? temporal = null;
        try
        {
            g.to(device);
            g.train(!opt.Eval);
            if (compute) Compute.FromOptions(opt.Compute.Kernels, opt.Compute.Precision,
                PrecisionChoice.Probe.ForInference(opt.Ngf)).Apply(g, gradients: false);
            if (opt.Temporal == "norm")
            {
                temporal = new TemporalNorm(opt.TemporalMomentum);
                foreach (var m in g.modules().OfType<InstanceNorm>()) m.Temporal = temporal;
            }
        }
        catch
        {
            temporal?.Dispose();
            g.Dispose();
            throw;
        }
        return new TorchGenerator(g, device, opt.InputNc, NetworkRegistry.SizeMultiple(opt.NetG), temporal);
    }

    public Tensor Forward(Tensor input)
    {
        using var _ = no_grad();
        _temporal?.NextFrame();
        return _g.forward(input.to(_device));
    }

    public void BeginClip() => _temporal?.Reset();

    public void Dispose()
    {
        _g.Dispose();
        _temporal?.Dispose();
    }
}
