using System.Text.Json;
using CycleGan.Cli;

namespace CycleGan.Tests.Quickstart;

public class QuickstartCommandTests
{
    [Fact]
    public void Quickstart_with_a_tiny_budget_writes_the_page_and_scores_json_with_the_documented_keys()
    {
        using var tmp = TestPaths.NewTempDir("quickstart");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = App.Run(["quickstart", "--output", tmp["qs"], "--minutes", "0.02", "--size", "32", "--train", "4", "--test", "3", "--ngf", "4", "--ndf", "4", "--n_epochs", "1000"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("pixel accuracy", stdout.ToString());

        var html = File.ReadAllText(tmp["qs/index.html"]);
        Assert.Contains("Photo → labels", html);
        Assert.Contains("images/t_00000_labels.png", html);
        Assert.True(File.Exists(tmp["qs/images/t_00000_labels.png"]));

        using var doc = JsonDocument.Parse(File.ReadAllText(tmp["qs/scores.json"]));
        var root = doc.RootElement;
        var p2l = root.GetProperty("photo_to_labels");
        foreach (var which in new[] { "trained", "untrained", "identity" })
            foreach (var key in new[] { "pixel_accuracy", "mean_class_accuracy", "mean_class_iou", "per_class" })
                Assert.True(p2l.GetProperty(which).TryGetProperty(key, out _), $"photo_to_labels.{which}.{key} is missing");
        Assert.Equal(10, p2l.GetProperty("trained").GetProperty("per_class").GetArrayLength());
        Assert.InRange(p2l.GetProperty("majority_class_pixel_accuracy").GetDouble(), 0.0, 1.0);
        foreach (var which in new[] { "trained", "untrained" })
            Assert.True(root.GetProperty("labels_to_photo").GetProperty(which).TryGetProperty("l1", out _));
        var training = root.GetProperty("training");
        Assert.True(training.GetProperty("stopped_by_budget").GetBoolean());
        Assert.InRange(training.GetProperty("iterations").GetInt64(), 0, training.GetProperty("planned_iterations").GetInt64() - 1);
        Assert.Equal(32, root.GetProperty("options").GetProperty("size").GetInt32());
        // --precision auto is the default: decided for this network on this CPU, said, and recorded as what ran
        var precision = CycleGan.Networks.PrecisionChoice.Resolve("auto", CycleGan.Networks.PrecisionChoice.Probe.ForGenerator(4, 32));
        Assert.Equal(precision, root.GetProperty("options").GetProperty("precision").GetString());
        Assert.Contains($"--precision auto: {precision}", stdout.ToString());
    }

    [Fact]
    public void Non_positive_budget_exits_2_with_one_line_naming_the_option()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, App.Run(["quickstart", "--minutes", "0"], new StringWriter(), stderr));
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("--minutes", lines[0]);
    }
}
