using System.Diagnostics;
using CycleGan.Cli;
using CycleGan.Data.Synth;

namespace CycleGan.Tests.Reliability;

/// <summary>Runs the `cyclegan` command in-process or as a child process, and the tiny settings the tests use.</summary>
public static class Cli
{
    public sealed record Result(int Code, string Stdout, string Stderr)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = App.Run(args, o, e);
        return new Result(code, o.ToString(), e.ToString());
    }

    /// <summary>The options of a tiny training, without --dataroot/--name/--checkpoints_dir.</summary>
    public static string[] Tiny(int nEpochs = 1, int nEpochsDecay = 1, int saveLatestFreq = 2) =>
    [
        "--ngf", "4", "--ndf", "4", "--netG", "resnet_6blocks", "--load_size", "32", "--crop_size", "32",
        "--n_epochs", nEpochs.ToString(), "--n_epochs_decay", nEpochsDecay.ToString(), "--seed", "1",
        "--print_freq", "2", "--save_latest_freq", saveLatestFreq.ToString(), "--no_html", "--num_threads", "1",
    ];

    public static string Synth(string dir, int train = 6)
    {
        SynthDataset.Write(new SynthOptions(Out: dir, Size: 32, Train: train, Test: 2, Seed: 1));
        return dir;
    }

    /// <summary>`dotnet CycleGan.Cli.dll args` as a separate process (so that it can be killed with SIGKILL).</summary>
    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CycleGan.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // One torch thread per process: the suite shares 2 cores.
        psi.Environment["OMP_NUM_THREADS"] = "1";
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Files under <paramref name="dir"/> whose names mark them as temporary (what a crash may leave).</summary>
    public static IEnumerable<string> TempEntries(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
                .Where(p => Path.GetFileName(p).EndsWith(".tmp", StringComparison.Ordinal) || Path.GetFileName(p).Contains(".tmp-", StringComparison.Ordinal))
            : [];
}
