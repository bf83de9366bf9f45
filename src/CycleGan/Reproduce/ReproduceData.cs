using System.Globalization;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Evaluation;

namespace CycleGan.Reproduce;

/// <summary>
/// The dataset of a reproduction in one layout (A = label maps, B = photos): <c>trainA</c>, <c>trainB</c> (unaligned
/// view), <c>train/</c> (aligned labels|photo pairs, for pix2pix and the segmenter), <c>testA</c>, <c>testB</c> (same
/// stems = same scene), <c>test/</c> and <c>palette.json</c>.
/// </summary>
public static class ReproduceData
{
    public sealed record Prepared(string Root, string PalettePath, IReadOnlyList<string> TestStems, int TrainCount);

    public static Prepared Prepare(ReproduceOptions o, string root)
    {
        if (o.Dataset == "synth")
        {
            var r = SynthDataset.Write(new SynthOptions(root, Size: o.Size, Train: o.Train, Test: o.Test, Seed: o.Seed, Force: true));
            return new Prepared(r.Root, Path.Combine(r.Root, "palette.json"), Stems(Path.Combine(r.Root, "testA")), r.Train);
        }
        return FromFacades(o.FacadesRoot, root, o.Size);
    }

    /// <summary>
    /// Facades files are photo (left) | labels (right) at 256 px. Both halves are resized to <paramref name="size"/>:
    /// photos bilinearly, labels as class maps (nearest palette colour at full size, then nearest neighbour) so that
    /// the JPEG-blurred label colours become clean classes. The unaligned view holds every training image on both
    /// sides; unaligned sampling pairs them at random, as the official CycleGAN facades dataset does.
    /// </summary>
    public static Prepared FromFacades(string facadesRoot, string root, int size)
    {
        var src = Path.GetFullPath(facadesRoot);
        var palettePath = Path.Combine(src, "palette.pix2pix.json");
        if (!File.Exists(palettePath) || !Directory.Exists(Path.Combine(src, "train")) || !Directory.Exists(Path.Combine(src, "test")))
            throw new UserError($"{src} is not the facades dataset (train/, test/ and palette.pix2pix.json are needed); " +
                $"give it with --facades-root");
        var palette = Palette.Load(palettePath);
        root = Path.GetFullPath(root);
        foreach (var d in new[] { "trainA", "trainB", "train", "testA", "testB", "test" })
        {
            var dir = Path.Combine(root, d);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
        }
        int trainCount = Split(Path.Combine(src, "train"), root, "train", size, palette);
        Split(Path.Combine(src, "test"), root, "test", size, palette);
        File.Copy(palettePath, Path.Combine(root, "palette.json"), overwrite: true);
        return new Prepared(root, Path.Combine(root, "palette.json"), Stems(Path.Combine(root, "testA")), trainCount);
    }

    static int Split(string srcDir, string root, string phase, int size, Palette palette)
    {
        var files = Directory.GetFiles(srcDir).Where(ImageFile.IsImageFile).ToList();
        Parallel.ForEach(files, f =>
        {
            var stem = Path.GetFileNameWithoutExtension(f);
            var photo = Resample.Bilinear(EvalImages.Load(f, AbSide.Left), size, size);
            var labelImg = EvalImages.Load(f, AbSide.Right);
            var idx = Resample.NearestIndexMap(palette.ToIndexMap(labelImg), labelImg.Width, labelImg.Height, size, size);
            var labels = palette.Colorize(idx, size, size);
            ImageFile.SavePng(labels, Path.Combine(root, phase + "A", stem + ".png"));
            ImageFile.SavePng(photo, Path.Combine(root, phase + "B", stem + ".png"));
            ImageFile.SavePng(SynthDataset.SideBySide(labels, photo), Path.Combine(root, phase, stem + ".png"));
        });
        return files.Count;
    }

    public static IReadOnlyList<string> Stems(string dir) =>
        Directory.GetFiles(dir, "*.png").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList();

    public static string Describe(Prepared p, ReproduceOptions o) => string.Create(CultureInfo.InvariantCulture,
        $"{o.Dataset}: {p.TrainCount} training scenes per domain, {p.TestStems.Count} test scenes, {o.Size} px, in {p.Root}");
}
