using System.Diagnostics;

namespace CycleGan.Tests.Distributed;

/// <summary>
/// Starts the built CLI as an MPI job (<c>mpirun --allow-run-as-root --oversubscribe -np N dotnet CycleGan.Cli.dll ...</c>)
/// or as one plain process, with one torch thread per process (the suite shares 2 cores).
/// </summary>
public static class MpiRun
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "CycleGan.Cli.dll");

    /// <summary>mpirun on PATH; a missing Open MPI is a failure that says how to install it (.ci/run does).</summary>
    public static string Mpirun()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        Assert.True(found != null, "mpirun is not installed: the distributed tests need Open MPI (apt-get install openmpi-bin; .ci/run installs it)");
        return found!;
    }

    public static Process Start(int ranks, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        ProcessStartInfo psi;
        if (ranks > 0)
        {
            psi = new ProcessStartInfo(Mpirun());
            foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(), "dotnet", Dll }) psi.ArgumentList.Add(a);
        }
        else
        {
            psi = new ProcessStartInfo("dotnet");
            psi.ArgumentList.Add(Dll);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        psi.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
    }

    public sealed record Result(int Code, string Stdout, string Stderr);

    /// <summary><paramref name="ranks"/> MPI processes (0: one plain process) to completion, at most 4 minutes.</summary>
    public static Task<Result> Run(int ranks, IReadOnlyDictionary<string, string>? env, params string[] args) =>
        Run(ranks, env, TimeSpan.FromMinutes(4), args);

    /// <summary>As <see cref="Run(int, IReadOnlyDictionary{string, string}?, string[])"/>, killed after <paramref name="limit"/>
    /// (a hang guard, not a timing: a loaded machine may take several times as long).</summary>
    public static async Task<Result> Run(int ranks, IReadOnlyDictionary<string, string>? env, TimeSpan limit, params string[] args)
    {
        using var p = Start(ranks, env, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try { await p.WaitForExitAsync().WaitAsync(limit); }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public static async Task<Result> MustSucceed(int ranks, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var r = await Run(ranks, env, args);
        Assert.True(r.Code == 0, $"{(ranks > 0 ? $"mpirun -np {ranks} " : "")}cyclegan {string.Join(' ', args)} exited {r.Code}:\n{r.Stderr}\n{r.Stdout}");
        return r;
    }

    /// <summary>
    /// The pids of the job's ranks: the processes other than <paramref name="mpirun"/> whose command line contains
    /// <paramref name="marker"/> (e.g. the job's unique checkpoint folder), in start order. Command lines are
    /// world-readable in /proc; environments are not always (the test host may lack ptrace rights over the ranks).
    /// </summary>
    public static List<int> RankPids(Process mpirun, string marker)
    {
        var result = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == mpirun.Id) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(marker, StringComparison.Ordinal) && cmdline.Contains("CycleGan.Cli.dll", StringComparison.Ordinal)) result.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        result.Sort();
        return result;
    }
}
