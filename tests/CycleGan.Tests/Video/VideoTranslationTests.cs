using CycleGan.Data;
using CycleGan.Tests.Cli;
using CycleGan.Video;

namespace CycleGan.Tests.Video;

public class VideoTranslationTests
{
    static string[] Translate(string input, string output, params string[] more) =>
        ["translate", "--checkpoint", VideoClips.Checkpoint, "--ngf", "8", "--input", input, "--output", output, .. more];

    [Fact]
    public void A_lossless_translation_keeps_fps_frames_size_and_audio_and_equals_translating_each_frame()
    {
        using var tmp = TestPaths.NewTempDir("video");
        VideoClips.Make(tmp["clip.mp4"], audio: true);
        CliRunner.MustSucceed(Translate(tmp["clip.mp4"], tmp["out.mp4"], "--lossless", "--frames_dir", tmp["frames"]));
        var info = VideoProbe.Probe(VideoClips.Tool, tmp["out.mp4"]);
        Assert.Equal((32, 32, "12/1", 8L, "aac"), (info.Width, info.Height, info.FrameRate, info.Frames, info.AudioCodec));
        var expected = VideoClips.PerFrame(VideoClips.Decode(tmp["clip.mp4"]));
        var got = VideoClips.Decode(tmp["out.mp4"]);
        Assert.Equal(expected.Count, got.Count);
        for (int i = 0; i < got.Count; i++)
        {
            Assert.Equal(expected[i].Pixels, got[i].Pixels);
            Assert.Equal(expected[i].Pixels, ImageFile.LoadRgb(tmp[$"frames/clip/{i + 1:D6}.png"]).Pixels);
        }
        Assert.Empty(Directory.GetFiles(tmp.Path, ".*partial*"));
    }

    [Fact]
    public void The_default_h264_output_is_yuv420p_within_the_codec_loss_of_each_frame()
    {
        using var tmp = TestPaths.NewTempDir("video");
        VideoClips.Make(tmp["clip.mp4"]);
        CliRunner.MustSucceed(Translate(tmp["clip.mp4"], tmp["out"]));
        var expected = VideoClips.PerFrame(VideoClips.Decode(tmp["clip.mp4"]));
        var got = VideoClips.Decode(tmp["out/clip.mp4"]);
        Assert.Equal(expected.Count, got.Count);
        double mae = got.Zip(expected).Average(p => p.First.Pixels.Zip(p.Second.Pixels, (a, b) => Math.Abs(a - b)).Average(x => x));
        // yuv420p halves the chroma resolution: at 32 px that alone costs about 17 of 255 on average
        Assert.True(mae is > 0 and < 24, $"mean absolute difference {mae} of 255");
    }

    [Fact]
    public void A_rotated_video_is_translated_upright_and_keeps_its_rotation()
    {
        using var tmp = TestPaths.NewTempDir("video");
        VideoClips.Make(tmp["rot.mp4"], rotation: 90);
        var upright = VideoClips.Decode(tmp["rot.mp4"]);
        CliRunner.MustSucceed(Translate(tmp["rot.mp4"], tmp["out.mp4"], "--lossless"));
        Assert.Equal(90, VideoProbe.Probe(VideoClips.Tool, tmp["out.mp4"]).Rotation);
        var expected = VideoClips.PerFrame(upright);
        var got = VideoClips.Decode(tmp["out.mp4"]);
        for (int i = 0; i < got.Count; i++) Assert.Equal(expected[i].Pixels, got[i].Pixels);
    }

    [Fact]
    public void Bad_videos_of_a_folder_fail_alone_with_one_line_each_and_leave_no_output()
    {
        using var tmp = TestPaths.NewTempDir("video");
        Directory.CreateDirectory(tmp["in"]);
        VideoClips.Make(tmp["in/good.mp4"], frames: 4);
        File.WriteAllText(tmp["in/text.mp4"], "not a video");
        var bytes = File.ReadAllBytes(tmp["in/good.mp4"]);
        File.WriteAllBytes(tmp["in/truncated.mp4"], bytes[..(bytes.Length / 2)]);
        FfmpegTool.Run(VideoClips.Tool.Ffmpeg, ["-v", "error", "-f", "lavfi", "-i", "sine=duration=0.5", "-c:a", "aac",
            tmp["in/sound.mp4"]], "making an audio-only file");
        var r = CliRunner.Run(Translate(tmp["in"], tmp["out"]));
        Assert.Equal(2, r.ExitCode);
        Assert.True(File.Exists(tmp["out/good.mp4"]));
        Assert.Equal(["good.mp4"], Directory.GetFileSystemEntries(tmp["out"]).Select(Path.GetFileName));
        var lines = r.Stdout.Split('\n').Where(l => l.StartsWith("cannot translate", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Contains(lines, l => l.Contains("text.mp4") && l.Contains("not a readable video"));
        Assert.Contains(lines, l => l.Contains("truncated.mp4"));
        Assert.Contains(lines, l => l.Contains("sound.mp4") && l.Contains("no video stream"));
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_missing_ffmpeg_is_one_line_that_says_how_to_install_it()
    {
        using var tmp = TestPaths.NewTempDir("video");
        File.WriteAllText(tmp["clip.mp4"], "");
        var e = Assert.Throws<UserError>(() => VideoTranslation.Run(VideoClips.Options(tmp["clip.mp4"], tmp["out.mp4"]),
            new FfmpegTool("/nonexistent/ffmpeg", "/nonexistent/ffprobe")));
        Assert.Contains("apt-get install -y ffmpeg", e.Message);
        Assert.False(File.Exists(tmp["out.mp4"]));
    }
}
