using CycleGan.Data;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// One-direction translation of images of any size: each image is padded (reflect, or replicate where the image is
/// too small to reflect) up to the size the generator needs, translated, and cropped back, so the output has the
/// input's size. Decoding and the tensor conversion are the official ones. The generator is either engine behind
/// <see cref="IImageGenerator"/>; with a tile size, large images go through it in overlapping tiles
/// (<see cref="TiledInference"/>), and with <c>--keep_depth</c> 16-bit files stay 16 bits — for both engines alike.
/// </summary>
public sealed class Translator : IDisposable
{
    readonly IImageGenerator _g;
    readonly bool _keepDepth;
    readonly int _tile, _overlap;

    public Translator(TranslateOptions opt)
    {
        TorchRuntime.EnsureLoaded();
        var engines = new EngineChoice();
        _g = IImageGenerator.Open(opt, engines);
        Engine = engines.Last;
        int multiple = _g.SizeMultiple;
        if (opt.Tile < 0 || (opt.Tile > 0 && (opt.Tile % multiple != 0 || opt.Overlap < 0 || opt.Overlap >= opt.Tile)))
        {
            _g.Dispose();
            throw new UserError($"--tile {opt.Tile} must be a multiple of {multiple} (what the generator needs) " +
                $"and larger than --overlap {opt.Overlap} >= 0");
        }
        if (opt.Temporal == "norm" && opt.Tile > 0)
        {
            _g.Dispose();
            throw new UserError($"--temporal {opt.Temporal} carries whole-frame statistics; it does not combine with --tile");
        }
        _keepDepth = opt.KeepDepth;
        _tile = opt.Tile;
        _overlap = opt.Overlap;
    }

    /// <summary>What <c>--engine auto</c> chose and why (null for an explicit engine or <c>--onnx</c>).</summary>
    public EngineChoice.Decision? Engine { get; }

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
        AtomicFile.WriteAllBytes(output, Translate(Load(path)).EncodePng());
        return output;
    }

    /// <summary>The output file name of an input: <c>&lt;stem&gt;.png</c>.</summary>
    public static string OutputName(string path) => Path.GetFileNameWithoutExtension(path) + ".png";

    /// <summary>
    /// The decoding step of <see cref="TranslateFile"/>, upright: a <see cref="DeepImage"/> for a file of more than 8
    /// bits with <c>--keep_depth</c>, else an <see cref="RgbImage"/>. Thread-safe: touches no tensor.
    /// </summary>
    public IPixelImage Load(string path)
    {
        if (!_keepDepth) return ImageFile.LoadRgb(path, applyOrientation: true);
        var deep = ImageFile.LoadDeep(path, applyOrientation: true);
        return deep.SourceBits > 8 ? deep : deep.To8();
    }

    /// <summary>
    /// An image translated at its own depth (8 bits with the official quantisation, <c>tensor2im</c>; 16 bits rounded),
    /// first given the channels the network takes; a 1-channel output stays gray.
    /// </summary>
    public IPixelImage Translate(IPixelImage image)
    {
        image = image.WithChannels(_g.InputChannels);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var y = Forward(image.Height, image.Width, (y0, h, x0, w) => image.ToTensor(x0, y0, w, h).unsqueeze(0));
        return image.FromNetwork(y);
    }

    /// <summary>
    /// The generator over an image of any size, given as its regions (<c>y, height, x, width</c> → [1, C, h, w] CPU
    /// tensor), in tiles with --tile so that only one tile's input exists at a time; the result is on the CPU.
    /// </summary>
    Tensor Forward(int height, int width, Func<int, int, int, int, Tensor> region) =>
        _tile > 0 && (height > _tile || width > _tile)
            ? TiledInference.Run(height, width, region, _tile, _overlap, Padded, out _)
            : Padded(region(0, height, 0, width));

    Tensor Padded(Tensor x)
    {
        int multiple = _g.SizeMultiple;
        int h = (int)x.shape[2], w = (int)x.shape[3];
        int ph = (multiple - h % multiple) % multiple, pw = (multiple - w % multiple) % multiple;
        if (ph > 0 || pw > 0)
        {
            long[] pad = [pw / 2, pw - pw / 2, ph / 2, ph - ph / 2];
            var canReflect = pad[0] < w && pad[1] < w && pad[2] < h && pad[3] < h;
            x = nn.functional.pad(x, pad, canReflect ? PaddingModes.Reflect : PaddingModes.Replicate);
        }
        var y = _g.Forward(x);
        if (ph > 0 || pw > 0)
            y = y[.., .., TensorIndex.Slice(ph / 2, ph / 2 + h), TensorIndex.Slice(pw / 2, pw / 2 + w)];
        return y.cpu();
    }

    /// <summary>The next image starts a new video clip (<c>--temporal norm</c> forgets the frames before).</summary>
    public void BeginClip() => _g.BeginClip();

    public void Dispose() => _g.Dispose();
}
