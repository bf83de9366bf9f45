using System.Text.Json;
using CycleGan.Models;
using CycleGan.Data.Synth;
using CycleGan.Options;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Models;

/// <summary>The CycleGAN paper's loss ablations (Table 4): --ablation presets and --lambda_GAN.</summary>
public class AblationTests
{
    static string[] Tiny(string dataroot, string ck, string name, int epochs, params string[] extra) =>
    [
        "train", "--dataroot", dataroot, "--name", name, "--checkpoints_dir", ck, "--ngf", "4", "--ndf", "4",
        "--netG", "resnet_6blocks", "--load_size", "32", "--crop_size", "32", "--n_epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--n_epochs_decay", "0",
        "--seed", "3", "--print_freq", "1", "--display_freq", "100", "--save_latest_freq", "100", "--no_html", .. extra,
    ];

    static List<Dictionary<string, double>> LossLines(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "loss_log.jsonl"))
            .Select(l => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(l)!)
            .Select(d => d.Where(kv => kv.Value.ValueKind == JsonValueKind.Number).ToDictionary(kv => kv.Key, kv => kv.Value.GetDouble()))
            .ToList();

    [Theory]
    [InlineData("cycle_alone", 0.0, 10.0, 10.0)]
    [InlineData("gan_alone", 1.0, 0.0, 0.0)]
    [InlineData("gan_forward", 1.0, 10.0, 0.0)]
    [InlineData("gan_backward", 1.0, 0.0, 10.0)]
    public void Ablation_presets_set_the_papers_loss_weights_and_no_identity(string ablation, double gan, double a, double b)
    {
        var o = new CycleGanOptions { Ablation = ablation };
        o.ApplyAblation();
        Assert.Equal((gan, a, b, 0.0), (o.LambdaGan, o.LambdaA, o.LambdaB, o.LambdaIdentity));
    }

    [Fact]
    public void An_explicit_weight_that_contradicts_the_preset_is_a_user_error_with_exit_code_2()
    {
        using var tmp = TestPaths.NewTempDir("ablation-conflict");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 2, Test: 1, Seed: 1));
        var r = CliRunner.Run(Tiny(tmp["data"], tmp["ck"], "x", 1, "--ablation", "gan_alone", "--lambda_A", "5"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--lambda_A 5 contradicts --ablation gan_alone", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_gan_alone_run_records_zero_cycle_losses_and_its_weights_in_train_opt()
    {
        using var tmp = TestPaths.NewTempDir("ablation-gan");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 3, Test: 1, Seed: 1));
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "ga", 1, "--ablation", "gan_alone"));
        var opt = File.ReadAllText(tmp["ck/ga/train_opt.txt"]);
        Assert.Matches(@"ablation: gan_alone\s", opt);
        Assert.Matches(@"lambda_A: 0\s", opt);
        Assert.Matches(@"lambda_B: 0\s", opt);
        Assert.Matches(@"lambda_GAN: 1\s", opt);
        Assert.Matches(@"lambda_identity: 0\s", opt);
        var lines = LossLines(tmp["ck/ga"]);
        Assert.Equal(3, lines.Count);
        foreach (var l in lines)
        {
            Assert.Equal(0.0, l["cycle_A"]);
            Assert.Equal(0.0, l["cycle_B"]);
            Assert.Equal(0.0, l["idt_A"]);
            Assert.True(l["G_A"] > 0 && l["D_A"] > 0);
        }
    }

    [Fact]
    public void A_cycle_alone_run_has_no_adversarial_terms_and_leaves_the_discriminators_untrained()
    {
        using var tmp = TestPaths.NewTempDir("ablation-cycle");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 3, Test: 1, Seed: 1));
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "ca", 1, "--ablation", "cycle_alone"));
        Assert.Matches(@"lambda_GAN: 0\s", File.ReadAllText(tmp["ck/ca/train_opt.txt"]));
        foreach (var l in LossLines(tmp["ck/ca"]))
        {
            Assert.Equal(0.0, l["G_A"]);
            Assert.Equal(0.0, l["G_B"]);
            Assert.Equal(0.0, l["D_A"]);
            Assert.Equal(0.0, l["D_B"]);
            Assert.True(l["cycle_A"] > 0 && l["cycle_B"] > 0);
        }
        // The same seed initialises D_A identically; untrained, the saved weights still equal the initial ones.
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "ca2", 0, "--ablation", "cycle_alone"));
        using var trained = CycleGan.Checkpoints.PthFile.Read(tmp["ck/ca/latest_net_D_A.pth"]);
        using var initial = CycleGan.Checkpoints.PthFile.Read(tmp["ck/ca2/latest_net_D_A.pth"]);
        foreach (var k in trained.Keys)
            Assert.True(trained[k].eq(initial[k]).all().item<bool>(), k);
    }

    [Fact]
    public void Lambda_GAN_scales_the_adversarial_terms_of_the_generator_loss()
    {
        using var tmp = TestPaths.NewTempDir("ablation-scale");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 1, Test: 1, Seed: 1));
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "one", 1, "--lambda_GAN", "1"));
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "half", 1, "--lambda_GAN", "0.5"));
        var one = LossLines(tmp["ck/one"])[0];
        var half = LossLines(tmp["ck/half"])[0];
        Assert.Equal(one["G_A"] * 0.5, half["G_A"], 3);
        Assert.Equal(one["G_B"] * 0.5, half["G_B"], 3);
        Assert.Equal(one["cycle_A"], half["cycle_A"], 6);
    }
}
