using CycleGan.Data;

namespace CycleGan.Tests.Cli;

public class TranslateCommandTests
{
    [Fact]
    public void Translate_keeps_the_size_of_non_square_inputs_and_matches_pytorch_where_no_padding_is_needed()
    {
        using var tmp = TestPaths.NewTempDir("translate");
        Directory.CreateDirectory(tmp["in"]);
        // 96x64 (multiple of 4: no padding, must equal PyTorch's output) and an odd 37x23 image (padded, cropped back).
        File.Copy(TestPaths.Ref("legacy_ngf8", "input.png"), tmp["in/landscape.png"]);
        File.Copy(TestPaths.Ref("images", "odd_37x23.png"), tmp["in/odd.png"]);
        CliRunner.MustSucceed("translate", "--checkpoint", TestPaths.Ref("legacy_ngf8", "latest_net_G.pth"), "--ngf", "8",
            "--input", tmp["in"], "--output", tmp["out"]);
        var landscape = ImageFile.LoadRgb(tmp["out/landscape.png"]);
        Assert.Equal((96, 64), (landscape.Width, landscape.Height));
        var expected = ImageFile.LoadRgb(TestPaths.Ref("legacy_ngf8", "output.png"));
        Assert.True(landscape.Pixels.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).Max() <= 1);
        var odd = ImageFile.LoadRgb(tmp["out/odd.png"]);
        Assert.Equal((37, 23), (odd.Width, odd.Height));
    }

    [Fact]
    public void Translate_with_a_missing_input_exits_2_with_one_line()
    {
        var r = CliRunner.Run("translate", "--checkpoint", TestPaths.Ref("legacy_ngf8", "latest_net_G.pth"), "--ngf", "8",
            "--input", "/nonexistent/dir", "--output", "/tmp/unused-out");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("/nonexistent/dir", r.Stderr);
    }
}
