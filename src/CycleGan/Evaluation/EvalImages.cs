using CycleGan.Data;

namespace CycleGan.Evaluation;

/// <summary>One matched pair of files: the prediction (or generated image) and its ground truth.</summary>
public sealed record ImagePair(string Stem, string PredictionPath, string GroundTruthPath);

/// <summary>
/// Finding and loading the images an evaluation compares. Folders are matched by file stem; a results
/// folder of <c>cyclegan test</c> (files <c>&lt;stem&gt;_fake_B.png</c>, <c>&lt;stem&gt;_real_B.png</c>, ...,
/// directly or in its <c>images/</c> sub-folder) is recognised and its suffixes are stripped.
/// </summary>
public static class EvalImages
{
    /// <summary>
    /// Image files of a folder keyed by stem. When the folder is a results folder, only files ending in
    /// <paramref name="resultsSuffix"/> (e.g. <c>_fake_B</c>) are taken, keyed by the stem without it.
    /// </summary>
    public static SortedDictionary<string, string> List(string dir, string resultsSuffix, string what)
    {
        if (!Directory.Exists(dir)) throw new UserError($"{what} folder {dir} does not exist");
        if (Directory.Exists(Path.Combine(dir, "images")) && IsResultsFolder(Path.Combine(dir, "images")))
            dir = Path.Combine(dir, "images");
        var files = Directory.EnumerateFiles(dir).Where(ImageFile.IsImageFile).ToList();
        var results = IsResultsFolder(dir);
        var map = new SortedDictionary<string, string>(NumericStemComparer.Instance);
        foreach (var f in files)
        {
            var stem = Path.GetFileNameWithoutExtension(f);
            if (results)
            {
                if (!stem.EndsWith(resultsSuffix, StringComparison.Ordinal)) continue;
                stem = stem[..^resultsSuffix.Length];
            }
            if (!map.TryAdd(stem, f))
                throw new UserError($"{what} folder {dir} has two images with the stem '{stem}' " +
                    $"({Path.GetFileName(map[stem])}, {Path.GetFileName(f)})");
        }
        if (map.Count == 0)
            throw new UserError(results
                ? $"{what} folder {dir} looks like a results folder but has no *{resultsSuffix} images"
                : $"{what} folder {dir} has no images ({string.Join(' ', ImageFile.Extensions.Where(e => e == e.ToLowerInvariant()))})");
        return map;
    }

    static bool IsResultsFolder(string dir) =>
        Directory.EnumerateFiles(dir).Any(f => ImageFile.IsImageFile(f)
            && Path.GetFileNameWithoutExtension(f).EndsWith("_fake_B", StringComparison.Ordinal));

    /// <summary>
    /// Pairs two folders by stem. Stems present on one side only are an error, naming the first few, so a
    /// silently shrunk test set cannot pass for a full one.
    /// </summary>
    public static IReadOnlyList<ImagePair> Match(string predDir, string gtDir, string predSuffix, string gtSuffix, string predWhat,
        string gtWhat)
    {
        var pred = List(predDir, predSuffix, predWhat);
        var gt = List(gtDir, gtSuffix, gtWhat);
        var missing = gt.Keys.Where(k => !pred.ContainsKey(k)).ToList();
        var extra = pred.Keys.Where(k => !gt.ContainsKey(k)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"{missing.Count} {gtWhat} image(s) have no {predWhat} image " +
                $"(e.g. {string.Join(", ", missing.Take(3))})");
            if (extra.Count > 0) parts.Add($"{extra.Count} {predWhat} image(s) have no {gtWhat} image " +
                $"(e.g. {string.Join(", ", extra.Take(3))})");
            throw new UserError($"{predDir} and {gtDir} do not match by file name: " + string.Join("; ", parts));
        }
        return gt.Select(kv => new ImagePair(kv.Key, pred[kv.Key], kv.Value)).ToList();
    }

    /// <summary>Loads an image file and keeps the requested half of a side-by-side AB file.</summary>
    public static RgbImage Load(string path, AbSide side)
    {
        var img = ImageFile.LoadRgb(path);
        if (side == AbSide.Full) return img;
        int w2 = img.Width / 2;
        if (w2 == 0) throw new UserError($"{path} is {img.Width} px wide, too narrow to split into A|B halves");
        int x0 = side == AbSide.Left ? 0 : w2;
        var half = RgbImage.Create(w2, img.Height, img.Channels);
        int rowBytes = w2 * img.Channels;
        for (int y = 0; y < img.Height; y++)
            Array.Copy(img.Pixels, (y * img.Width + x0) * img.Channels, half.Pixels, y * rowBytes, rowBytes);
        return half;
    }

    /// <summary>Orders "2" before "10" (the facades files are unpadded numbers), other names ordinally.</summary>
    sealed class NumericStemComparer : IComparer<string>
    {
        public static readonly NumericStemComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (long.TryParse(x, out var a) && long.TryParse(y, out var b) && a != b) return a.CompareTo(b);
            return string.CompareOrdinal(x, y);
        }
    }
}
