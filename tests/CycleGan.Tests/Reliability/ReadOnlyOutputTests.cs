using System.Diagnostics;
using Xunit.Abstractions;

namespace CycleGan.Tests.Reliability;

/// <summary>
/// Output that cannot be written is a clear error (exit code 2, one line) and leaves no partial or temp files.
/// The tests run as root, which ignores chmod, so "read-only" is a path under a regular file (ENOTDIR) and "full"
/// is a 4 KiB tmpfs mounted for the test (where mounting is not permitted, only the ENOTDIR cases run and the
/// output says so).
/// </summary>
public class ReadOnlyOutputTests(TrainedRun run, ITestOutputHelper output) : IClassFixture<TrainedRun>
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

    [Theory]
    [InlineData("train")]
    [InlineData("test")]
    [InlineData("translate")]
    public void A_full_disk_is_one_clear_error_with_exit_2_and_no_temp_files(string kind)
    {
        using var dir = TestPaths.NewTempDir("full");
        var mount = dir["tmpfs"];
        Directory.CreateDirectory(mount);
        if (!Run("mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", mount))
        {
            output.WriteLine("mounting a tmpfs is not permitted here: the full-disk case was not run (ENOTDIR cases still ran)");
            return;
        }
        try
        {
            var r = Cli.Run(Command(kind, Path.Combine(mount, "out")));
            Assert.True(r.Code == 2, $"exit {r.Code}\n{r.Stdout}\n{r.Stderr}");
            var line = Assert.Single(r.ErrorLines);
            Assert.StartsWith("error: cannot write ", line);
            Assert.Contains("No space left on device", line);
            Assert.Empty(Cli.TempEntries(mount));
        }
        finally
        {
            Run("umount", mount);
        }
    }

    static bool Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}
