using System.Collections.Concurrent;

namespace CycleGan.Data;

/// <summary>
/// The official <c>datasets/combine_A_and_B.py</c>: for every split folder of fold_A that fold_B also has, each A
/// image and the B image of the same name (<c>_A.</c> → <c>_B.</c> with use_AB) are written side by side, A left,
/// as one image of the same name and format in fold_AB/split — the layout <c>--dataset_mode aligned</c> reads.
/// </summary>
/// <remarks>
/// As officially, images are read as upright 8-bit RGB (OpenCV's <c>IMREAD_COLOR</c>) and an A without a B is skipped; here
/// the skipped files are reported, files are taken in sorted order, and images of different heights are an error
/// naming the pair instead of a numpy exception lost in a worker process.
/// </remarks>
public static class CombineAandB
{
    public static CombineResult Run(CombineOptions o, Action<string>? log = null)
    {
        foreach (var (flag, dir) in new[] { ("fold_A", o.FoldA), ("fold_B", o.FoldB) })
            if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
                throw new UserError($"--{flag} {dir} is not a folder (it should hold split folders such as train, val, test)");
        if (string.IsNullOrEmpty(o.FoldAB)) throw new UserError("--fold_AB is required");
        if (o.NumImgs < 0) throw new UserError($"--num_imgs {o.NumImgs} must not be negative");

        var jobs = new List<(string A, string B, string AB)>();
        var missing = new List<string>();
        var written = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var splitA in Directory.GetDirectories(o.FoldA).Order(StringComparer.Ordinal))
        {
            var split = Path.GetFileName(splitA);
            var splitB = Path.Combine(o.FoldB, split);
            if (!Directory.Exists(splitB)) { log?.Invoke($"split = {split}: not in --fold_B, skipped"); continue; }
            var names = Directory.GetFiles(splitA).Select(Path.GetFileName).OfType<string>()
                .Where(ImageFile.IsImageFile).Where(n => !o.UseAB || n.Contains("_A.", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal).ToList();
            int n = Math.Min(o.NumImgs, names.Count);
            log?.Invoke($"split = {split}, use {n}/{names.Count} images");
            var outDir = Path.Combine(o.FoldAB, split);
            AtomicFile.CreateDirectory(outDir);
            int pairs = 0;
            foreach (var nameA in names.Take(n))
            {
                var pathB = Path.Combine(splitB, o.UseAB ? nameA.Replace("_A.", "_B.", StringComparison.Ordinal) : nameA);
                if (!File.Exists(pathB)) { missing.Add(Path.Combine(splitA, nameA)); continue; }
                var nameAB = o.UseAB ? nameA.Replace("_A.", ".", StringComparison.Ordinal) : nameA;
                jobs.Add((Path.Combine(splitA, nameA), pathB, Path.Combine(outDir, nameAB)));
                pairs++;
            }
            written[split] = pairs;
        }

        var errors = new ConcurrentBag<(string A, string Message)>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = o.NoMultiprocessing ? 1 : Environment.ProcessorCount };
        Parallel.ForEach(jobs, parallel, job =>
        {
            try { ImageFile.Save(SideBySide(job.A, job.B), job.AB); }
            catch (UserError e) { errors.Add((job.A, e.Message)); }
        });
        if (!errors.IsEmpty)
        {
            var first = errors.OrderBy(e => e.A, StringComparer.Ordinal).First().Message;
            throw new UserError(errors.Count == 1 ? first : $"{first} (and {errors.Count - 1} more pair(s) failed)");
        }
        return new CombineResult(written, missing);
    }

    /// <summary>A and B as 8-bit RGB, concatenated along the width (numpy's <c>concatenate(..., 1)</c>).</summary>
    static RgbImage SideBySide(string pathA, string pathB)
    {
        // cv2.imread with IMREAD_COLOR turns images upright by their EXIF orientation.
        var a = ImageFile.LoadRgb(pathA, applyOrientation: true);
        var b = ImageFile.LoadRgb(pathB, applyOrientation: true);
        if (a.Height != b.Height)
            throw new UserError($"{pathA} is {a.Width}x{a.Height} but {pathB} is {b.Width}x{b.Height}: "
                + "A and B need the same height to be put side by side");
        var ab = RgbImage.Create(a.Width + b.Width, a.Height);
        for (int y = 0; y < a.Height; y++)
        {
            Array.Copy(a.Pixels, y * a.Width * 3, ab.Pixels, y * ab.Width * 3, a.Width * 3);
            Array.Copy(b.Pixels, y * b.Width * 3, ab.Pixels, (y * ab.Width + a.Width) * 3, b.Width * 3);
        }
        return ab;
    }
}
