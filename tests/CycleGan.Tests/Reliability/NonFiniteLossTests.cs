using System.Text.RegularExpressions;
using CycleGan.Checkpoints;
using TorchSharp;

namespace CycleGan.Tests.Reliability;

/// <summary>A loss or weight that becomes NaN/inf stops training with exit code 2, naming it; the last good checkpoint stays.</summary>
public class NonFiniteLossTests
{
    [Fact]
    public void Huge_init_gain_stops_at_the_first_iteration_naming_the_loss_and_writes_no_checkpoint()
    {
        using var dir = TestPaths.NewTempDir("nan");
        var data = Cli.Synth(dir["ds"], train: 2);
        var r = Cli.Run(["train", "--dataroot", data, "--name", "n", "--checkpoints_dir", dir["ck"], "--init_gain", "1e30", .. Cli.Tiny(1, 0)]);
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.ErrorLines);
        Assert.Matches(new Regex(@"^error: loss \w+ became (NaN|-?∞|-?Infinity) at epoch 1, iteration 1 \(total 1\)"), line);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir["ck"], "n"), "*.pth"));
    }

    [Fact]
    public void Huge_learning_rate_after_a_good_checkpoint_stops_and_keeps_that_checkpoint_loadable_and_finite()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = TestPaths.NewTempDir("nanlr");
        var data = Cli.Synth(dir["ds"], train: 2);
        string[] common = ["train", "--dataroot", data, "--name", "n", "--checkpoints_dir", dir["ck"]];
        Assert.Equal(0, Cli.Run([.. common, .. Cli.Tiny(1, 0, saveLatestFreq: 1), "--save_epoch_freq", "1"]).Code);

        // Loads 1_net_*.pth with fresh optimizers at --lr 1e30, saving after every iteration: the first step's weights
        // (huge but finite, finite losses) may be saved; nothing non-finite ever replaces latest.
        var r = Cli.Run([.. common, .. Cli.Tiny(2, 0, saveLatestFreq: 1), "--continue_train", "--epoch", "1", "--epoch_count", "2", "--lr", "1e30"]);
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.ErrorLines);
        Assert.Matches(new Regex(@"^error: (loss \w+|the weights of \w+ \(\S+\)) became (NaN|-?∞|-?Infinity|non-finite) at (epoch 2, iteration \d+|iteration \d+)"), line);
        Assert.Contains("the last checkpoint is kept", line);
        foreach (var f in Directory.GetFiles(Path.Combine(dir["ck"], "n"), "latest_net_*.pth"))
        {
            using var sd = PthFile.Read(f);
            foreach (var (k, t) in sd)
                if (t.is_floating_point()) Assert.True(t.isfinite().all().ToBoolean(), $"{f} {k} is not finite");
        }
    }
}
