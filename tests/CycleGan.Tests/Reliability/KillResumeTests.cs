using System.Diagnostics;
using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace CycleGan.Tests.Reliability;

/// <summary>
/// kill -9 at random (seeded) moments of a training: every file under a final name stays complete, --continue_train
/// resumes, and the finished run's weights equal those of an uninterrupted run with the same seed.
/// </summary>
public class KillResumeTests(ITestOutputHelper output)
{
    const int Kills = 5;

    [Fact]
    public async Task Training_killed_5_times_at_random_moments_resumes_and_ends_with_the_uninterrupted_weights()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = TestPaths.NewTempDir("kill");
        var data = Cli.Synth(dir["ds"]);
        string[] Args(string name, bool resume) =>
            ["train", "--dataroot", data, "--name", name, "--checkpoints_dir", dir["ck"], .. Cli.Tiny(8, 8, saveLatestFreq: 2), "--save_epoch_freq", "1", .. resume ? new[] { "--continue_train" } : []];

        // 16 epochs of 6 images: long enough that five kills (each after at most 4 printed lines and 60 ms) land
        // before the end even on an idle machine. The uninterrupted run goes on beside the killed one.
        using var reference = Cli.Start(Args("whole", false));
        var referenceOut = reference.StandardOutput.ReadToEndAsync();
        var referenceErr = reference.StandardError.ReadToEndAsync();

        var runDir = Path.Combine(dir["ck"], "killed");
        var rng = new Random(6);
        int kills = 0, resumes = 0;
        while (true)
        {
            var resume = TrainingState.Find(runDir) != null;
            if (resume) resumes++;
            using var p = Cli.Start(Args("killed", resume));
            var log = new System.Text.StringBuilder();
            var lines = new SemaphoreSlim(0);
            p.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (log) log.AppendLine(e.Data); lines.Release(); } };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (log) log.AppendLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (kills < Kills)
            {
                // The moment: after a few printed lines (start, losses, "saving ...": so the run makes progress), then
                // a random pause of up to 60 ms (an iteration or a few on an idle machine), which lands before, inside or after a save.
                var wait = rng.Next(2, 5);
                var pause = rng.Next(0, 60);
                for (int i = 0; i < wait && !p.HasExited; i++) await lines.WaitAsync(TimeSpan.FromSeconds(30));
                if (!p.WaitForExit(TimeSpan.FromMilliseconds(pause)))
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync();
                    kills++;
                    output.WriteLine($"kill {kills} after {wait} lines + {pause} ms; state: {StateSummary(runDir)}");
                    AssertFinalFilesComplete(runDir);
                    continue;
                }
            }
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {log}");
            break;
        }
        await reference.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(reference.ExitCode == 0, await referenceErr + await referenceOut);
        output.WriteLine($"{kills} kills, {resumes} resumes from the training state");
        Assert.Equal(Kills, kills);
        Assert.True(resumes >= 1, "no kill happened after the first saved state; the resume path was not exercised");

        AssertFinalFilesComplete(runDir);
        Assert.Empty(Cli.TempEntries(runDir));
        foreach (var net in new[] { "G_A", "G_B", "D_A", "D_B" })
        {
            using var a = PthFile.Read(Path.Combine(dir["ck"], "whole", $"latest_net_{net}.pth"));
            using var b = PthFile.Read(Path.Combine(runDir, $"latest_net_{net}.pth"));
            Assert.Equal(a.Keys, b.Keys);
            foreach (var k in a.Keys)
                Assert.True(a[k].shape.SequenceEqual(b[k].shape) && a[k].eq(b[k]).all().ToBoolean(), $"{net} {k} differs from the uninterrupted run");
        }
        Assert.Equal(LossLines(Path.Combine(dir["ck"], "whole")), LossLines(runDir));
    }

    static string StateSummary(string runDir)
    {
        var s = TrainingState.Find(runDir);
        return s == null ? "none" : File.ReadAllText(Path.Combine(s, "state.json")).ReplaceLineEndings(" ");
    }

    /// <summary>Every checkpoint, state and log under its final name reads completely.</summary>
    static void AssertFinalFilesComplete(string runDir)
    {
        if (!Directory.Exists(runDir)) return;
        foreach (var f in Directory.GetFiles(runDir, "*_net_*.pth"))
            using (PthFile.Read(f)) { }
        var state = TrainingState.Find(runDir);
        if (state != null)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(state, "state.json")));
            foreach (var f in Directory.GetFiles(state, "*.safetensors"))
                using (SafeTensorsFile.Read(f)) { }
            Assert.True(File.Exists(Path.Combine(state, "optimizer_0.bin")) && File.Exists(Path.Combine(state, "optimizer_1.bin")));
        }
        var log = Path.Combine(runDir, "loss_log.jsonl");
        if (File.Exists(log))
            foreach (var line in File.ReadAllLines(log).Where(l => l.Length > 0))
                using (JsonDocument.Parse(line)) { }
    }

    /// <summary>The logged losses at full precision, without the timings.</summary>
    static List<string> LossLines(string runDir) =>
        File.ReadAllLines(Path.Combine(runDir, "loss_log.jsonl")).Where(l => l.Length > 0).ToList();
}
