using CycleGan.Data;

namespace CycleGan.Tests.Cli;

public class TestCommandTests
{
    /// <summary>The official test layout for a reference folder: data/input.png, ck/&lt;name&gt;/latest_net_G.pth.</summary>
    static TempDir TestLayout(string tempName, string reference, string name)
    {
        var tmp = TestPaths.NewTempDir(tempName);
        Directory.CreateDirectory(tmp["data"]);
        File.Copy(TestPaths.Ref(reference, "input.png"), tmp["data/input.png"]);
        Directory.CreateDirectory(tmp[$"ck/{name}"]);
        File.Copy(TestPaths.Ref(reference, "latest_net_G.pth"), tmp[$"ck/{name}/latest_net_G.pth"]);
        return tmp;
    }

    [Fact]
    public void Official_test_command_line_reproduces_pytorch_pixels_for_the_resnet9_checkpoint()
    {
        using var tmp = TestLayout("test-cmd", "resnet9_ngf64", "resnet9");
        // python test.py --dataroot data --name resnet9 --model test --no_dropout
        CliRunner.MustSucceed("test", "--dataroot", tmp["data"], "--name", "resnet9", "--model", "test", "--no_dropout",
            "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"]);
        var dir = tmp["results/resnet9/test_latest"];
        Assert.True(File.Exists(Path.Combine(dir, "index.html")));
        var real = ImageFile.LoadRgb(Path.Combine(dir, "images", "input_real.png"));
        // PyTorch writes real_* through tensor2im too (truncation can lower a level): compare with that, exactly.
        using (var io = CycleGan.Checkpoints.SafeTensorsFile.Read(TestPaths.Ref("resnet9_ngf64", "io.safetensors")))
            Assert.Equal(ImageTensor.TensorToImage(io["input"]).Pixels, real.Pixels);
        var fake = ImageFile.LoadRgb(Path.Combine(dir, "images", "input_fake.png"));
        var expected = ImageFile.LoadRgb(TestPaths.Ref("resnet9_ngf64", "output.png"));
        var worst = fake.Pixels.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1, $"fake differs from PyTorch's by up to {worst} levels");
    }

    [Fact]
    public void Checkpoint_that_does_not_fit_the_options_is_a_one_line_error_with_a_hint()
    {
        using var tmp = TestLayout("test-mismatch", "legacy_ngf8", "legacy");
        var r = CliRunner.Run("test", "--dataroot", tmp["data"], "--name", "legacy", "--model", "test", "--no_dropout",
            "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("--ngf 8", r.Stderr);
        var ok = CliRunner.Run("test", "--dataroot", tmp["data"], "--name", "legacy", "--model", "test", "--no_dropout", "--ngf", "8",
            "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"]);
        Assert.Equal(0, ok.ExitCode);
    }

    [Fact]
    public void Bf16_test_stays_close_to_fp32()
    {
        using var tmp = TestLayout("test-bf16", "legacy_ngf8", "legacy");
        CliRunner.MustSucceed("test", "--dataroot", tmp["data"], "--name", "legacy", "--model", "test", "--no_dropout", "--ngf", "8",
            "--preprocess", "none", "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"], "--precision", "bf16");
        var bf16 = ImageFile.LoadRgb(tmp["results/legacy/test_latest/images/input_fake.png"]);
        var fp32 = ImageFile.LoadRgb(TestPaths.Ref("legacy_ngf8", "output.png"));
        var diffs = bf16.Pixels.Zip(fp32.Pixels, (a, b) => Math.Abs(a - b)).ToList();
        Assert.True(diffs.Average() < 3, $"mean difference {diffs.Average():F2} levels");
        Assert.True(diffs.Max() > 0, "bf16 must actually run in bfloat16");
    }
}
