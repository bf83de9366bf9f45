using System.Diagnostics;
using System.Globalization;
using CycleGan.Quickstart;
using Xunit.Abstractions;

namespace CycleGan.Tests.Quickstart;

public class LearningTests(ITestOutputHelper output)
{
    /// <summary>
    /// 300 iterations of a 32 px, ngf 8 CycleGAN on 150 + 150 unpaired synthetic images, seed 0. Measured: photo→labels
    /// pixel accuracy 58.7 % trained against 13.9 % untrained and 21.1 % for the photo read as labels (39 s of training
    /// on 2 busy cores). The margins asserted here leave room for thread-count rounding differences.
    /// bf16 (mixed precision, fast kernels) on seeds 0–3: 59.9 / 52.6 / 59.8 / 47.5 % against fp32's 57.3 / 55.3 / 50.0 /
    /// 53.9 % — mean 55.0 % vs 54.1 %; single seeds swing by up to 10 points, so the comparison is in bench/README.md
    /// and this test holds bf16 to the same margins as fp32.
    /// </summary>
    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    public void Tiny_cyclegan_trained_300_iterations_beats_its_untrained_photo_to_labels_accuracy_by_30_points(string precision)
    {
        using var tmp = TestPaths.NewTempDir("learning");
        var clock = Stopwatch.StartNew();
        var r = QuickstartRunner.Run(new QuickstartOptions
        {
            Output = tmp["qs"], Minutes = 30, Size = 32, Train = 150, Test = 30, Ngf = 8, Ndf = 8, NEpochs = 1, NEpochsDecay = 1, Seed = 0, Examples = 2,
            Precision = precision,
        });
        var p = r.Scores.PhotoToLabels;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pixel accuracy trained {p.Trained.PixelAccuracy:F4}, untrained {p.Untrained.PixelAccuracy:F4}, identity {p.Identity.PixelAccuracy:F4}, majority {p.MajorityClassPixelAccuracy:F4}; " +
            $"mean IoU trained {p.Trained.MeanClassIou:F4}, untrained {p.Untrained.MeanClassIou:F4}; {r.Scores.Training.Iterations} iterations, {clock.Elapsed.TotalSeconds:F0} s"));

        Assert.False(r.Scores.Training.StoppedByBudget);
        Assert.Equal(300, r.Scores.Training.Iterations);
        Assert.True(p.Trained.PixelAccuracy >= p.Untrained.PixelAccuracy + 0.30, $"trained {p.Trained.PixelAccuracy:P1} is not 30 points above untrained {p.Untrained.PixelAccuracy:P1}");
        Assert.True(p.Trained.PixelAccuracy >= p.Identity.PixelAccuracy + 0.20, $"trained {p.Trained.PixelAccuracy:P1} is not 20 points above the photo read as labels {p.Identity.PixelAccuracy:P1}");
        Assert.True(p.Trained.PixelAccuracy >= p.MajorityClassPixelAccuracy + 0.15, $"trained {p.Trained.PixelAccuracy:P1} is not 15 points above the most frequent class {p.MajorityClassPixelAccuracy:P1}");
        Assert.True(p.Trained.MeanClassIou >= p.Untrained.MeanClassIou + 0.10, $"mean class IoU {p.Trained.MeanClassIou:P1} is not 10 points above untrained {p.Untrained.MeanClassIou:P1}");
    }
}
