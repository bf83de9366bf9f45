using System.Text.RegularExpressions;
using CycleGan.Data;
using CycleGan.Options;
using CycleGan.Inference;
using SkiaSharp;

namespace CycleGan.Serving;

/// <summary>
/// Translation for <c>POST /api/translate</c> through the same <see cref="Translator"/> as <c>cyclegan translate</c>,
/// so the pixels are the same. Generators are loaded on first use and kept (a few, least recently used dropped);
/// one translation runs at a time, since libtorch already spreads one over all cores and memory stays bounded.
/// </summary>
public sealed partial class TranslationService(RunCatalog runs, long maxPixels) : IDisposable
{
    const int CachedGenerators = 4;
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly List<(string Key, Translator Translator)> _cache = [];

    public async Task<byte[]> TranslateAsync(TranslateRequest request, byte[] image, CancellationToken cancel)
    {
        var opt = Options(request);
        var input = Decode(image);
        await _gate.WaitAsync(cancel);
        try
        {
            return Get(opt).Translate(input).EncodePng();
        }
        finally { _gate.Release(); }
    }

    /// <summary>The options <c>cyclegan translate</c> would be given for this checkpoint.</summary>
    public TranslateOptions Options(TranslateRequest r)
    {
        var dir = runs.RunDir(r.Run);
        if (!RunCatalog.Generators.Contains(r.Net))
            throw ServeError.NotFound($"no generator '{r.Net}' (use {string.Join(", ", RunCatalog.Generators)})");
        if (!Label().IsMatch(r.Epoch)) throw ServeError.NotFound($"no epoch '{r.Epoch}' (latest, a number or iter_N)");
        var checkpoint = Path.Combine(dir, $"{r.Epoch}_net_{r.Net}.pth");
        if (!File.Exists(checkpoint)) throw ServeError.NotFound($"run '{r.Run}' has no checkpoint {r.Epoch}_net_{r.Net}.pth");
        // The run's generator flags over translate's defaults (official folders have no train_opt.txt), then the query's.
        TranslateOptions opt;
        try { opt = TrainOptFile.Read(dir).ApplyTo(new TranslateOptions(), GeneratorFlags); }
        catch (UserError e) { throw ServeError.BadRequest(e.Message); }
        // G_B maps the B side back to A: its channels are the other way round.
        if (r.Net == "G_B") (opt.InputNc, opt.OutputNc) = (opt.OutputNc, opt.InputNc);
        opt.Checkpoint = checkpoint;
        opt.NetG = r.NetG ?? opt.NetG;
        opt.Ngf = r.Ngf ?? opt.Ngf;
        opt.Norm = r.Norm ?? opt.Norm;
        opt.NoDropout = r.NoDropout ?? opt.NoDropout;
        Check(opt, "netG", opt.NetG);
        Check(opt, "norm", opt.Norm);
        if (opt.Ngf is < 1 or > 1024) throw ServeError.BadRequest($"ngf {opt.Ngf} is out of range (1 to 1024)");
        return opt;
    }

    /// <summary>The flags that rebuild the generator; the run's device, precision and kernels are not the server's.</summary>
    static readonly string[] GeneratorFlags = [.. OptionInfo.All(typeof(GeneratorOptions)).Select(o => o.Name)];

    static void Check(GeneratorOptions opt, string name, string value)
    {
        var choices = OptionInfo.All(opt.GetType()).First(o => o.Name == name).Choices;
        if (!choices.Contains(value)) throw ServeError.BadRequest($"{name} '{value}' is not one of {string.Join(", ", choices)}");
    }

    RgbImage Decode(byte[] bytes)
    {
        // The header alone says how large the image is: a huge one is refused before its pixels are allocated.
        using (var stream = new SKMemoryStream(bytes))
        using (var codec = SKCodec.Create(stream))
            if (codec != null && (long)codec.Info.Width * codec.Info.Height > maxPixels)
                throw ServeError.TooLarge(
                    $"image of {codec.Info.Width}x{codec.Info.Height} pixels is more than the {maxPixels} accepted");
        try { return ImageFile.DecodeRgb(bytes, "request body"); }
        catch (UserError e) { throw ServeError.BadRequest(e.Message); }
    }

    Translator Get(TranslateOptions opt)
    {
        var key = string.Join("|", opt.Checkpoint, File.GetLastWriteTimeUtc(opt.Checkpoint).Ticks, opt.NetG, opt.Ngf, opt.Norm,
            opt.NoDropout, opt.InputNc, opt.OutputNc);
        var i = _cache.FindIndex(c => c.Key == key);
        if (i >= 0)
        {
            var hit = _cache[i];
            _cache.RemoveAt(i);
            _cache.Add(hit);
            return hit.Translator;
        }
        Translator translator;
        try { translator = new Translator(opt); }
        // A checkpoint that does not fit the flags (UserError) or cannot be read: the request names a wrong one.
        catch (Exception e) when (e is not OutOfMemoryException) { throw ServeError.BadRequest(e.Message); }
        _cache.Add((key, translator));
        if (_cache.Count > CachedGenerators)
        {
            _cache[0].Translator.Dispose();
            _cache.RemoveAt(0);
        }
        return translator;
    }

    public void Dispose()
    {
        foreach (var (_, t) in _cache) t.Dispose();
        _cache.Clear();
        _gate.Dispose();
    }

    [GeneratedRegex(@"^(latest|\d+|iter_\d+)$")]
    private static partial Regex Label();
}
