using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CycleGan.Data.Synth;

/// <summary>
/// Writes a procedural unpaired dataset (A = label maps, B = photos) with the paired ground truth kept:
/// <code>
/// trainA/a_NNNNN.png  label maps of the train-A scenes
/// trainB/b_NNNNN.png  photos of the train-B scenes (other scenes than trainA: truly unpaired)
/// train/a_NNNNN.png   trainA's scenes as aligned pairs, labels (A) left | photo (B) right
/// testA/t_NNNNN.png   label maps of the test scenes
/// testB/t_NNNNN.png   photos of the same test scenes (same stem = same scene)
/// test/t_NNNNN.png    the test pairs side by side, labels (A) left | photo (B) right
/// palette.json, README.txt, synth.json
/// </code>
/// Each image depends only on (seed, split, index), so <c>--train</c> does not change the test set, and
/// label maps do not depend on the style, so style 1 and style 2 datasets with one seed share their labels.
/// </summary>
public static class SynthDataset
{
    static readonly string[] OwnedEntries = ["trainA", "trainB", "train", "testA", "testB", "test", "palette.json", "README.txt",
        "synth.json", "frames", "labels", "flow", "clip.mp4", "video.json"];

    public sealed record Result(string Root, int Train, int Test, int Size, PhotoStyle Style, TimeSpan Elapsed);

    /// <summary>The scene of item <paramref name="index"/> of split <c>trainA</c>, <c>trainB</c> or <c>test</c>.</summary>
    public static Scene SceneFor(long seed, string split, int index) => StreetScenes.Generate(Rng.Derive((ulong)seed, split, index));

    /// <summary>The photo of that scene in <paramref name="style"/>, as written to the dataset.</summary>
    public static RgbImage PhotoFor(Scene scene, long seed, string split, int index, int size, PhotoStyle style) =>
        StreetScenes.RenderPhoto(scene, size, style, Rng.Derive((ulong)seed, $"{split}-photo-style{(int)style}", index));

    public static Result Write(SynthOptions o)
    {
        o.Validate();
        var sw = Stopwatch.StartNew();
        var root = Path.GetFullPath(o.Out);
        PrepareRoot(root, o.Force);
        if (o.Video) throw new ArgumentException("a clip (--video) is written by Video.SynthVideo.WriteClip", nameof(o));

        var style = o.PhotoStyle;
        string Stem(char prefix, int i, int count) => prefix + "_" + i.ToString(CultureInfo.InvariantCulture)
            .PadLeft(Math.Max(5, count.ToString(CultureInfo.InvariantCulture).Length), '0');
        string P(string dir, string stem) => Path.Combine(root, dir, stem + ".png");
        foreach (var d in OwnedEntries.Take(6)) Directory.CreateDirectory(Path.Combine(root, d));

        // One job per image index; every image has its own generator, so the order of work does not matter.
        Parallel.For(0, 3L * Math.Max(o.Train, o.Test), job =>
        {
            int split = (int)(job % 3), i = (int)(job / 3);
            switch (split)
            {
                case 0 when i < o.Train:
                {
                    var scene = SceneFor(o.Seed, "trainA", i);
                    var labels = StreetScenes.RenderLabels(scene, o.Size);
                    ImageFile.SavePng(labels, P("trainA", Stem('a', i, o.Train)));
                    ImageFile.SavePng(SideBySide(labels, PhotoFor(scene, o.Seed, "trainA", i, o.Size, style)),
                        P("train", Stem('a', i, o.Train)));
                    break;
                }
                case 1 when i < o.Train:
                    ImageFile.SavePng(PhotoFor(SceneFor(o.Seed, "trainB", i), o.Seed, "trainB", i, o.Size, style),
                        P("trainB", Stem('b', i, o.Train)));
                    break;
                case 2 when i < o.Test:
                {
                    var scene = SceneFor(o.Seed, "test", i);
                    var labels = StreetScenes.RenderLabels(scene, o.Size);
                    var photo = PhotoFor(scene, o.Seed, "test", i, o.Size, style);
                    var stem = Stem('t', i, o.Test);
                    ImageFile.SavePng(labels, P("testA", stem));
                    ImageFile.SavePng(photo, P("testB", stem));
                    ImageFile.SavePng(SideBySide(labels, photo), P("test", stem));
                    break;
                }
            }
        });

        AtomicFile.WriteAllText(Path.Combine(root, "palette.json"), PaletteJson());
        AtomicFile.WriteAllText(Path.Combine(root, "synth.json"), string.Create(CultureInfo.InvariantCulture,
            $"{{\"kind\": \"{o.Kind}\", \"size\": {o.Size}, \"train\": {o.Train}, \"test\": {o.Test}, \"seed\": {o.Seed}, " +
            $"\"style\": {o.Style}, \"generator_version\": 1}}\n"));
        AtomicFile.WriteAllText(Path.Combine(root, "README.txt"), Readme(o));
        return new Result(root, o.Train, o.Test, o.Size, style, sw.Elapsed);
    }

