using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Onnx;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Testing;

/// <summary>
/// One-direction translation of images of any size: each image is padded (reflect, or replicate where the image is
/// too small to reflect) up to the size the generator needs, translated, and cropped back, so the output has the
/// input's size. Decoding and the tensor conversion are the official ones. The generator is a checkpoint run by
/// TorchSharp or an exported ONNX model run by ONNX Runtime (<see cref="OnnxGenerator"/>).
/// </summary>
public sealed class Translator : IDisposable
{
    readonly nn.Module<Tensor, Tensor>? _g;
    readonly OnnxGenerator? _onnx;
    readonly Device _device;
    readonly int _multiple;
    readonly int _inputNc;

    public Translator(TranslateOptions opt)
    {
        TorchRuntime.EnsureLoaded();
        if (!string.IsNullOrEmpty(opt.Onnx))
        {
            if (!string.IsNullOrEmpty(opt.Checkpoint)) throw new UserError("give --checkpoint or --onnx, not both");
            // ONNX Runtime runs on the CPU unless --device cuda asks for its CUDA execution provider
            _onnx = OnnxGenerator.Open(opt.Onnx, opt.DeviceSpec());
            _device = CPU;
            _multiple = _onnx.SizeMultiple;
            _inputNc = _onnx.InputChannels;
            return;
        }
        _device = TorchRuntime.ResolveDevice(opt.DeviceSpec());
        _g = GeneratorCheckpoint.Load(opt, opt.Checkpoint);
        _g.to(_device);
        _g.train(!opt.Eval);
        Compute.FromOptions(opt.Kernels, opt.Precision).Apply(_g);
        _multiple = NetworkRegistry.SizeMultiple(opt.NetG);
        _inputNc = opt.InputNc;
    }

    /// <summary>All image files under <paramref name="input"/> (a file or a folder), in sorted order.</summary>
    public static IReadOnlyList<string> Inputs(string input)
    {
        if (string.IsNullOrEmpty(input)) throw new UserError("--input is required");
        if (File.Exists(input)) return [input];
        if (Directory.Exists(input)) return ImageFolder.ListNonEmpty(input);
        throw new UserError($"--input {input} does not exist");
    }

    public RgbImage Translate(RgbImage image)
    {
        if (_inputNc == 1 && image.Channels == 3) image = ImageTransform.Grayscale(image);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = ImageTensor.ToTensor(image).unsqueeze(0).to(_device);
        int h = image.Height, w = image.Width;
        int ph = (_multiple - h % _multiple) % _multiple, pw = (_multiple - w % _multiple) % _multiple;
        if (ph > 0 || pw > 0)
        {
            long[] pad = [pw / 2, pw - pw / 2, ph / 2, ph - ph / 2];
            var canReflect = pad[0] < w && pad[1] < w && pad[2] < h && pad[3] < h;
            x = nn.functional.pad(x, pad, canReflect ? PaddingModes.Reflect : PaddingModes.Replicate);
        }
        var y = _g is not null ? _g.forward(x) : _onnx!.Forward(x);
        if (ph > 0 || pw > 0)
            y = y[.., .., TensorIndex.Slice(ph / 2, ph / 2 + h), TensorIndex.Slice(pw / 2, pw / 2 + w)];
        return ImageTensor.TensorToImage(y.cpu());
    }

    public void Dispose()
    {
        _g?.Dispose();
        _onnx?.Dispose();
    }
}
