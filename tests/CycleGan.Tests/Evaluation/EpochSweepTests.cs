using System.Text.Json;
using CycleGan.Models;
using CycleGan.Data.Synth;
using CycleGan.Evaluation;
using CycleGan.Options;
using CycleGan.Tests.Cli;
using CycleGan.Training;

namespace CycleGan.Tests.Evaluation;

/// <summary>A tiny CycleGAN trained for 3 epochs with a checkpoint after each, shared by the tests of `eval epochs`.</summary>
public sealed class ThreeEpochRun : IDisposable
{
    readonly TempDir _tmp = TestPaths.NewTempDir("epochsweep");
    public string Data => _tmp["data"];
    public string RunDir => _tmp["ck/sweep"];
    public string Dir(string name) => _tmp[name];

    public ThreeEpochRun()
    {
        SynthDataset.Write(new SynthOptions(Data, Size: 32, Train: 3, Test: 4));
        var o = TrainOptions.For("cycle_gan") with
        {
            Dataroot = Data, CheckpointsDir = _tmp["ck"], Name = "sweep", Compute = new() { Device = "cpu" }, Seed = 5, NoDropout = true,
            NetG = "resnet_6blocks", Ngf = 4, Ndf = 4, LoadSize = 32, CropSize = 32, NEpochs = 2, NEpochsDecay = 1,
            NoHtml = true, PrintFreq = 1000, SaveEpochFreq = 1,
        };
        new Trainer(o, []).Run();
    }

    public void Dispose() => _tmp.Dispose();
}

public class EpochSweepTests(ThreeEpochRun run) : IClassFixture<ThreeEpochRun>
{
    [Fact]
    public void Eval_epochs_labels_of_a_3_epoch_run_has_3_rows_with_best_and_last_marked_and_a_plot()
    {
        var report = run.Dir("labels_report");
        var r = CliRunner.MustSucceed("eval", "epochs", "--run", run.RunDir, "--dataroot", run.Data, "--metric", "labels",
            "--palette", Path.Combine(run.Data, "palette.json"), "--pred-visual", "fake_A", "--gt-visual", "real_A",
            "--device", "cpu", "--out", report);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "scores.json")));
        var rows = json.RootElement.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], rows.Select(e => e.GetProperty("epoch").GetInt32()));
        var scores = rows.Select(e => e.GetProperty("score").GetDouble()).ToList();
        int best = rows[scores.IndexOf(scores.Max())].GetProperty("epoch").GetInt32();
        Assert.Equal(best, json.RootElement.GetProperty("best_epoch").GetInt32());
        Assert.Equal(3, json.RootElement.GetProperty("last_epoch").GetInt32());
        Assert.Equal([best], rows.Where(e => e.GetProperty("best").GetBoolean()).Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.Equal([3], rows.Where(e => e.GetProperty("last").GetBoolean()).Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.All(rows, e => Assert.Equal(4, e.GetProperty("segmentation").GetProperty("images").GetInt32()));
        Assert.True(new FileInfo(Path.Combine(report, "plots", "epochs.png")).Length > 0);
        Assert.Contains("best", File.ReadAllText(Path.Combine(report, "index.html")));
        Assert.Contains($"best epoch {best}", r.Stdout);
    }

    [Fact]
    public void Eval_epochs_fd_ranks_the_lowest_distance_best()
    {
        var res = EpochSweep.Run(new EpochSweepOptions
        {
            RunDir = run.RunDir, Dataroot = run.Data, Metric = SweepMetric.Fd, Out = run.Dir("fd_report"), Device = "cpu", KdSubsets = 3,
        });
        Assert.Equal([1, 2, 3], res.Epochs.Select(e => e.Epoch));
        Assert.False(res.HigherIsBetter);
        Assert.Equal(res.Epochs.MinBy(e => e.Score)!.Epoch, res.BestEpoch);
        Assert.All(res.Epochs, e => Assert.Equal(e.Distribution!.FdResNet18, e.Score));
        Assert.True(File.Exists(Path.Combine(run.Dir("fd_report"), "plots", "epochs.png")));
    }

    [Fact]
    public void Eval_epochs_fcn_segments_the_generated_photos_of_every_epoch()
    {
        var palette = Path.Combine(run.Data, "palette.json");
        var seg = run.Dir("seg.safetensors");
        CliRunner.MustSucceed("eval", "segmenter-train", "--dataroot", Path.Combine(run.Data, "train"), "--palette", palette, "--out", seg,
            "--photo-side", "right", "--size", "32", "--ngf", "4", "--levels", "3", "--epochs", "1", "--device", "cpu");
        var report = run.Dir("fcn_report");
        CliRunner.MustSucceed("eval", "epochs", "--run", run.RunDir, "--dataroot", run.Data, "--metric", "fcn", "--segmenter", seg,
            "--palette", palette, "--device", "cpu", "--out", report);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "scores.json")));
        Assert.Equal("real_A", json.RootElement.GetProperty("gt_visual").GetString());
        var rows = json.RootElement.GetProperty("epochs").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], rows.Select(e => e.GetProperty("epoch").GetInt32()));
        Assert.All(rows, e => Assert.Equal(e.GetProperty("segmentation").GetProperty("pixel_accuracy").GetDouble(), e.GetProperty("score").GetDouble()));
    }

    [Fact]
    public void Eval_epochs_of_a_run_without_numbered_checkpoints_exits_2_with_one_line()
    {
        using var tmp = TestPaths.NewTempDir("epochsweep_empty");
        Directory.CreateDirectory(tmp["run"]);
        File.WriteAllText(tmp["run/latest_net_G_A.pth"], "");
        var r = CliRunner.Run("eval", "epochs", "--run", tmp["run"], "--dataroot", tmp.Path, "--metric", "fd");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no <epoch>_net_*.pth", r.Stderr);
    }
}
