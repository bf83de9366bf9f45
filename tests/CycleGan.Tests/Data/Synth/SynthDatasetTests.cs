using System.Text.Json;
using CycleGan.Data;
using CycleGan.Data.Synth;

namespace CycleGan.Tests.Data.Synth;

public class SynthDatasetTests
{
    static string[] Stems(string dir) => Directory.GetFiles(dir, "*.png").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;

    static Dictionary<string, byte[]> AllFiles(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    [Fact]
    public void Writes_the_documented_layout_with_matching_test_stems_and_aligned_pairs()
    {
        using var tmp = TestPaths.NewTempDir("synth");
        var root = tmp["ds"];
        SynthDataset.Write(new SynthOptions(root, Size: 32, Train: 6, Test: 4, Seed: 1));

        foreach (var d in new[] { "trainA", "trainB", "train" }) Assert.Equal(6, Stems(Path.Combine(root, d)).Length);
        foreach (var d in new[] { "testA", "testB", "test" }) Assert.Equal(4, Stems(Path.Combine(root, d)).Length);
        Assert.Equal(Stems(Path.Combine(root, "trainA")), Stems(Path.Combine(root, "train")));
        Assert.Equal(Stems(Path.Combine(root, "testA")), Stems(Path.Combine(root, "testB")));
        Assert.Equal(Stems(Path.Combine(root, "testA")), Stems(Path.Combine(root, "test")));
        Assert.Equal("t_00000", Stems(Path.Combine(root, "testA"))[0]);
        Assert.True(File.Exists(Path.Combine(root, "README.txt")));
        Assert.True(File.Exists(Path.Combine(root, "synth.json")));
        Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));

