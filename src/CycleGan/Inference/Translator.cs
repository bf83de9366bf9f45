using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Onnx;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// One-direction translation of images of any size: each image is padded (reflect, or replicate where the image is
/// too small to reflect) up to the size the generator needs, translated, and cropped back, so the output has the
/// input's size. Decoding and the tensor conversion are the official ones. The generator is a checkpoint run by
/// TorchSharp or an exported ONNX model run by ONNX Runtime (<see cref="OnnxGenerator"/>). With a tile size, large
/// images go through the network in overlapping tiles (<see cref="TiledInference"/>).
/// </summary>
public sealed class Translator : IDisposable
{
    readonly nn.Module<Tensor, Tensor>? _g;
    readonly OnnxGenerator? _onnx;
    readonly Device _device;
    readonly int _multiple;
    readonly int _inputNc;
    readonly bool _keepDepth;
    readonly int _tile, _overlap;

    public Translator(TranslateOptions opt)
    {
        TorchRuntime.EnsureLoaded();
        if (!string.IsNullOrEmpty(opt.Onnx))
        {
            if (!string.IsNullOrEmpty(opt.Checkpoint)) throw new UserError("give --checkpoint or --onnx, not both");
            // ONNX Runtime runs on the CPU unless --device cuda asks for its CUDA execution provider
            _onnx = OnnxGenerator.Open(opt.Onnx, opt.Device);
            _device = CPU;
            _multiple = _onnx.SizeMultiple;
            _inputNc = _onnx.InputChannels;
            return;
        }
        _device = TorchRuntime.ResolveDevice(opt.Device);
        _g = GeneratorCheckpoint.Load(opt, opt.Checkpoint);
        _g.to(_device);
        _g.train(!opt.Eval);
        Compute.FromOptions(opt.Kernels, opt.Precision).Apply(_g);
        _multiple = NetworkRegistry.SizeMultiple(opt.NetG);
        _inputNc = opt.InputNc;
        _keepDepth = opt.KeepDepth;
        if (opt.Tile < 0 || (opt.Tile > 0 && (opt.Tile % _multiple != 0 || opt.Overlap < 0 || opt.Overlap >= opt.Tile)))
            throw new UserError($"--tile {opt.Tile} must be a multiple of {_multiple} (for --netG {opt.NetG}) and larger than " +
                $"--overlap {opt.Overlap} >= 0");
        _tile = opt.Tile;
        _overlap = opt.Overlap;
    }

    /// <summary>All image files under <paramref name="input"/> (a file or a folder), in sorted order.</summary>
    public static IReadOnlyList<string> Inputs(string input)
    {
        if (string.IsNullOrEmpty(input)) throw new UserError("--input is required");
        if (File.Exists(input)) return [input];
        if (Directory.Exists(input)) return ImageFolder.ListNonEmpty(input);
        throw new UserError($"--input {input} does not exist");
    }

    /// <summary>
    /// Translates one file into <c>&lt;outputDir&gt;/&lt;stem&gt;.png</c>: turned upright by its EXIF orientation first
    /// (a photo shows as its viewer shows it), 16 bits out for a 16-bit file with <c>--keep_depth</c>, 8 otherwise.
    /// </summary>
    public string TranslateFile(string path, string outputDir)
    {
        var output = Path.Combine(outputDir, OutputName(path));
        AtomicFile.WriteAllBytes(output, EncodePng(TranslateLoaded(Load(path))));
        return output;
    }

    /// <summary>The output file name of an input: <c>&lt;stem&gt;.png</c>.</summary>
    public static string OutputName(string path) => Path.GetFileNameWithoutExtension(path) + ".png";

    /// <summary>
    /// The decoding step of <see cref="TranslateFile"/>, upright: 16-bit (<c>Deep</c>) for a file of more than 8 bits
    /// with <c>--keep_depth</c>, else 8-bit (<c>Rgb</c>). Thread-safe: touches no tensor.
    /// </summary>
    public (RgbImage? Rgb, DeepImage? Deep) Load(string path)
    {
        var deep = _keepDepth ? ImageFile.LoadDeep(path, applyOrientation: true) : null;
        if (deep is { SourceBits: > 8 }) return (null, deep);
        return (deep?.To8() ?? ImageFile.LoadRgb(path, applyOrientation: true), null);
    }

    /// <summary>The network step of <see cref="TranslateFile"/> on what <see cref="Load"/> gave, at the same depth.</summary>
    public (RgbImage? Rgb, DeepImage? Deep) TranslateLoaded((RgbImage? Rgb, DeepImage? Deep) image) =>
        image.Deep != null ? (null, Translate(image.Deep)) : (Translate(image.Rgb!), null);

    /// <summary>The encoding step of <see cref="TranslateFile"/>: PNG bytes, 16-bit for a 16-bit image.</summary>
    public static byte[] EncodePng((RgbImage? Rgb, DeepImage? Deep) image) =>
        image.Deep != null ? Png16Codec.Encode(image.Deep) : ImageFile.EncodePng(image.Rgb!);

    /// <summary>An 8-bit image translated with the official quantisation (<c>tensor2im</c>); 1-channel output stays gray.</summary>
    public RgbImage Translate(RgbImage image)
    {
        if (_inputNc == 1 && image.Channels == 3) image = ImageTransform.Grayscale(image);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var y = Forward(image.Height, image.Width,
            (y0, h, x0, w) => ImageTensor.ToTensor(ImageTransform.Crop(image, x0, y0, w, h)).unsqueeze(0));
        return ImageTensor.TensorToImage(y, tileGray: false);
    }

    /// <summary>A 16-bit image translated at 16 bits (the network sees the finer input levels too).</summary>
    public DeepImage Translate(DeepImage image)
    {
        if (_inputNc == 1 && image.Channels == 3) image = ImageTransform.Grayscale(image);
        else if (_inputNc == 3 && image.Channels == 1) image = ImageTransform.Rgb(image);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var y = Forward(image.Height, image.Width,
            (y0, h, x0, w) => ImageTensor.ToTensor(ImageTransform.Crop(image, x0, y0, w, h)).unsqueeze(0));
        return ImageTensor.TensorToDeepImage(y);
    }

    /// <summary>
    /// The generator over an image of any size, given as its regions (<c>y, height, x, width</c> → [1, C, h, w] CPU
    /// tensor), in tiles with --tile so that only one tile's input exists at a time; the result is on the CPU.
    /// </summary>
    Tensor Forward(int height, int width, Func<int, int, int, int, Tensor> region) =>
        _tile > 0 && (height > _tile || width > _tile)
            ? TiledInference.Run(height, width, region, _tile, _overlap, Padded, out _)
            : Padded(region(0, height, 0, width));

    Tensor Padded(Tensor cpuInput)
    {
        var x = cpuInput.to(_device);
        int h = (int)x.shape[2], w = (int)x.shape[3];
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
        return y.cpu();
    }

    public void Dispose()
    {
        _g?.Dispose();
        _onnx?.Dispose();
    }
}
