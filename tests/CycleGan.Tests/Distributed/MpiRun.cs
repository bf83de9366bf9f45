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
    public static async Task<Result> Run(int ranks, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var p = Start(ranks, env, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public static async Task<Result> MustSucceed(int ranks, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var r = await Run(ranks, env, args);
        Assert.True(r.Code == 0, $"{(ranks > 0 ? $"mpirun -np {ranks} " : "")}cyclegan {string.Join(' ', args)} exited {r.Code}:\n{r.Stderr}\n{r.Stdout}");
        return r;
    }

    /// <summary>The pid of rank <paramref name="rank"/> among the children of <paramref name="mpirun"/>, or null.</summary>
    public static int? RankPid(Process mpirun, int rank)
    {
        foreach (var task in Directory.GetDirectories($"/proc/{mpirun.Id}/task"))
        {
            string children;
            try { children = File.ReadAllText(Path.Combine(task, "children")); }
            catch (IOException) { continue; }
            foreach (var pid in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            {
                try
                {
                    var environ = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
                    if (environ.Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        return null;
    }
}
