using CycleGan.Data.Synth;
using CycleGan.Models;

namespace CycleGan.Tests.Cli;

/// <summary>
/// The flags' allowed values come from the registries, every command binds its flags the same way, and the old
/// dashed spellings still work.
/// </summary>
public sealed class OptionChoicesTests : IDisposable
{
    const string Toy = "toy_cycle_gan";

    // A new model is one class plus one registry line: here the CycleGAN class under a new name.
    static void RegisterToy() => ModelRegistry.Register(Toy, new(c => new CycleGanModel(c), () => new CycleGanOptions()));

    public void Dispose() => ModelRegistry.Unregister(Toy);

    static string[] ErrorLines(CliRunner.Result r) => r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_model_added_to_the_registry_is_accepted_by_train_and_trains()
    {
        RegisterToy();
        using var tmp = TestPaths.NewTempDir("toy-model");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 2, Test: 1, Seed: 1));
        CliRunner.MustSucceed("train", "--model", Toy, "--dataroot", tmp["data"], "--name", "toy", "--checkpoints_dir", tmp["ck"],
            "--ngf", "4", "--ndf", "4", "--netG", "resnet_6blocks", "--load_size", "32", "--crop_size", "32",
            "--n_epochs", "1", "--n_epochs_decay", "0", "--seed", "1", "--no_html", "--num_threads", "1");
        Assert.True(File.Exists(tmp["ck/toy/latest_net_G_A.pth"]));
        Assert.Contains($"model: {Toy}", File.ReadAllText(tmp["ck/toy/train_opt.txt"]));
    }

    [Fact]
    public void An_unknown_model_is_one_error_line_with_exit_2_listing_the_registered_models()
    {
        RegisterToy();
        var r = CliRunner.Run("train", "--model", "no_such_model", "--dataroot", "nowhere");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(ErrorLines(r));
        Assert.StartsWith("error: --model no_such_model", line);
        foreach (var name in ModelRegistry.Names) Assert.Contains(name, line);
    }

    [Theory]
    [InlineData("bench", "--batch", "0", "--batch_size must be at least 1")]
    [InlineData("bench", "--rss-every", "-1", "--rss_every must not be negative")]
    [InlineData("reproduce", "--minutes-per-model", "-1", "--minutes_per_model -1 is not allowed")]
    [InlineData("reproduce", "--segmenter-epochs", "0", "epochs must be at least 1")]
    public void An_old_dashed_spelling_still_sets_the_snake_case_flag(string command, string flag, string value, string message)
    {
        var r = CliRunner.Run(command, flag, value);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(ErrorLines(r));
        Assert.Contains(message, line);
    }

    [Theory]
    [InlineData("translate")]
    [InlineData("export")]
    public void Translate_and_export_list_only_the_generator_flags_they_use(string command)
    {
        var help = CliRunner.MustSucceed(command, "--help").Stdout;
        foreach (var used in new[] { "--checkpoint", "--netG", "--ngf", "--norm", "--input_nc" }) Assert.Contains(used, help);
        foreach (var unused in new[] { "--dataset_mode", "--nz", "--batch_size", "--load_size", "--model", "--init_type", "--dataroot" })
            Assert.DoesNotContain(unused + " ", help);
    }

    [Fact]
    public void Train_lists_the_cogan_flags_from_the_models_options_part()
    {
        var help = CliRunner.MustSucceed("train", "--help").Stdout;
        Assert.Contains("--nz ", help);
        Assert.Contains("--cogan_inference_steps ", help);
    }

    [Fact]
    public void A_flag_of_another_model_is_one_error_line_with_exit_2_naming_the_models_it_belongs_to()
    {
        var r = CliRunner.Run("train", "--model", "cycle_gan", "--lambda_L1", "10", "--dataroot", "nowhere");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(ErrorLines(r));
        Assert.Contains("--lambda_L1 is not a flag of --model cycle_gan", line);
        Assert.Contains("pix2pix, colorization", line);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("test")]
    [InlineData("translate")]
    [InlineData("export")]
    [InlineData("quickstart")]
    [InlineData("reproduce")]
    [InlineData("bench")]
    public void Help_says_cyclegan_and_names_no_path_outside_the_project(string command)
    {
        var help = CliRunner.MustSucceed(command, "--help").Stdout;
        Assert.Contains($"cyclegan {command} [options]", help);
        Assert.DoesNotContain("CycleGan.Cli", help);
        Assert.DoesNotContain("shared/", help);
        Assert.DoesNotContain("../", help);
    }

    [Fact]
    public void The_kernels_help_is_one_short_line()
    {
        var line = CliRunner.MustSucceed("train", "--help").Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("--kernels", StringComparison.Ordinal));
        var help = line.TrimStart()["--kernels <fast|official>".Length..].Trim();
        Assert.InRange(help.Length, 1, 140);
    }
}
