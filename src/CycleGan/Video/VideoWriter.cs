using System.Diagnostics;
using CycleGan.Data;

namespace CycleGan.Video;

/// <summary>
/// Encodes upright frames into a video with the source's frame rate, rotation and audio (copied): an <c>ffmpeg</c>
/// process reads raw <c>rgb24</c> from a pipe and writes a temp file beside the output, which <see cref="Finish"/>
/// renames into place, so a stopped run leaves no half video under the final name. The frames are turned back to the
/// stored orientation and the rotation is written again, so players show the output as they show the input.
/// </summary>
public sealed class VideoWriter : IDisposable
{
    /// <summary>Audio codecs an MP4 file holds (copied); others are encoded to AAC when the output is .mp4.</summary>
    static readonly string[] Mp4Audio = ["aac", "mp3", "ac3", "eac3", "opus", "flac", "alac"];

    readonly FfmpegTool _tool;
    readonly VideoInfo _source;
    readonly string _output, _temp;
    readonly Process _process;
    readonly Func<string> _stderr;
    readonly Stream _stdin;
    bool _finished;

    public VideoWriter(FfmpegTool tool, VideoInfo source, string output, VideoEncoding encoding)
    {
        _tool = tool;
        _source = source;
        _output = Path.GetFullPath(output);
        var dir = Path.GetDirectoryName(_output)!;
        AtomicFile.CreateDirectory(dir);
        _temp = TempName(_output, "enc");
        var (w, h) = source.Upright;
        var args = new List<string> { "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", $"{w}x{h}", "-framerate", source.FrameRate, "-i", "pipe:0" };
        if (source.HasAudio)
            args.AddRange(["-i", source.Path, "-map", "0:v:0", "-map", "1:a:0", "-c:a",
                Muxer(_output) != "mp4" || Mp4Audio.Contains(source.AudioCodec) ? "copy" : "aac"]);
        else args.AddRange(["-map", "0:v:0"]);
        if (Unrotate(source.Rotation) is { } filter) args.AddRange(["-vf", filter]);
        args.AddRange(encoding.CodecArgs());
        args.AddRange(["-fps_mode", "passthrough", "-f", Muxer(_output), _temp]);
        (_process, _stderr) = FfmpegTool.Start(tool.Ffmpeg, args, stdin: true, stdout: false);
        _stdin = _process.StandardInput.BaseStream;
    }

    /// <summary>The temp file of a step beside <paramref name="path"/>: hidden, with this process id.</summary>
    static string TempName(string path, string step) => Path.Combine(Path.GetDirectoryName(path)!,
        $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.{step}.partial{Path.GetExtension(path)}");

    /// <summary>ffmpeg's muxer for an output name: the temp file's own extension does not name one.</summary>
    public static string Muxer(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".mkv" => "matroska",
        ".mov" => "mov",
        _ => "mp4",
    };

    /// <summary>The filter that turns upright frames back to the stored orientation (null for none).</summary>
    static string? Unrotate(int rotation) => rotation switch
    {
        90 => "transpose=clock",
        180 => "hflip,vflip",
        270 => "transpose=cclock",
        _ => null,
    };

    public void Write(RgbImage frame)
    {
        try { _stdin.Write(frame.Pixels); }
        catch (IOException e)
        {
            throw new UserError($"{_output}: ffmpeg stopped encoding: {FfmpegTool.LastLine(_stderr())} ({e.Message})");
        }
    }

    /// <summary>Ends the stream, writes the rotation back, and renames the result into place.</summary>
    public void Finish()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        _process.WaitForExit();
        if (_process.ExitCode != 0) throw new UserError($"{_output}: cannot encode: {FfmpegTool.LastLine(_stderr())}");
        var result = _temp;
        if (_source.Rotation != 0)
        {
            // ffmpeg 5.1 writes a rotation only when it copies a stream, so a second, copying pass sets it.
            result = TempName(_output, "rot");
            try
            {
                FfmpegTool.Run(_tool.Ffmpeg, ["-v", "error", "-y", "-i", _temp, "-map", "0", "-c", "copy",
                    "-metadata:s:v:0", $"rotate={_source.Rotation}", "-f", Muxer(_output), result], $"{_output}: cannot set the rotation");
            }
            finally { TryDelete(_temp); }
        }
        try { File.Move(result, _output, overwrite: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(result);
            throw new UserError($"cannot write {_output}: {e.Message}", e);
        }
        _finished = true;
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        if (!_finished)
        {
            try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
            _process.WaitForExit();
            TryDelete(_temp);
            TryDelete(TempName(_output, "rot"));
        }
        _process.Dispose();
    }
}
