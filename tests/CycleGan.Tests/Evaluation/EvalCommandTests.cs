using System.Text.Json;
using CycleGan.Data;
using CycleGan.Evaluation;

namespace CycleGan.Tests.Evaluation;

public class EvalCommandTests
{
    static string PalettePath => Path.Combine(TestPaths.Shared, "datasets", "facades", "palette.pix2pix.json");

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = CycleGan.Cli.App.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Eval_labels_with_a_missing_folder_exits_2_with_one_line()
    {
        using var tmp = TestPaths.NewTempDir("cli");
        var (code, _, err) = Run("eval", "labels", "--pred", tmp["nope"], "--gt", tmp.Path, "--palette", PalettePath);
        Assert.Equal(2, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("nope", lines[0]);
    }

    [Fact]
    public void Eval_labels_reads_a_results_folder_and_writes_json_with_the_documented_keys_and_a_report()
    {
        using var tmp = TestPaths.NewTempDir("cli");
        var palette = Palette.Load(PalettePath);
        var results = Path.Combine(tmp.Path, "results", "images");
        var gt = new byte[16 * 16];
        for (int i = 0; i < gt.Length; i++) gt[i] = (byte)(i / 64);
        var pred = (byte[])gt.Clone();
        pred[0] = 5;
        foreach (var stem in new[] { "1", "2" })
        {
            ImageFile.SavePng(palette.Colorize(pred, 16, 16), Path.Combine(results, stem + "_fake_B.png"));
            ImageFile.SavePng(palette.Colorize(gt, 16, 16), Path.Combine(results, stem + "_real_B.png"));
            ImageFile.SavePng(palette.Colorize(gt, 16, 16), Path.Combine(results, stem + "_real_A.png"));
        }
        var dir = Path.Combine(tmp.Path, "results");
        var (code, output, err) = Run("eval", "labels", "--pred", dir, "--gt", dir, "--palette", PalettePath, "--json", tmp["s.json"], "--report", tmp["report"]);
        Assert.True(code == 0, err);
        Assert.Contains("pixel_accuracy", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(tmp["s.json"]));
        var root = doc.RootElement;
        foreach (var key in new[] { "pixel_accuracy", "mean_class_accuracy", "mean_class_iou", "per_class", "images" })
            Assert.True(root.TryGetProperty(key, out _), key);
        Assert.Equal(2, root.GetProperty("images").GetInt32());
        Assert.Equal(510.0 / 512, root.GetProperty("pixel_accuracy").GetDouble(), 12);
        var c0 = root.GetProperty("per_class")[0];
        foreach (var key in new[] { "name", "accuracy", "iou", "pixels" }) Assert.True(c0.TryGetProperty(key, out _), key);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("per_class")[4].GetProperty("accuracy").ValueKind);
        Assert.True(File.Exists(tmp["report/index.html"]));
        Assert.True(File.Exists(tmp["report/scores.json"]));
        Assert.True(File.Exists(tmp["report/plots/per_class_iou.png"]));
        Assert.Contains("images/000_0.png", File.ReadAllText(tmp["report/index.html"]));
    }

    [Fact]
    public void Eval_paired_of_a_folder_with_itself_reports_infinite_psnr_and_ssim_one()
    {
        using var tmp = TestPaths.NewTempDir("cli");
        var img = RgbImage.Create(16, 16);
        new Random(1).NextBytes(img.Pixels);
        ImageFile.SavePng(img, tmp["a/x.png"]);
        var (code, output, err) = Run("eval", "paired", "--pred", tmp["a"], "--gt", tmp["a"], "--json", tmp["p.json"], "--report", tmp["r"]);
        Assert.True(code == 0, err);
        Assert.Contains("SSIM 1.0000", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(tmp["p.json"]));
        Assert.Equal("Infinity", doc.RootElement.GetProperty("psnr").GetString());
        Assert.Equal(0.0, doc.RootElement.GetProperty("l1").GetDouble());
        Assert.True(File.Exists(tmp["r/index.html"]));
    }

    [Fact]
    public void Unmatched_file_names_are_a_user_error()
    {
        using var tmp = TestPaths.NewTempDir("cli");
        var img = RgbImage.Create(16, 16);
        ImageFile.SavePng(img, tmp["a/x.png"]);
        ImageFile.SavePng(img, tmp["b/y.png"]);
        var (code, _, err) = Run("eval", "paired", "--pred", tmp["a"], "--gt", tmp["b"]);
        Assert.Equal(2, code);
        Assert.Contains("do not match", err);
    }
}
