namespace CycleGan.Tests.Reliability;

/// <summary>
/// Training checks every dataset file before the first step: unusable files are listed with their reasons and stop
/// the run with exit code 2 (or are skipped with a warning under --skip_bad_images); odd but valid modes are
/// converted like PIL's <c>convert('RGB')</c>.
/// </summary>
public class DatasetValidationTests
{
    static string Reference(string name) => TestPaths.Ref("images", name);

    /// <summary>A synthetic dataset plus one file of each unusable kind in trainA.</summary>
    static Dictionary<string, string> AddBadFiles(string root)
    {
        var a = Path.Combine(root, "trainA");
        var photo = File.ReadAllBytes(Reference("photo420.jpg"));
        var png = File.ReadAllBytes(Reference("rgb.png"));
        var files = new Dictionary<string, byte[]>
        {
            ["zero.png"] = [],
            ["text.png"] = "hello, not an image\n"u8.ToArray(),
            ["truncated.jpg"] = photo[..(photo.Length / 3)],
            ["truncated.png"] = png[..(png.Length / 2)],
            ["scan.tif"] = [.. "II*\0"u8, 8, 0, 0, 0, 0, 0],
        };
        foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(a, name), bytes);
        return files.Keys.ToDictionary(k => k, k => Path.Combine(a, k));
    }

    [Fact]
    public void Unusable_files_are_listed_with_reasons_and_stop_training_with_exit_2_before_any_checkpoint()
    {
        using var dir = TestPaths.NewTempDir("badds");
        var root = Cli.Synth(dir["ds"]);
        var bad = AddBadFiles(root);
        var r = Cli.Run(["train", "--dataroot", root, "--name", "n", "--checkpoints_dir", dir["ck"], .. Cli.Tiny()]);
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: 5 file(s)", line);
        var listFile = Path.Combine(dir["ck"], "n", "bad_images.txt");
        Assert.Contains($"and 2 more; all listed in {listFile}", line);
        Assert.Contains("--skip_bad_images", line);
        var listed = File.ReadAllLines(listFile).Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(bad.Values.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        var reasons = string.Join("\n", listed.Values);
        Assert.Contains("empty file", reasons);
        Assert.Contains("truncated", reasons);
        Assert.Contains("TIFF", reasons);
        Assert.Contains("not an image", reasons);
        // nothing but the list: no checkpoint, no state
        Assert.Equal([listFile], Directory.GetFiles(dir["ck"], "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Many_unusable_files_give_a_short_error_naming_the_first_few_and_a_complete_list_file()
    {
        using var dir = TestPaths.NewTempDir("manybad");
        var root = Cli.Synth(dir["ds"], train: 2);
        var bad = Enumerable.Range(0, 238).Select(k => Path.Combine(root, "trainB", $"bad{k:D3}.jpg")).ToList();
        foreach (var f in bad) File.WriteAllText(f, "not a jpeg");
        var r = Cli.Run(["train", "--dataroot", root, "--name", "n", "--checkpoints_dir", dir["ck"], .. Cli.Tiny()]);
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: 238 file(s)", line);
        Assert.True(line.Length < 600, $"{line.Length} characters: {line}");
        Assert.Equal(3, bad.Count(line.Contains));
        Assert.Contains("and 235 more", line);
        var listFile = Path.Combine(dir["ck"], "n", "bad_images.txt");
        Assert.Contains(listFile, line);
        Assert.Equal(bad, File.ReadAllLines(listFile).Select(l => l.Split('\t')[0]));
    }

    [Fact]
    public void Skip_bad_images_warns_and_trains_on_the_rest()
    {
        using var dir = TestPaths.NewTempDir("skipbad");
        var root = Cli.Synth(dir["ds"], train: 2);
        AddBadFiles(root);
        var r = Cli.Run(["train", "--dataroot", root, "--name", "n", "--checkpoints_dir", dir["ck"], "--skip_bad_images", .. Cli.Tiny(1, 0)]);
        Assert.True(r.Code == 0, r.Stderr);
        Assert.Contains("warning: skipping 5 unusable image file(s)", r.Stdout);
        Assert.Contains("bad_images.txt", r.Stdout);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir["ck"], "n", "bad_images.txt")).Length);
        Assert.Contains("training 2 images", r.Stdout);
        Assert.True(File.Exists(Path.Combine(dir["ck"], "n", "latest_net_G_A.pth")));
    }

    [Fact]
    public void Gray_16bit_rgba_palette_and_cmyk_images_are_converted_not_rejected()
    {
        using var dir = TestPaths.NewTempDir("modes");
        var root = Cli.Synth(dir["ds"], train: 2);
        foreach (var f in new[] { "gray8.png", "gray16.png", "rgba.png", "palette.png", "cmyk.jpg" })
            File.Copy(Reference(f), Path.Combine(root, "trainB", f));
        var r = Cli.Run(["train", "--dataroot", root, "--name", "n", "--checkpoints_dir", dir["ck"], .. Cli.Tiny(1, 0, saveLatestFreq: 100)]);
        Assert.True(r.Code == 0, r.Stderr);
        Assert.DoesNotContain("warning", r.Stdout);
        Assert.Contains("training 7 images", r.Stdout);
    }

    [Fact]
    public void Image_smaller_than_the_crop_is_rejected_by_name_with_preprocess_crop_and_resized_with_resize_and_crop()
    {
        using var dir = TestPaths.NewTempDir("small");
        var root = Cli.Synth(dir["ds"], train: 2);
        var small = Path.Combine(root, "trainB", "odd_37x23.png");
        File.Copy(Reference("odd_37x23.png"), small);
        string[] common = ["train", "--dataroot", root, "--name", "n", "--checkpoints_dir", dir["ck"], "--ngf", "4", "--ndf", "4",
            "--netG", "resnet_6blocks", "--crop_size", "32", "--n_epochs", "1", "--n_epochs_decay", "0", "--save_latest_freq", "100", "--no_html"];

        var crop = Cli.Run([.. common, "--preprocess", "crop"]);
        Assert.Equal(2, crop.Code);
        var line = Assert.Single(crop.ErrorLines);
        Assert.Contains(small, line);
        Assert.Contains("smaller than --crop_size 32", line);

        var resized = Cli.Run([.. common, "--preprocess", "resize_and_crop", "--load_size", "32"]);
        Assert.True(resized.Code == 0, resized.Stderr);
    }
}
