using System.CommandLine;
using CycleGan.Cli;
using CycleGan.Models;
using CycleGan.Options;

namespace CycleGan.Tests.Cli;

/// <summary>
/// The official CUT command lines bind as the official parser reads them: <c>--CUT_mode</c> picks the preset
/// defaults and flags given explicitly win over it, the str2bool flags take an optional value, and a flag declared by
/// two models (<c>--lambda_GAN</c>: cut and cycle_gan) is the chosen model's.
/// </summary>
public class CutFlagsTests
{
    static TrainOptions Bind(params string[] args)
    {
        var cmd = new Command("train");
        var binder = new OptionBinder<TrainOptions>(cmd);
        var parse = cmd.Parse(args);
        Assert.Empty(parse.Errors);
        return binder.Bind(parse);
    }

    [Fact]
    public void Cut_mode_presets_are_defaults_and_explicit_flags_win()
    {
        var cut = Bind("--model", "cut");
        var c = cut.Flags<CutOptions>();
        Assert.Equal((1.0, true, false, 200, 200), (c.LambdaNce, c.NceIdt, c.FlipEquivariance, cut.NEpochs, cut.NEpochsDecay));
        Assert.Equal((0, "xavier", true, "lsgan"), (cut.PoolSize, cut.InitType, cut.NoDropout, cut.GanMode));

        var fast = Bind("--model", "cut", "--CUT_mode", "fastcut");
        var f = fast.Flags<CutOptions>();
        Assert.Equal((10.0, false, true, 150, 50), (f.LambdaNce, f.NceIdt, f.FlipEquivariance, fast.NEpochs, fast.NEpochsDecay));

        // the preset's own values given explicitly, and bools with and without a value
        var mixed = Bind("--model", "cut", "--CUT_mode", "FastCUT", "--lambda_NCE", "1", "--n_epochs", "200",
            "--nce_idt", "--flip_equivariance", "False");
        var m = mixed.Flags<CutOptions>();
        Assert.Equal((1.0, true, false, 200, 50), (m.LambdaNce, m.NceIdt, m.FlipEquivariance, mixed.NEpochs, mixed.NEpochsDecay));
        Assert.False(Bind("--model", "cut", "--nce_idt", "False").Flags<CutOptions>().NceIdt);
    }

    [Fact]
    public void Lambda_gan_is_the_flag_of_the_chosen_model_of_the_two_that_declare_it()
    {
        Assert.Equal(0.5, Bind("--model", "cut", "--lambda_GAN", "0.5").Flags<CutOptions>().LambdaGan);
        Assert.Equal(0.25, Bind("--model", "cycle_gan", "--lambda_GAN", "0.25").Flags<CycleGanOptions>().LambdaGan);
        var e = Assert.Throws<UserError>(() => Bind("--model", "pix2pix", "--lambda_GAN", "0.5"));
        Assert.Equal("--lambda_GAN is not a flag of --model pix2pix (it belongs to --model cycle_gan, cut)", e.Message);
    }
}
