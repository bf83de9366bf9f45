using CycleGan.Data;

namespace CycleGan.Video;

/// <summary>
/// The frames of a video, upright (ffmpeg applies the display rotation), decoded by an <c>ffmpeg</c> process into a
/// pipe of raw <c>rgb24</c>, one <see cref="RgbImage"/> at a time. A decoding error, or fewer frames than the file
/// lists (a truncated file), is a <see cref="UserError"/> naming the file.
/// </summary>
public sealed class VideoReader(FfmpegTool tool, VideoInfo info) : IDisposable
{
    System.Diagnostics.Process? _process;

    public VideoInfo Info { get; } = info;

    /// <summary>Every frame in order; enumerate once.</summary>
    public IEnumerable<RgbImage> Frames()
    {
        var (w, h) = Info.Upright;
        // passthrough: every decoded frame once, none duplicated or dropped to fit a constant rate.
        var (p, stderr) = FfmpegTool.Start(tool.Ffmpeg, ["-v", "error", "-nostdin", "-i", Info.Path, "-map", "0:v:0",
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], stdin: false, stdout: true);
        _process = p;
        var stream = p.StandardOutput.BaseStream;
        long count = 0;
        while (true)
        {
            var img = RgbImage.Create(w, h);
            int got = ReadFull(stream, img.Pixels);
            if (got == 0) break;
            if (got < img.Pixels.Length)
                throw new UserError($"{Info.Path}: truncated: frame {count + 1} ends early ({FfmpegTool.LastLine(stderr())})");
            count++;
            yield return img;
        }
        p.WaitForExit();
        if (p.ExitCode != 0) throw new UserError($"{Info.Path}: cannot decode: {FfmpegTool.LastLine(stderr())}");
        if (count == 0) throw new UserError($"{Info.Path}: has no decodable frames ({FfmpegTool.LastLine(stderr())})");
        if (Info.Frames > 0 && count < Info.Frames)
            throw new UserError($"{Info.Path}: truncated or damaged: decoded {count} of {Info.Frames} frames");
    }

    static int ReadFull(Stream s, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose()
    {
        if (_process is { } p)
        {
            try { if (!p.HasExited) p.Kill(); } catch (InvalidOperationException) { }
            p.Dispose();
        }
    }
}
