using System.Globalization;

namespace CycleGan.Distributed;

/// <summary>
/// How a launcher told this process that it is one of several: Open MPI's <c>mpirun</c>
/// (<c>OMPI_COMM_WORLD_RANK/SIZE</c>), MPICH/Intel MPI and the Kubernetes MPI Operator's launchers (<c>PMI_RANK/SIZE</c>),
/// PMIx (<c>PMIX_RANK</c>), Slurm's <c>srun</c> (<c>SLURM_PROCID</c>/<c>SLURM_NTASKS</c>). Null when none did.
/// The launcher's numbers only decide whether MPI is started; the rank and size used are MPI's own.
/// </summary>
public sealed record LaunchEnvironment(string Launcher, int Rank, int? Size)
{
    static readonly (string Launcher, string Rank, string? Size)[] Variables =
    [
        ("mpirun (Open MPI)", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
        ("PMI", "PMI_RANK", "PMI_SIZE"),
        ("PMIx", "PMIX_RANK", null),
        ("srun (Slurm)", "SLURM_PROCID", "SLURM_NTASKS"),
    ];

    public static LaunchEnvironment? Detect(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        foreach (var (launcher, rankVar, sizeVar) in Variables)
        {
            if (!int.TryParse(env(rankVar), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rank)) continue;
            int? size = sizeVar != null && int.TryParse(env(sizeVar), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                ? s : null;
            // A Slurm batch script sees SLURM_PROCID 0 of a 1-task step, or the job's task count without a step:
            // only a task count above 1 is a launch of several processes.
            if (size is 1 || (size is null && sizeVar != null)) continue;
            return new LaunchEnvironment(launcher, rank, size);
        }
        return null;
    }

    /// <summary>This process's index among the job's processes on its node (0 when no launcher says).</summary>
    public static int LocalRank(Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        foreach (var name in new[] { "OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID", "PMI_LOCAL_RANK" })
            if (int.TryParse(env(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var local)) return local;
        return 0;
    }

    /// <summary>The <c>--distributed</c> modes <see cref="Start"/> knows.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["auto", "mpi", "none"];

    /// <summary>
    /// <c>--distributed</c>: <c>none</c> never starts MPI, <c>mpi</c> always does (a lone process is a world of 1),
    /// <c>auto</c> does when a launcher started several processes. Null when MPI is not used.
    /// </summary>
    public static MpiWorld? Start(string mode, Func<string, string?>? env = null) => mode switch
    {
        "none" => null,
        "mpi" => MpiWorld.Init(),
        "auto" => Detect(env) != null ? MpiWorld.Init() : null,
        _ => throw new UserError($"--distributed {mode} is not known (use {string.Join(", ", Modes)})"),
    };
}
