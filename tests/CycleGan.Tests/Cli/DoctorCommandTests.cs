using System.Text.Json;
using CycleGan.Tests.Reliability;

namespace CycleGan.Tests.Cli;

/// <summary>`cyclegan doctor`: the kernel check over the default networks, as a table or one JSON object.</summary>
public class DoctorCommandTests
{
    [Fact]
    public void Doctor_json_says_whether_the_machine_computes_correctly_and_lists_every_check()
    {
        var r = Reliability.Cli.Run("doctor", "--json");
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        var correct = root.GetProperty("computes_correctly").GetBoolean();
        Assert.Equal(correct ? 0 : 1, r.Code);
        // with the remedies every default network computes correctly, on a faulty machine as on a sound one
        Assert.True(correct, r.Stdout);
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(checks, c => c.GetProperty("configuration").GetString()!.StartsWith("conv2d 64→3 7×7"));
        Assert.Contains(checks, c => c.GetProperty("configuration").GetString()!.StartsWith("conv_transpose2d"));
        Assert.Equal(checks.Count(c => c.GetProperty("direct").GetString() == "wrong"), root.GetProperty("wrong_configurations").GetInt32());
        Assert.All(checks, c => Assert.True(c.GetProperty("ok").GetBoolean(), c.ToString()));
        Assert.All(checks.Where(c => c.GetProperty("direct").GetString() == "wrong"),
            c => Assert.NotEqual(JsonValueKind.Null, c.GetProperty("remedy").ValueKind));
        Assert.Equal(JsonValueKind.String, root.GetProperty("cpu").GetProperty("model").ValueKind);
        Assert.True(root.GetProperty("threads").GetInt32() >= 1);
        Assert.StartsWith("2.", root.GetProperty("libtorch").GetString());
    }

    [Fact]
    public async Task A_cli_run_prints_no_libtorch_or_nnpack_warning_lines()
    {
        using var p = Reliability.Cli.Start("bench", "--mode", "train", "--size", "32", "--netG", "resnet_6blocks",
            "--ngf", "4", "--ndf", "4", "--iters", "2", "--warmup", "1");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var lines = (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(p.ExitCode == 0, string.Join('\n', lines));
        Assert.DoesNotContain(lines, l => l.Contains("NNPACK", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.StartsWith("[W", StringComparison.Ordinal)); // c10's warning prefix
        Assert.Single(lines, l => l.StartsWith('{')); // the JSON line, and nothing else on stdout
    }
}
