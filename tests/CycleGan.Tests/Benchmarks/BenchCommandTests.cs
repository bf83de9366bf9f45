using System.Text.Json;
using CycleGan.Cli;

namespace CycleGan.Tests.Benchmarks;

/// <summary>`cyclegan bench` through the CLI: the JSON line a user compares with torch_cyclegan_bench.py's.</summary>
public class BenchCommandTests
{
    static JsonElement RunBench(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var rc = App.Run(["bench", .. args], stdout, stderr);
        Assert.True(rc == 0, $"exit {rc}: {stderr}");
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return JsonDocument.Parse(lines[0]).RootElement.Clone();
    }

    /// <summary>Conv: output elements × in × k²; transposed conv: input elements × out × k² (the script's convention).</summary>
    static long Conv(long outSide, long inCh, long outCh, long k) => outSide * outSide * outCh * inCh * k * k;
    static long ConvT(long inSide, long inCh, long outCh, long k) => inSide * inSide * inCh * outCh * k * k;

    static long ResnetGeneratorMacs(long s, long ngf, int blocks) =>
        Conv(s, 3, ngf, 7) + Conv(s / 2, ngf, 2 * ngf, 3) + Conv(s / 4, 2 * ngf, 4 * ngf, 3)
        + blocks * 2 * Conv(s / 4, 4 * ngf, 4 * ngf, 3)
        + ConvT(s / 4, 4 * ngf, 2 * ngf, 3) + ConvT(s / 2, 2 * ngf, ngf, 3) + Conv(s, ngf, 3, 7);

    /// <summary>Basic PatchGAN (3 layers, 4×4 kernels, padding 1): sides s/2, s/4, s/8, then s/8 − 1 and s/8 − 2.</summary>
    static long BasicDiscriminatorMacs(long s, long inCh, long ndf) =>
        Conv(s / 2, inCh, ndf, 4) + Conv(s / 4, ndf, 2 * ndf, 4) + Conv(s / 8, 2 * ndf, 4 * ndf, 4)
        + Conv(s / 8 - 1, 4 * ndf, 8 * ndf, 4) + Conv(s / 8 - 2, 8 * ndf, 1, 4);

    [Fact]
    public void Bench_train_prints_one_json_line_with_the_pytorch_keys_and_the_hand_counted_macs()
    {
        var r = RunBench("--mode", "train", "--model", "cycle_gan", "--size", "32", "--netG", "resnet_6blocks",
            "--ngf", "4", "--ndf", "4", "--iters", "2", "--warmup", "1");

        foreach (var key in new[] { "impl", "mode", "model", "size", "batch", "netG", "netD", "ngf", "ndf", "norm", "dropout", "gan_mode",
                     "iters", "warmup", "threads", "median_s", "min_s", "mean_s", "images_per_s", "peak_rss_mb", "macs_per_iter",
                     "forward_macs_per_iter", "macs_convention", "gmac_per_s", "torch_version", "torchsharp_version", "cpu" })
            Assert.True(r.TryGetProperty(key, out _), $"missing key {key}");
        Assert.Equal("train", r.GetProperty("mode").GetString());
        Assert.True(r.GetProperty("median_s").GetDouble() > 0);
        Assert.True(r.GetProperty("peak_rss_mb").GetDouble() > 0);

        // One CycleGAN step: G_A and G_B three times each (fake, rec, identity), D_A and D_B three times each
        // (the G loss on the fake, then real and pooled fake in the D step); train counts 3 × forward.
        var forward = 6 * ResnetGeneratorMacs(32, 4, 6) + 6 * BasicDiscriminatorMacs(32, 3, 4);
        Assert.Equal(forward, r.GetProperty("forward_macs_per_iter").GetInt64());
        Assert.Equal(3 * forward, r.GetProperty("macs_per_iter").GetInt64());
    }

    [Fact]
    public void Bench_infer_bf16_reports_its_difference_from_fp32_in_output_levels()
    {
        var r = RunBench("--mode", "infer", "--size", "32", "--netG", "resnet_6blocks", "--ngf", "4", "--iters", "2", "--warmup", "1",
            "--precision", "bf16");

        Assert.Equal("bf16", r.GetProperty("precision").GetString());
        Assert.Equal(ResnetGeneratorMacs(32, 4, 6), r.GetProperty("macs_per_iter").GetInt64());
        var max = r.GetProperty("bf16_max_abs_diff_levels").GetDouble();
        Assert.InRange(r.GetProperty("bf16_mean_abs_diff_levels").GetDouble(), 0, max);
        Assert.InRange(max, 0, 255);
    }

    [Fact]
    public void Bench_bf16_training_runs_mixed_precision_with_the_same_work_per_step()
    {
        var r = RunBench("--mode", "train", "--size", "32", "--netG", "resnet_6blocks", "--ngf", "4", "--ndf", "4", "--iters", "2", "--warmup", "1",
            "--precision", "bf16");

        Assert.Equal("bf16", r.GetProperty("precision").GetString());
        Assert.Equal("fast", r.GetProperty("kernels").GetString());
        Assert.Equal(3 * (6 * ResnetGeneratorMacs(32, 4, 6) + 6 * BasicDiscriminatorMacs(32, 3, 4)), r.GetProperty("macs_per_iter").GetInt64());
    }

    [Fact]
    public void Bench_rejects_unknown_kernels_with_one_line()
    {
        var stderr = new StringWriter();
        var rc = App.Run(["bench", "--mode", "infer", "--size", "32", "--ngf", "4", "--kernels", "turbo"], new StringWriter(), stderr);
        Assert.Equal(2, rc);
        Assert.Contains("--kernels turbo", stderr.ToString());
        Assert.Single(stderr.ToString().Trim().Split('\n'));
    }

    [Fact]
    public void Bench_cut_times_the_preset_of_its_CUT_mode_and_FastCUT_does_less_work_per_step()
    {
        string[] tiny = ["--mode", "train", "--model", "cut", "--size", "32", "--netG", "resnet_6blocks", "--ngf", "4",
            "--ndf", "4", "--iters", "1", "--warmup", "1"];
        var cut = RunBench([.. tiny, "--CUT_mode", "CUT"]);
        var fast = RunBench([.. tiny, "--CUT_mode", "FastCUT"]);
        Assert.Equal(("cut", "CUT", "FastCUT"),
            (cut.GetProperty("model").GetString(), cut.GetProperty("CUT_mode").GetString(),
                fast.GetProperty("CUT_mode").GetString()));
        Assert.Equal("lsgan", cut.GetProperty("gan_mode").GetString());
        // CUT also translates real_B (the NCE identity term) and encodes it twice; FastCUT does not
        long c = cut.GetProperty("macs_per_iter").GetInt64(), f = fast.GetProperty("macs_per_iter").GetInt64();
        Assert.True(f > 0 && c > f * 3 / 2, $"CUT {c} MACs per step, FastCUT {f}");
    }

    [Theory]
    [InlineData("--impl", "onnxruntime")]
    [InlineData("--mode", "infer")]
    public void Bench_cut_refuses_what_only_torchsharp_training_can_time_with_one_line(string flag, string value)
    {
        var stderr = new StringWriter();
        var rc = App.Run(["bench", "--model", "cut", flag, value, "--size", "32"], new StringWriter(), stderr);
        Assert.Equal(2, rc);
        Assert.Contains("--model cut is timed by TorchSharp in --mode train only", stderr.ToString());
        Assert.Single(stderr.ToString().Trim().Split('\n'));
    }
}
