using System.Diagnostics;
using System.Runtime.ExceptionServices;
using CycleGan.Data;
using CycleGan.Inference;
using CycleGan.Options;

namespace CycleGan.Video;

/// <summary>
/// <c>cyclegan translate</c> over a video or a folder of videos: each clip is decoded by one <c>ffmpeg</c> process,
/// translated frame by frame by the same <see cref="Translator"/> as images (padding and cropping back included), and
/// encoded by another, with decode, network and encode on three threads (<see cref="InferencePipeline"/>). Frame rate,
/// frame count, size, rotation and audio are kept. A video that cannot be read fails alone: one line naming it and the
/// cause, nothing under its output name, and the other videos are still translated.
/// </summary>
public static class VideoTranslation
{
    /// <summary>File name endings (lower case) taken for videos.</summary>
    public static readonly string[] Extensions =
        [".mp4", ".m4v", ".mkv", ".mov", ".avi", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".ts", ".mts"];

    public static bool IsVideoFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// Whether <c>--input</c> names videos: a video file, or a folder with videos and no images (a folder holding both
    /// is a <see cref="UserError"/>: images and videos go to different outputs).
    /// </summary>
    public static bool IsVideoInput(string input)
    {
        if (File.Exists(input)) return IsVideoFile(input);
        if (!Directory.Exists(input)) return false;
        var files = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories).ToList();
        bool videos = files.Any(IsVideoFile), images = files.Any(ImageFile.IsImageFile);
        if (videos && images) throw new UserError($"--input {input} holds both images and videos; give them in separate folders");
        return videos;
    }

    /// <summary>The videos of <c>--input</c>, sorted, each with its output path.</summary>
    public static IReadOnlyList<(string Input, string Output)> Plan(string input, string output)
    {
        if (string.IsNullOrEmpty(output)) throw new UserError("--output is required");
        if (File.Exists(input))
            return [(input, IsVideoFile(output) ? output : Path.Combine(output, OutputName(input)))];
        var root = Path.GetFullPath(input);
        var list = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(IsVideoFile)
            .Where(p => !Path.GetFileName(p).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0) throw new UserError($"--input {input} has no videos");
        return list.Select(p => (p, Path.Combine(output, Path.GetDirectoryName(Path.GetRelativePath(root, p)) ?? "", OutputName(p))))
            .ToList();
    }

    /// <summary>The output name of a video: its stem, in .mkv or .mov if it came in one of those, else .mp4.</summary>
    public static string OutputName(string input)
    {
        var ext = Path.GetExtension(input).ToLowerInvariant();
        return Path.GetFileNameWithoutExtension(input) + (ext is ".mkv" or ".mov" ? ext : ".mp4");
    }

    /// <param name="progress">called after every frame.</param>
    /// <param name="failed">called with the line of each video that could not be translated.</param>
    public static VideoBatchResult Run(TranslateOptions opt, FfmpegTool? tool = null, Action<VideoProgress>? progress = null,
        Action<string>? failed = null)
    {
        var encoding = new VideoEncoding(opt.Crf, opt.Lossless);
        encoding.Validate();
        var plan = Plan(opt.Input, opt.Output);
        tool ??= FfmpegTool.Locate();
        tool.EnsureExists();
        using var translator = new Translator(opt);
        var smoothing = opt.Temporal == "flow" ? new FlowSmoothing(opt.TemporalBlend, OpticalFlow.Estimate) : null;
        var written = new List<VideoClipResult>();
        var failures = new List<string>();
        foreach (var (input, output) in plan)
        {
            try
            {
                var frames = string.IsNullOrEmpty(opt.FramesDir) ? null
                    : Path.Combine(opt.FramesDir, Path.GetFileNameWithoutExtension(input));
                written.Add(TranslateClip(translator, tool, input, output, encoding, frames, progress, smoothing));
            }
            catch (Exception e) when (InferencePipeline.IsInputFailure(e) && plan.Count > 1)
            {
                failures.Add(e.Message);
                failed?.Invoke(e.Message);
            }
        }
        return new VideoBatchResult(opt.Output, written, failures);
    }

    /// <summary>One video through <paramref name="translator"/> into <paramref name="output"/> (replaced if it exists).</summary>
    public static VideoClipResult TranslateClip(Translator translator, FfmpegTool tool, string input, string output,
        VideoEncoding encoding, string? framesDir, Action<VideoProgress>? progress = null, FlowSmoothing? smoothing = null)
    {
        var sw = Stopwatch.StartNew();
        var info = VideoProbe.Probe(tool, input);
        var (w, h) = info.Upright;
        if (!encoding.Lossless && (w % 2 != 0 || h % 2 != 0))
            throw new UserError($"{input}: {w}x{h} has an odd side, which yuv420p cannot hold; use --lossless");
        translator.BeginClip();
        smoothing?.Reset();
        using var reader = new VideoReader(tool, info);
        using var writer = new VideoWriter(tool, info, output, encoding);
        long done = 0;
        InferencePipeline.Run(reader.Frames().Select((f, i) => (Index: i, Frame: f)), x => x.Frame,
            (_, frame) =>
            {
                var translated = ToRgb(translator.Translate(frame));
                return smoothing?.Next(frame, translated) ?? translated;
            },
            (x, frame) =>
            {
                writer.Write(frame);
                if (framesDir != null)
                    AtomicFile.WriteAllBytes(Path.Combine(framesDir, $"{x.Index + 1:D6}.png"), ImageFile.EncodePng(frame));
                progress?.Invoke(new VideoProgress(input, ++done, info.Frames, sw.Elapsed));
            },
            (_, e) => ExceptionDispatchInfo.Throw(e), failFast: true);
        writer.Finish();
        return new VideoClipResult(input, Path.GetFullPath(output), done, sw.Elapsed);
    }

    static RgbImage ToRgb(IPixelImage image) => image switch
    {
        RgbImage { Channels: 3 } rgb => rgb,
        RgbImage gray => ImageTransform.Rgb(gray),
        _ => throw new InvalidOperationException("a video frame translates to an 8-bit image"),
    };
}
