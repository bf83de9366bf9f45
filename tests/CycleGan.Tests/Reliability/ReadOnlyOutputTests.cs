using System.Diagnostics;

namespace CycleGan.Tests.Reliability;

/// <summary>
/// Output that cannot be written is a clear error (exit code 2, one line) and leaves no partial or temp files.
/// The tests run as root, which ignores chmod, so the unwritable places are a path under a regular file (ENOTDIR), a
/// read-only tmpfs (EROFS) and a 4 KiB tmpfs (ENOSPC), mounted for the test; where mounting is not permitted, the
/// mount cases are reported as skipped with mount's reason.
/// </summary>
public class ReadOnlyOutputTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    static readonly string[] Gen = ["--netG", "resnet_6blocks", "--ngf", "4", "--ndf", "4", "--load_size", "32", "--crop_size", "32"];

    string[] Command(string kind, string outDir) => kind switch
    {
        "train" => ["train", "--dataroot", run.Data, "--name", "n", "--checkpoints_dir", outDir, .. Cli.Tiny(1, 0)],
        "test" => ["test", "--dataroot", run.Data, "--name", "run", "--checkpoints_dir", run.Checkpoints, "--model", "cycle_gan", "--results_dir", outDir, .. Gen],
        _ => ["translate", "--checkpoint", run.GeneratorA, "--input", Path.Combine(run.Data, "testA"), "--output", outDir, "--netG", "resnet_6blocks", "--ngf", "4"],
    };

    [Theory]
    [InlineData("train")]
    [InlineData("test")]
    [InlineData("translate")]
    public void Output_under_a_file_is_one_clear_error_with_exit_2(string kind)
    {
        using var dir = TestPaths.NewTempDir("enotdir");
        File.WriteAllText(dir["file"], "x");
        var r = Cli.Run(Command(kind, Path.Combine(dir["file"], "out")));
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: cannot ", line);
        Assert.Contains(dir["file"], line);
        Assert.Equal(["file"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [SkippableTheory]
    [InlineData("train")]
    [InlineData("test")]
    [InlineData("translate")]
    public void A_full_disk_is_one_clear_error_with_exit_2_and_no_temp_files(string kind)
    {
        using var dir = TestPaths.NewTempDir("full");
        using var mount = new TmpfsMount(dir["tmpfs"], "size=4k");
        AssertOneLineError(kind, mount, "error: cannot write ", "No space left on device");
        Assert.Empty(Cli.TempEntries(mount.Path));
    }

    [SkippableTheory]
    [InlineData("train")]
    [InlineData("test")]
    [InlineData("translate")]
    public void A_read_only_file_system_is_one_clear_error_with_exit_2_and_leaves_nothing(string kind)
    {
        using var dir = TestPaths.NewTempDir("readonly");
        using var mount = new TmpfsMount(dir["ro"], "ro,size=4k");
        AssertOneLineError(kind, mount, "error: cannot ", "Read-only file system");
        Assert.Empty(Directory.GetFileSystemEntries(mount.Path));
    }

    /// <summary>The <paramref name="kind"/> command writing into <paramref name="mount"/> exits 2 with one line.</summary>
    void AssertOneLineError(string kind, TmpfsMount mount, string prefix, string reason)
    {
        var r = Cli.Run(Command(kind, Path.Combine(mount.Path, "out")));
        Assert.True(r.Code == 2, $"exit {r.Code}\n{r.Stdout}\n{r.Stderr}");
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith(prefix, line);
        Assert.Contains(reason, line);
    }

    /// <summary>A small tmpfs mounted for one test; the test is skipped, naming mount's reason, where mounting is refused.</summary>
    sealed class TmpfsMount : IDisposable
    {
        public TmpfsMount(string path, string options)
        {
            Directory.CreateDirectory(path);
            var refused = Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
            Skip.If(refused != null, $"mounting a tmpfs ({options}) is not permitted here: {refused}");
            Path = path;
        }

        public string Path { get; }

        public void Dispose() => Run("umount", Path);
    }

    /// <summary>Runs a tool; null when it succeeded, else why not (its stderr, or that it is missing).</summary>
    static string? Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : $"{file} exited {p.ExitCode}: {err.Result.Trim().ReplaceLineEndings(" ")}";
        }
        catch (System.ComponentModel.Win32Exception e) { return $"{file}: {e.Message}"; }
    }
}
