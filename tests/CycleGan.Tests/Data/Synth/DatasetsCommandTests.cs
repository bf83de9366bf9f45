using CycleGan.Cli;

namespace CycleGan.Tests.Data.Synth;

public class DatasetsCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = App.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Synth_writes_the_dataset_and_prints_one_summary_line()
    {
        using var tmp = TestPaths.NewTempDir("synthcli");
        var (code, stdout, stderr) = Run("datasets", "synth", "--kind", "streets", "--out", tmp["ds"], "--size", "32", "--train", "3", "--test", "2", "--seed", "9", "--style", "2");
        Assert.True(code == 0, stderr);
        Assert.Single(Lines(stdout));
        Assert.Equal(3, Directory.GetFiles(tmp["ds/trainB"]).Length);
        Assert.Equal(2, Directory.GetFiles(tmp["ds/test"]).Length);
        Assert.Contains("\"style\": 2", File.ReadAllText(tmp["ds/synth.json"]));
    }

    [Theory]
    [InlineData("--size", "30")]
    [InlineData("--size", "8")]
    [InlineData("--style", "5")]
    [InlineData("--kind", "rivers")]
    [InlineData("--train", "-1")]
    public void Bad_argument_exits_2_with_one_line(string option, string value)
    {
        using var tmp = TestPaths.NewTempDir("synthcli");
        var (code, _, stderr) = Run("datasets", "synth", "--out", tmp["ds"], option, value);
        Assert.Equal(2, code);
        var lines = Lines(stderr);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(option, lines[0]);
    }

    [Fact]
    public void Non_empty_out_without_force_exits_2()
    {
        using var tmp = TestPaths.NewTempDir("synthcli");
        File.WriteAllText(tmp["keep.txt"], "x");
        var (code, _, stderr) = Run("datasets", "synth", "--out", tmp.Path, "--size", "16", "--train", "1", "--test", "1");
        Assert.Equal(2, code);
        Assert.Single(Lines(stderr));
        Assert.Equal(0, Run("datasets", "synth", "--out", tmp.Path, "--size", "16", "--train", "1", "--test", "1", "--force").Code);
    }
}
