using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Inference;
using CycleGan.Options;
using CycleGan.Video;

namespace CycleGan.Tests.Video;

/// <summary>Tiny clips for the video tests: the synthetic pan encoded by ffmpeg, with audio or a rotation if asked.</summary>
public static class VideoClips
{
    public static FfmpegTool Tool => FfmpegTool.Locate();

    public static string Checkpoint => TestPaths.Ref("legacy_ngf8", "latest_net_G.pth");

    public static TranslateOptions Options(string input = "", string output = "") =>
        new() { Checkpoint = Checkpoint, Ngf = 8, Input = input, Output = output };

    /// <summary>A lossless clip of the synthetic pan at 12 fps; with a sine audio track, a rotation tag, or both.</summary>
    public static IReadOnlyList<RgbImage> Make(string path, int size = 32, int frames = 8, bool audio = false, int rotation = 0)
    {
        var photos = SynthVideo.Render(1, size, frames, PhotoStyle.Day).Photos;
        var info = new VideoInfo("", size, size, 0, "12/1", frames, "rawvideo", null);
        var plain = audio || rotation != 0 ? path + ".plain.mp4" : path;
        using (var w = new VideoWriter(Tool, info, plain, new VideoEncoding(Lossless: true)))
        {
            foreach (var p in photos) w.Write(p);
            w.Finish();
        }
        if (plain == path) return photos;
        var args = new List<string> { "-v", "error", "-y", "-i", plain };
        if (audio) args.AddRange(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=1", "-map", "0:v", "-map", "1:a",
            "-c:a", "aac"]);
        args.AddRange(["-c:v", "copy"]);
        if (rotation != 0) args.AddRange(["-metadata:s:v:0", $"rotate={rotation}"]);
        args.Add(path);
        FfmpegTool.Run(Tool.Ffmpeg, args, "making a test clip");
        File.Delete(plain);
        return photos;
    }

    public static List<RgbImage> Decode(string path)
    {
        using var r = new VideoReader(Tool, VideoProbe.Probe(Tool, path));
        return r.Frames().ToList();
    }

    /// <summary>Each frame through translate's image path, as `translate` does with PNG files.</summary>
    public static List<RgbImage> PerFrame(IEnumerable<RgbImage> frames, TranslateOptions? opt = null)
    {
        using var t = new Translator(opt ?? Options());
        return frames.Select(f => (RgbImage)t.Translate(f)).ToList();
    }
}