        foreach (var stem in Stems(Path.Combine(root, "test")))
        {
            var ab = ImageFile.LoadRgb(Path.Combine(root, "test", stem + ".png"));
            var a = ImageFile.LoadRgb(Path.Combine(root, "testA", stem + ".png"));
            var b = ImageFile.LoadRgb(Path.Combine(root, "testB", stem + ".png"));
            Assert.Equal((64, 32), (ab.Width, ab.Height));
            Assert.Equal(SynthDataset.SideBySide(a, b).Pixels, ab.Pixels);
            Assert.NotEqual(a.Pixels, b.Pixels);
        }
        var trainAb = ImageFile.LoadRgb(Path.Combine(root, "train", "a_00002.png"));
        var trainA = ImageFile.LoadRgb(Path.Combine(root, "trainA", "a_00002.png"));
        for (int y = 0; y < 32; y++)
            Assert.Equal(trainA.Pixels.AsSpan(y * 96, 96).ToArray(), trainAb.Pixels.AsSpan(y * 192, 96).ToArray());
    }

    [Fact]
    public void Palette_json_lists_every_class_in_index_order()
    {
        using var doc = JsonDocument.Parse(SynthDataset.PaletteJson());
        var classes = doc.RootElement.GetProperty("classes").EnumerateArray().ToList();
        Assert.Equal(StreetScenes.Palette.Count, classes.Count);
        for (int i = 0; i < classes.Count; i++)
        {
            var p = StreetScenes.Palette[i];
            Assert.Equal(p.Name, classes[i].GetProperty("name").GetString());
            Assert.Equal(new[] { (int)p.R, p.G, p.B }, classes[i].GetProperty("rgb").EnumerateArray().Select(e => e.GetInt32()));
        }
    }

    [Fact]
    public void Rerun_with_the_same_seed_gives_identical_bytes_and_another_seed_differs()
    {
        using var tmp = TestPaths.NewTempDir("synth");
        SynthDataset.Write(new SynthOptions(tmp["a"], Size: 32, Train: 5, Test: 3, Seed: 42));
        SynthDataset.Write(new SynthOptions(tmp["b"], Size: 32, Train: 5, Test: 3, Seed: 42));
        SynthDataset.Write(new SynthOptions(tmp["c"], Size: 32, Train: 5, Test: 3, Seed: 43));
        var a = AllFiles(tmp["a"]);
        var b = AllFiles(tmp["b"]);
        var c = AllFiles(tmp["c"]);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), name + " differs between two runs");
        Assert.All(a.Keys.Where(k => k.EndsWith(".png", StringComparison.Ordinal)), k => Assert.False(a[k].AsSpan().SequenceEqual(c[k]), k + " is the same for seeds 42 and 43"));
    }

    [Fact]
    public void TrainA_and_trainB_come_from_different_scenes()
    {
        for (int i = 0; i < 20; i++)
            Assert.NotEqual(StreetScenes.RenderLabels(SynthDataset.SceneFor(0, "trainA", i), 64).Pixels,
                StreetScenes.RenderLabels(SynthDataset.SceneFor(0, "trainB", i), 64).Pixels);
    }

    [Fact]
    public void Test_set_does_not_depend_on_the_train_count_and_labels_do_not_depend_on_style()
    {
        using var tmp = TestPaths.NewTempDir("synth");
        SynthDataset.Write(new SynthOptions(tmp["day"], Size: 32, Train: 2, Test: 3, Seed: 5, Style: 1));
        SynthDataset.Write(new SynthOptions(tmp["night"], Size: 32, Train: 4, Test: 3, Seed: 5, Style: 2));
        foreach (var stem in Stems(tmp["day/testA"]))
        {
            Assert.Equal(File.ReadAllBytes(tmp[$"day/testA/{stem}.png"]), File.ReadAllBytes(tmp[$"night/testA/{stem}.png"]));
            Assert.NotEqual(File.ReadAllBytes(tmp[$"day/testB/{stem}.png"]), File.ReadAllBytes(tmp[$"night/testB/{stem}.png"]));
        }
        foreach (var stem in Stems(tmp["day/trainA"]))
            Assert.Equal(File.ReadAllBytes(tmp[$"day/trainA/{stem}.png"]), File.ReadAllBytes(tmp[$"night/trainA/{stem}.png"]));
    }

    [Fact]
    public void Refuses_a_non_empty_folder_unless_forced_and_force_replaces_only_the_dataset()
    {
        using var tmp = TestPaths.NewTempDir("synth");
        var root = tmp["ds"];
        SynthDataset.Write(new SynthOptions(root, Size: 16, Train: 3, Test: 3));
        File.WriteAllText(Path.Combine(root, "notes.txt"), "mine");
        var e = Assert.Throws<UserError>(() => SynthDataset.Write(new SynthOptions(root, Size: 16, Train: 1, Test: 1)));
        Assert.Contains("--force", e.Message);

        SynthDataset.Write(new SynthOptions(root, Size: 16, Train: 1, Test: 2, Force: true));
        Assert.Single(Stems(Path.Combine(root, "trainA")));
        Assert.Equal(2, Stems(Path.Combine(root, "testB")).Length);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(root, "notes.txt")));
    }

    [Theory]
    [InlineData(12, 1, 1, "streets", 1, "--size")]
    [InlineData(30, 1, 1, "streets", 1, "--size")]
    [InlineData(64, -1, 1, "streets", 1, "--train")]
    [InlineData(64, 1, -2, "streets", 1, "--test")]
    [InlineData(64, 1, 1, "forests", 1, "--kind")]
    [InlineData(64, 1, 1, "streets", 3, "--style")]
    public void Bad_options_are_user_errors_naming_the_option(int size, int train, int test, string kind, int style, string option)
    {
        using var tmp = TestPaths.NewTempDir("synth");
        var e = Assert.Throws<UserError>(() => SynthDataset.Write(new SynthOptions(tmp["ds"], kind, size, train, test, Style: style)));
        Assert.Contains(option, e.Message);
        Assert.False(Directory.Exists(tmp["ds"]));
    }

    [Fact]
    public void An_out_path_that_is_a_file_is_a_user_error()
    {
        using var tmp = TestPaths.NewTempDir("synth");
        File.WriteAllText(tmp["file"], "x");
        Assert.Throws<UserError>(() => SynthDataset.Write(new SynthOptions(tmp["file"], Train: 1, Test: 1)));
    }
}
