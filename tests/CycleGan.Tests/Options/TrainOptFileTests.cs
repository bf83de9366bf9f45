using CycleGan.Models;
using CycleGan.Options;

namespace CycleGan.Tests.Options;

/// <summary>train_opt.txt as serve and eval epochs read it back: what train wrote, the record's defaults elsewhere.</summary>
public class TrainOptFileTests
{
    [Fact]
    public void A_written_train_opt_reads_back_into_equal_options_parts_and_odd_values_included()
    {
        using var tmp = TestPaths.NewTempDir("trainopt");
        var written = TrainOptions.For("cycle_gan") with
        {
            Name = "run", NetG = "unet_256", Ngf = 8, NoDropout = false, NEpochs = 3, MaxDatasetSize = long.MaxValue, Suffix = "",
        };
        written.Flags<CycleGanOptions>().LambdaIdentity = 0.125;
        TrainOptFile.Write(tmp.Path, written, TrainOptions.For("cycle_gan"));
        var read = TrainOptFile.Read(tmp.Path).ApplyTo(TrainOptions.For("cycle_gan"));
        Assert.Equal(OptionInfo.Format(written, written), OptionInfo.Format(read, read));
        Assert.Equal(0.125, read.Flags<CycleGanOptions>().LambdaIdentity);
        Assert.Contains("lambda_identity: 0.125", File.ReadAllText(tmp[TrainOptFile.FileName]));
    }

    [Fact]
    public void Flags_the_file_does_not_name_or_that_are_not_asked_for_keep_the_records_own_values()
    {
        using var tmp = TestPaths.NewTempDir("trainopt-part");
        File.WriteAllText(tmp[TrainOptFile.FileName], "----------------- Options ---------------\n" +
            "                      ngf: 16                            \t[default: 64]\n" +
            "                     norm: batch                         \t[default: instance]\n");
        var file = TrainOptFile.Read(tmp.Path);
        Assert.True(file.Exists);
        var all = file.ApplyTo(new TestOptions());
        Assert.Equal((16, "batch", "test", 3), (all.Ngf, all.Norm, all.Model, all.InputNc));
        var some = file.ApplyTo(new TranslateOptions(), ["ngf"]);
        Assert.Equal((16, "instance"), (some.Ngf, some.Norm));
        Assert.False(TrainOptFile.Read(tmp["nowhere"]).Exists);
        Assert.Equal(64, TrainOptFile.Read(tmp["nowhere"]).ApplyTo(new TranslateOptions()).Ngf);
    }

    [Fact]
    public void A_value_that_is_not_of_the_flags_type_is_a_user_error_naming_the_file_and_flag()
    {
        using var tmp = TestPaths.NewTempDir("trainopt-bad");
        File.WriteAllText(tmp[TrainOptFile.FileName], "ngf: many\n");
        var e = Assert.Throws<UserError>(() => TrainOptFile.Read(tmp.Path).ApplyTo(new TranslateOptions()));
        Assert.Equal($"{tmp[TrainOptFile.FileName]}: ngf 'many' is not a Int32", e.Message);
    }
}
