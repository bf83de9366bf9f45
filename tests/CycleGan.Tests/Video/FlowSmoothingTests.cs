using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Evaluation;
using CycleGan.Tests.Cli;
using CycleGan.Video;

namespace CycleGan.Tests.Video;

/// <summary><c>--temporal flow</c> on the synthetic pan, with its exact flow, so only the filter is under test.</summary>
public class FlowSmoothingTests
{
    const int Size = 32, Frames = 10;

    static readonly (IReadOnlyList<RgbImage> Photos, IReadOnlyList<RgbImage> Labels, IReadOnlyList<FlowField> Flows) Clip =
        SynthVideo.Render(2, Size, Frames, PhotoStyle.Day);

    /// <summary>The exact backward flow, found by the frames' index in the clip.</summary>
    static FlowField ExactFlow(RgbImage from, RgbImage to)
    {
        int a = IndexOf(from), b = IndexOf(to);
        return SynthVideo.Flow(SynthVideo.CameraAt(a, Frames), SynthVideo.CameraAt(b, Frames), Size);
    }

    static int IndexOf(RgbImage frame)
    {
        for (int t = 0; t < Clip.Photos.Count; t++) if (ReferenceEquals(Clip.Photos[t], frame)) return t;
        throw new InvalidOperationException("a frame of another clip");
    }

    static List<RgbImage> Translated() => VideoClips.PerFrame(Clip.Photos);

    static List<RgbImage> Smoothed(FlowSmoothing s, IReadOnlyList<RgbImage> outputs) =>
        [.. Clip.Photos.Select((p, t) => s.Next(p, outputs[t]))];

    [Fact]
    public void Carrying_the_previous_frame_along_the_flow_lowers_the_warping_error_of_a_real_generator()
    {
        var outputs = Translated();
        var smoothed = Smoothed(new FlowSmoothing(0.6, ExactFlow), outputs);
        var plain = TemporalConsistency.Score(Clip.Photos, outputs, Clip.Flows, "exact");
        var flow = TemporalConsistency.Score(Clip.Photos, smoothed, Clip.Flows, "exact");
        Assert.True(flow.OutputEwarp < 0.7 * plain.OutputEwarp, $"E_warp {flow.OutputEwarp} against {plain.OutputEwarp} per frame");
        Assert.Equal(outputs[0].Pixels, smoothed[0].Pixels); // nothing to carry into the first frame
    }

    [Fact]
    public void Blend_zero_is_the_per_frame_output()
    {
        var outputs = Translated();
        var smoothed = Smoothed(new FlowSmoothing(0, ExactFlow), outputs);
        for (int t = 0; t < Frames; t++) Assert.Equal(outputs[t].Pixels, smoothed[t].Pixels);
    }

    [Fact]
    public void A_scene_cut_starts_again_from_the_frame_itself()
    {
        var outputs = Translated();
        var other = SynthVideo.Render(9, Size, 2, PhotoStyle.Night).Photos[0];
        var otherOut = VideoClips.PerFrame([other])[0];
        // the cut frame's flow is zero: nothing of the earlier scene matches it
        var s = new FlowSmoothing(0.6, (a, b) => ReferenceEquals(a, other) || ReferenceEquals(b, other)
            ? FlowField.Zero(Size, Size) : ExactFlow(a, b));
        s.Next(Clip.Photos[0], outputs[0]);
        Assert.NotEqual(outputs[1].Pixels, s.Next(Clip.Photos[1], outputs[1]).Pixels);
        Assert.Equal(otherOut.Pixels, s.Next(other, otherOut).Pixels);
        Assert.Equal(1, s.Cuts);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_blend_outside_0_to_1_is_a_user_error(double blend) =>
        Assert.Contains("--temporal_blend", Assert.Throws<UserError>(() => new FlowSmoothing(blend, ExactFlow)).Message);

    [Fact]
    public void Translate_with_temporal_flow_estimates_the_flow_itself_and_flickers_less_than_per_frame()
    {
        using var tmp = TestPaths.NewTempDir("video");
        var photos = VideoClips.Make(tmp["clip.mp4"], size: 32, frames: 10);
        string[] Args(string output, params string[] more) =>
            ["translate", "--checkpoint", VideoClips.Checkpoint, "--ngf", "8", "--input", tmp["clip.mp4"], "--output", output,
                "--lossless", .. more];
        CliRunner.MustSucceed(Args(tmp["none.mp4"]));
        CliRunner.MustSucceed(Args(tmp["flow.mp4"], "--temporal", "flow"));
        var none = VideoClips.Decode(tmp["none.mp4"]);
        var flow = VideoClips.Decode(tmp["flow.mp4"]);
        Assert.Equal(none.Count, flow.Count);
        Assert.Equal(none[0].Pixels, flow[0].Pixels);
        var flows = SynthVideo.Render(1, 32, 10, PhotoStyle.Day).Flows;
        double plain = TemporalConsistency.Score(photos, none, flows, "exact").OutputEwarp;
        double smoothed = TemporalConsistency.Score(photos, flow, flows, "exact").OutputEwarp;
        Assert.True(smoothed < 0.7 * plain, $"E_warp {smoothed} with --temporal flow against {plain}");
    }

    [Fact]
    public void Temporal_flow_on_images_is_refused_with_one_line()
    {
        using var tmp = TestPaths.NewTempDir("video");
        Directory.CreateDirectory(tmp["in"]);
        ImageFile.SavePng(Clip.Photos[0], tmp["in/a.png"]);
        var r = CliRunner.Run(["translate", "--checkpoint", VideoClips.Checkpoint, "--ngf", "8", "--input", tmp["in"],
            "--output", tmp["out"], "--temporal", "flow"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--temporal flow", r.Stderr);
        Assert.False(Directory.Exists(tmp["out"]));
    }
}
