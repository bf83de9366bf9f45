using System.Text.Json;
using CycleGan.Cli;
using CycleGan.Models;
using CycleGan.Reproduce;

namespace CycleGan.Tests.Reproduce;

public class ReproduceCommandTests
{
    [Fact]
    public void Reproduce_with_a_tiny_budget_writes_the_tables_page_and_scores_json_with_every_selected_method()
    {
        using var tmp = TestPaths.NewTempDir("reproduce");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = App.Run(["reproduce", "--dataset", "synth", "--out", tmp["r"], "--size", "32", "--seconds-per-model", "2",
            "--methods", "cycle_gan,gan_alone,simgan", "--seeds", "1", "--train", "6", "--test", "4", "--ngf", "4", "--ndf", "4", "--segmenter-epochs", "1"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString() + stdout);
        Assert.Contains("[1/", stdout.ToString());

        var html = File.ReadAllText(tmp["r/index.html"]);
        foreach (var heading in new[] { "Table 2", "Table 3", "Table 4", "Examples: labels → photo", "Examples: photo → labels" })
            Assert.Contains(heading, html);
        Assert.Contains("images/t_00000_simgan_photo.png", html);
        Assert.True(File.Exists(tmp["r/images/t_00000_cycle_gan_labels.png"]));

        using var doc = JsonDocument.Parse(File.ReadAllText(tmp["r/scores.json"]));
        var root = doc.RootElement;
        var tables = root.GetProperty("tables");
        // Only the selected methods have rows, in the paper's order: Tables 2/3 list SimGAN before CycleGAN.
        Assert.Equal(["simgan", "cycle_gan"], tables.GetProperty("table2_labels_to_photo_fcn").EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToArray());
        Assert.Equal(["gan_alone", "cycle_gan"], tables.GetProperty("table4_ablation_photo_to_labels").EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToArray());
        var row = tables.GetProperty("table3_photo_to_labels")[0];
        foreach (var side in new[] { "ours", "paper" })
            foreach (var key in new[] { "pixel_accuracy", "class_accuracy", "class_iou" })
                Assert.InRange(row.GetProperty(side).GetProperty(key).GetDouble(), 0.0, 1.0);
        Assert.Equal(0.47, row.GetProperty("paper").GetProperty("pixel_accuracy").GetDouble());

        var methods = root.GetProperty("methods").EnumerateArray().ToList();
        Assert.Equal(3, methods.Count);
        var simgan = methods.Single(m => m.GetProperty("key").GetString() == "simgan").GetProperty("seeds")[0];
        // A one-directional method trains each direction for half of the budget.
        Assert.Equal(["AtoB", "BtoA"], simgan.GetProperty("training").EnumerateArray().Select(t => t.GetProperty("direction").GetString()!).ToArray());
        Assert.Equal(1.0, simgan.GetProperty("training")[0].GetProperty("budget_seconds").GetDouble(), 3);
        foreach (var m in methods.Select(m => m.GetProperty("seeds")[0]))
        {
            foreach (var key in new[] { "photo_to_labels", "labels_to_photo_fcn" })
                Assert.Equal(4, m.GetProperty(key).GetProperty("images").GetInt32());
            Assert.True(m.GetProperty("labels_to_photo_distribution").TryGetProperty("fd_resnet18", out _));
        }
        Assert.InRange(root.GetProperty("segmenter").GetProperty("real_test_photos").GetProperty("pixel_accuracy").GetDouble(), 0.0, 1.0);
        Assert.Equal(32, root.GetProperty("options").GetProperty("size").GetInt32());
    }

    [Fact]
    public void Reproduce_with_2_seeds_reports_mean_and_sd_over_both_training_runs()
    {
        using var tmp = TestPaths.NewTempDir("reproduce_seeds");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = App.Run(["reproduce", "--dataset", "synth", "--out", tmp["r"], "--size", "32", "--seconds-per-model", "2", "--seeds", "2", "--seed", "7",
            "--methods", "cycle_gan", "--train", "4", "--test", "4", "--ngf", "4", "--ndf", "4", "--segmenter-epochs", "1"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString() + stdout);

        using var doc = JsonDocument.Parse(File.ReadAllText(tmp["r/scores.json"]));
        var method = doc.RootElement.GetProperty("methods")[0];
        var seeds = method.GetProperty("seeds").EnumerateArray().ToList();
        Assert.Equal([7, 8], seeds.Select(s => s.GetProperty("seed").GetInt32()));
        Assert.True(File.Exists(tmp["r/checkpoints/cycle_gan_seed8/latest_net_G_A.pth"]));
        var values = seeds.Select(s => s.GetProperty("photo_to_labels").GetProperty("pixel_accuracy").GetDouble()).ToList();
        double mean = values.Average(), sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));

        var row = doc.RootElement.GetProperty("tables").GetProperty("table3_photo_to_labels")[0];
        Assert.Equal(2, row.GetProperty("seeds").GetInt32());
        Assert.Equal(mean, row.GetProperty("ours").GetProperty("pixel_accuracy").GetDouble(), 12);
        Assert.Equal(sd, row.GetProperty("ours_sd").GetProperty("pixel_accuracy").GetDouble(), 12);
        var fd = method.GetProperty("fd_resnet18");
        Assert.True(fd.GetProperty("sd").GetDouble() >= 0);
        Assert.Contains(" ± ", System.Net.WebUtility.HtmlDecode(File.ReadAllText(tmp["r/index.html"])));
        Assert.Contains("(2 seeds)", stdout.ToString());
    }

