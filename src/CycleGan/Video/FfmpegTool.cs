using System.Diagnostics;

namespace CycleGan.Video;

/// <summary>
/// Where the <c>ffmpeg</c> and <c>ffprobe</c> programs are (Debian's <c>ffmpeg</c> package): the
/// <c>CYCLEGAN_FFMPEG</c> environment variable (the path of ffmpeg; ffprobe beside it), else the PATH.
/// Frames go through pipes of raw <c>rgb24</c>, so no frame touches the disk.
/// </summary>
public sealed record FfmpegTool(string Ffmpeg, string Ffprobe)
{
    public const string EnvironmentVariable = "CYCLEGAN_FFMPEG";

    /// <summary>The tools of this machine; a <see cref="UserError"/> saying how to install them when missing.</summary>
    public static FfmpegTool Locate()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var tool = !string.IsNullOrEmpty(env)
            ? new FfmpegTool(env, Path.Combine(Path.GetDirectoryName(env) ?? "", "ffprobe"))
            : new FfmpegTool(OnPath("ffmpeg") ?? "ffmpeg", OnPath("ffprobe") ?? "ffprobe");
        tool.EnsureExists();
        return tool;
    }

    /// <summary>Fails with one line when either program is missing.</summary>
    public void EnsureExists()
    {
        foreach (var p in new[] { Ffmpeg, Ffprobe })
            if (!File.Exists(p))
                throw new UserError($"{Path.GetFileName(p)} is not installed (looked for {p}); video needs FFmpeg: " +
                    "apt-get install -y ffmpeg, or set " + EnvironmentVariable + " to the ffmpeg program");
    }

    static string? OnPath(string name) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>Starts one of the programs with redirected streams; stderr is collected on a background thread.</summary>
    public static (Process Process, Func<string> Stderr) Start(string program, IEnumerable<string> args, bool stdin, bool stdout)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = stdin,
            RedirectStandardOutput = stdout,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new UserError($"cannot start {program}");
        var err = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (err) err.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        return (p, () => { lock (err) return err.ToString(); });
    }

    /// <summary>The last non-empty line of a program's stderr: what ffmpeg says went wrong.</summary>
    public static string LastLine(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";

    /// <summary>Runs a program to its end; its stdout, or a <see cref="UserError"/> with <paramref name="what"/> and its message.</summary>
    public static string Run(string program, IEnumerable<string> args, string what)
    {
        var (p, stderr) = Start(program, args, stdin: false, stdout: true);
        using (p)
        {
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            // ffmpeg starts its message with the file name, which `what` already gives
            if (p.ExitCode != 0) throw new UserError($"{what}: {LastLine(stderr()).Split(": ", 2)[^1]}");
            return text;
        }
    }
}
