using System.Diagnostics;
using CycleGan.Tests.Reliability;
using CycleGan.Training;

namespace CycleGan.Tests.Training;

/// <summary>One run, one writer (<see cref="RunLock"/>): a second train on a busy run folder stops; a dead holder's lock is taken.</summary>
public class RunLockTests
{
    static string[] Train(string data, string ck, int epochs) =>
        ["train", "--dataroot", data, "--name", "run", "--checkpoints_dir", ck, .. Reliability.Cli.Tiny(epochs, epochs)];

    /// <summary>Starts a long training in a child process and waits until it holds the run folder's lock.</summary>
    static async Task<Process> StartHolder(string data, string ck)
    {
        var p = Reliability.Cli.Start(Train(data, ck, 50));
        _ = p.StandardOutput.ReadToEndAsync(); // drained so that the child never blocks on a full pipe
        _ = p.StandardError.ReadToEndAsync();
        var runDir = Path.Combine(ck, "run");
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!(File.Exists(Path.Combine(runDir, RunLock.FileName)) && RunLock.Holder(runDir).StartsWith($"pid {p.Id} ", StringComparison.Ordinal)))
        {
            Assert.False(p.HasExited, "the holder exited before taking the lock");
            Assert.True(DateTime.UtcNow < deadline, "the holder never took the lock");
            await Task.Delay(50);
        }
        return p;
    }

    [Fact]
    public async Task A_second_train_on_a_run_folder_in_use_exits_2_with_one_line_naming_the_holder_pid()
    {
        using var dir = TestPaths.NewTempDir("lock");
        var data = Reliability.Cli.Synth(dir["ds"]);
        using var holder = await StartHolder(data, dir["ck"]);
        try
        {
            var logBefore = File.Exists(dir["ck/run/loss_log.txt"]) ? File.ReadAllText(dir["ck/run/loss_log.txt"]) : null;
            var r = Reliability.Cli.Run(Train(data, dir["ck"], 1));
            Assert.Equal(2, r.Code);
            var line = Assert.Single(r.ErrorLines);
            Assert.Contains($"pid {holder.Id}", line);
            Assert.False(holder.HasExited, "the first run was disturbed");
            if (logBefore is not null) Assert.StartsWith(logBefore, File.ReadAllText(dir["ck/run/loss_log.txt"]));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_lock_left_by_a_train_killed_with_sigkill_is_taken_over()
    {
        using var dir = TestPaths.NewTempDir("lock-stale");
        var data = Reliability.Cli.Synth(dir["ds"]);
        using (var holder = await StartHolder(data, dir["ck"]))
        {
            holder.Kill(entireProcessTree: true); // SIGKILL: no chance to release anything
            await holder.WaitForExitAsync();
        }
        Assert.True(File.Exists(dir["ck/run/" + RunLock.FileName])); // left behind by the killed holder
        var r = Reliability.Cli.Run(Train(data, dir["ck"], 1));
        Assert.True(r.Code == 0, r.Stderr);
        Assert.False(File.Exists(dir["ck/run/" + RunLock.FileName]), "a finished run removes its lock");
    }
}