    [Fact]
    public void Adaptation_with_2_seeds_reports_the_oracle_source_only_and_translated_rows_as_mean_and_sd()
    {
        using var tmp = TestPaths.NewTempDir("adaptation");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = App.Run(["reproduce", "--experiment", "adaptation", "--out", tmp["a"], "--size", "32", "--seconds_per_model", "2",
            "--seeds", "2", "--seed", "5", "--train", "6", "--test", "3", "--ngf", "4", "--ndf", "4", "--segmenter_epochs", "1"], stdout,
            stderr);
        Assert.True(code == 0, stderr.ToString() + stdout);

        var html = System.Net.WebUtility.HtmlDecode(File.ReadAllText(tmp["a/index.html"]));
        Assert.Contains("translated to style 2", html);
        Assert.Contains(" ± ", html);
        Assert.Contains("(2 seeds)", stdout.ToString());
        // Each seed trains its own translator and translates the labelled photos with it.
        foreach (var seed in new[] { 5, 6 })
        {
            Assert.True(File.Exists(tmp[$"a/checkpoints/style1_to_style2_seed{seed}/latest_net_G_A.pth"]));
            Assert.Equal(6, Directory.GetFiles(tmp[$"a/data/translated_seed{seed}/train"], "*.png").Length);
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(tmp["a/scores.json"]));
        var seeds = doc.RootElement.GetProperty("seeds").EnumerateArray().ToList();
        Assert.Equal([5, 6], seeds.Select(s => s.GetProperty("seed").GetInt32()));
        var rows = doc.RootElement.GetProperty("tables").GetProperty("style2_test").EnumerateArray().ToList();
        string[] keys = ["oracle", "source_only", "translated"];
        Assert.Equal(keys, rows.Select(r => r.GetProperty("key").GetString()!).ToArray());
        foreach (var (row, key) in rows.Zip(keys))
        {
            Assert.Equal(2, row.GetProperty("seeds").GetInt32());
            var values = seeds.Select(s => s.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == key)
                .GetProperty("style2_test").GetProperty("mean_class_iou").GetDouble()).ToList();
            Assert.All(values, v => Assert.InRange(v, 0.0, 1.0));
            double mean = values.Average(), sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
            Assert.Equal(mean, row.GetProperty("ours").GetProperty("class_iou").GetDouble(), 12);
            Assert.Equal(sd, row.GetProperty("ours_sd").GetProperty("class_iou").GetDouble(), 12);
        }
    }

    [Theory]
    [InlineData("cut", 1.0, true, false)]
    [InlineData("fastcut", 10.0, false, true)]
    public void Cut_rows_train_with_their_CUT_mode_preset_and_the_shared_epochs(string key, double lambdaNce,
        bool nceIdt, bool flip)
    {
        var o = new ReproduceOptions { NEpochs = 3, NEpochsDecay = 2 };
        var method = ReproduceMethod.All.Single(m => m.Key == key);
        var t = ReproduceRunner.TrainOptionsFor(o, method, "BtoA", "/data", "/ck", "run");
        var cut = t.Flags<CutOptions>();
        Assert.Equal((lambdaNce, nceIdt, flip), (cut.LambdaNce, cut.NceIdt, cut.FlipEquivariance));
        // the budget's epochs, as --n_epochs given beside --CUT_mode wins over FastCUT's 150 + 50
        Assert.Equal((3, 2, "BtoA"), (t.NEpochs, t.NEpochsDecay, t.Direction));
    }

    [Fact]
    public void Reproduce_cut_and_fastcut_rows_score_both_directions_from_cuts_one_folder_per_visual_layout()
    {
        using var tmp = TestPaths.NewTempDir("reproduce_cut");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        // ngf 8: at ngf 4 the tiny F's weights turned NaN within two iterations on these label maps
        var code = App.Run(["reproduce", "--dataset", "synth", "--out", tmp["r"], "--size", "32", "--seconds-per-model",
            "2", "--methods", "cut,fastcut", "--seeds", "1", "--train", "4", "--test", "3", "--ngf", "8", "--ndf", "4",
            "--segmenter-epochs", "1"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString() + stdout);
        Assert.True(File.Exists(tmp["r/results/fastcut_BtoA_seed0/test_latest/images/fake_B/t_00000.png"]));
        using var doc = JsonDocument.Parse(File.ReadAllText(tmp["r/scores.json"]));
        var tables = doc.RootElement.GetProperty("tables");
        foreach (var table in new[] { "table2_labels_to_photo_fcn", "table3_photo_to_labels" })
        {
            var rows = tables.GetProperty(table).EnumerateArray().ToList();
            Assert.Equal(["cut", "fastcut"], rows.Select(r => r.GetProperty("key").GetString()!));
            foreach (var r in rows)
                Assert.InRange(r.GetProperty("ours").GetProperty("pixel_accuracy").GetDouble(), 0.0, 1.0);
        }
        Assert.True(File.Exists(tmp["r/images/t_00000_fastcut_labels.png"]));
    }

    [Fact]
    public void Unknown_method_exits_2_with_one_line_naming_the_choices()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, App.Run(["reproduce", "--methods", "cyclegan"], new StringWriter(), stderr));
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("cycle_gan", lines[0]);
    }
}