    /// <summary>The <c>palette.json</c> text: <c>{"classes": [{"name": ..., "rgb": [r, g, b]}, ...]}</c> in class-index order.</summary>
    public static string PaletteJson()
    {
        var sb = new StringBuilder("{\"classes\": [\n");
        for (int i = 0; i < StreetScenes.Palette.Count; i++)
        {
            var p = StreetScenes.Palette[i];
            sb.Append(CultureInfo.InvariantCulture, $"  {{\"name\": \"{p.Name}\", \"rgb\": [{p.R}, {p.G}, {p.B}]}}");
            sb.Append(i + 1 < StreetScenes.Palette.Count ? ",\n" : "\n");
        }
        return sb.Append("]}\n").ToString();
    }

    /// <summary>A on the left, B on the right: the layout of the official aligned dataset (<c>--dataset_mode aligned</c>).</summary>
    public static RgbImage SideBySide(RgbImage a, RgbImage b)
    {
        if (a.Height != b.Height || a.Channels != b.Channels) throw new ArgumentException("images differ in height or channels");
        var ab = RgbImage.Create(a.Width + b.Width, a.Height, a.Channels);
        int ra = a.Width * a.Channels, rb = b.Width * b.Channels;
        for (int y = 0; y < a.Height; y++)
        {
            Array.Copy(a.Pixels, y * ra, ab.Pixels, y * (ra + rb), ra);
            Array.Copy(b.Pixels, y * rb, ab.Pixels, y * (ra + rb) + ra, rb);
        }
        return ab;
    }

    /// <summary>Makes <paramref name="root"/> ready for a new dataset (or clip): empty, or only our own entries with --force.</summary>
    public static void PrepareRoot(string root, bool force)
    {
        try
        {
            if (File.Exists(root)) throw new UserError($"--out {root} is a file; give a folder");
            if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
            {
                if (!force) throw new UserError($"--out {root} is not empty; choose a new folder or pass --force " +
                    $"to replace the dataset there");
                foreach (var e in OwnedEntries)
                {
                    var p = Path.Combine(root, e);
                    if (Directory.Exists(p)) Directory.Delete(p, recursive: true);
                    else if (File.Exists(p)) File.Delete(p);
                }
            }
            Directory.CreateDirectory(root);
            var probe = Path.Combine(root, ".write-test-" + Environment.ProcessId);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot write to --out {root}: {e.Message}", e);
        }
    }

    static string Readme(SynthOptions o) => string.Create(CultureInfo.InvariantCulture, $"""
        Synthetic street scenes made by `cyclegan datasets synth --kind {o.Kind} --size {o.Size} --train {o.Train} --test {o.Test} --seed {
            o.Seed} --style {o.Style}`.
        Rerunning that command gives the same bytes.

        Domain A = semantic label maps (flat colours from palette.json, no anti-aliasing).
        Domain B = photo-like renderings of scenes (style {o.Style}: {(o.Style == 1 ? "day"
            : "night with lit windows, street lamps and fog")}).
        CycleGAN AtoB is labels -> photo; BtoA is photo -> labels.

        trainA/a_*.png  {o.Train} label maps
        trainB/b_*.png  {o.Train} photos of OTHER scenes than trainA (unpaired: use --dataset_mode unaligned)
        train/a_*.png   the trainA scenes as aligned pairs, {2 * o.Size}x{o.Size}: labels (A) left | photo (B) right,
                        for pix2pix (--dataset_mode aligned), the paired upper bound on the same label maps
        testA/t_*.png   {o.Test} test label maps (ground truth for photo -> labels)
        testB/t_*.png   photos of the same test scenes: testA/t_00007.png and testB/t_00007.png are one scene
        test/t_*.png    the test pairs, labels (A) left | photo (B) right (--dataset_mode aligned --phase test)
        palette.json    class names and label colours, in class-index order
        synth.json      the options used

        Label maps do not depend on --style: datasets made with one seed and styles 1 and 2 have identical
        trainA, testA and label halves, so a segmenter trained on style 1 photos can be tested on style 2 photos.

        """);
}
