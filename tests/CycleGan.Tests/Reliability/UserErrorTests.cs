namespace CycleGan.Tests.Reliability;

/// <summary>A tiny trained run and its dataset, shared by the user-error table.</summary>
public sealed class TrainedRun : IDisposable
{
    readonly TempDir _dir = TestPaths.NewTempDir("trained");

    public TrainedRun()
    {
        Data = Cli.Synth(_dir["ds"]);
        Checkpoints = _dir["ck"];
        var r = Cli.Run(["train", "--dataroot", Data, "--name", "run", "--checkpoints_dir", Checkpoints, .. Cli.Tiny(1, 0, saveLatestFreq: 100)]);
        if (r.Code != 0) throw new InvalidOperationException("training the fixture failed: " + r.Stderr);
        var noB = _dir["noB"];
        Directory.CreateDirectory(Path.Combine(noB, "trainA"));
        foreach (var f in Directory.GetFiles(Path.Combine(Data, "trainA"))) File.Copy(f, Path.Combine(noB, "trainA", Path.GetFileName(f)));
        MissingTrainB = noB;
    }

    public string Root => _dir.Path;
    public string Data { get; }
    public string MissingTrainB { get; }
    public string Checkpoints { get; }
    public string GeneratorA => Path.Combine(Checkpoints, "run", "latest_net_G_A.pth");

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// Mistakes on the command line are one line on stderr starting with "error:" and exit code 2, never a stack trace;
/// --verbose adds the trace.
/// </summary>
public class UserErrorTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    static readonly string[] Gen = ["--netG", "resnet_6blocks", "--load_size", "32", "--crop_size", "32"];
    // translate takes only the generator's flags (no load or crop size: it keeps each image's size)
    static readonly string[] TranslateGen = ["--netG", "resnet_6blocks"];

    public static TheoryData<string, string> Cases => new()
    {
        { "train missing dataroot", "train --dataroot {root}/nowhere --name x --checkpoints_dir {root}/ck2" },
        { "train no dataroot", "train --name x --checkpoints_dir {root}/ck2" },
        { "train missing trainB", "train --dataroot {noB} --name x --checkpoints_dir {root}/ck2 {gen}" },
        { "identity with input_nc 1 output_nc 3", "train --dataroot {data} --name x --checkpoints_dir {root}/ck2 --input_nc 1 --output_nc 3 {gen}" },
        { "unet_256 with crop 100", "train --dataroot {data} --name x --checkpoints_dir {root}/ck2 --netG unet_256 --load_size 100 --crop_size 100" },
        { "unknown netG", "train --dataroot {data} --name x --checkpoints_dir {root}/ck2 --netG resnet_7blocks" },
        { "unknown option", "train --dataroot {data} --name x --checkpoints_dir {root}/ck2 --no_such_flag" },
        { "crop larger than load", "train --dataroot {data} --name x --checkpoints_dir {root}/ck2 --netG resnet_6blocks --load_size 32 --crop_size 64" },
        { "continue_train without a checkpoint", "train --dataroot {data} --name x --checkpoints_dir {root}/ck2 --continue_train {gen}" },
        { "test missing dataroot", "test --dataroot {root}/nowhere --name run --checkpoints_dir {ck} --model cycle_gan {gen}" },
        { "test missing checkpoint", "test --dataroot {data} --name nothing --checkpoints_dir {ck} --model cycle_gan {gen}" },
        { "test checkpoint with the wrong ngf", "test --dataroot {data} --name run --checkpoints_dir {ck} --model cycle_gan --ngf 8 --results_dir {root}/res {gen}" },
        { "test checkpoint with the wrong netG", "test --dataroot {data} --name run --checkpoints_dir {ck} --model cycle_gan --ngf 4 --netG resnet_9blocks --results_dir {root}/res" },
        { "translate missing checkpoint", "translate --checkpoint {ck}/run/none.pth --input {data}/testA --output {root}/out {tgen}" },
        { "translate checkpoint with the wrong ngf", "translate --checkpoint {genA} --ngf 8 --input {data}/testA --output {root}/out {tgen}" },
        { "translate a file that is not a checkpoint", "translate --checkpoint {data}/README.txt --ngf 4 --input {data}/testA --output {root}/out {tgen}" },
        { "translate missing input", "translate --checkpoint {genA} --ngf 4 --input {root}/nowhere --output {root}/out {tgen}" },
    };

    string[] Args(string line) => line
        .Replace("{gen}", string.Join(' ', Gen)).Replace("{tgen}", string.Join(' ', TranslateGen)).Replace("{root}", run.Root).Replace("{noB}", run.MissingTrainB)
        .Replace("{data}", run.Data).Replace("{ck}", run.Checkpoints).Replace("{genA}", run.GeneratorA)
        .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_user_mistake_is_one_error_line_and_exit_code_2(string what, string line)
    {
        var r = Cli.Run(Args(line));
        Assert.True(r.Code == 2, $"{what}: exit {r.Code}\n{r.Stdout}\n{r.Stderr}");
        var err = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ", err);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Theory]
    [InlineData("test checkpoint with the wrong ngf")]
    [InlineData("train missing dataroot")]
    public void Verbose_adds_the_stack_trace(string what)
    {
        var line = (string)Cases.First(c => (string)c[0] == what)[1];
        var r = Cli.Run([.. Args(line), "--verbose"]);
        Assert.Equal(2, r.Code);
        Assert.StartsWith("error: ", r.ErrorLines[0]);
        Assert.Contains("   at ", r.Stderr);
    }

    [Fact]
    public void Mismatching_checkpoint_error_names_the_file_and_hints_the_ngf()
    {
        var r = Cli.Run(Args("translate --checkpoint {genA} --ngf 8 --input {data}/testA --output {root}/out {tgen}"));
        Assert.Contains(run.GeneratorA, r.Stderr);
        Assert.Contains("--ngf 4", r.Stderr);
    }
}
