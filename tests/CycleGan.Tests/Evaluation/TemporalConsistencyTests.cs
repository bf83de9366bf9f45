using CycleGan.Data;
using CycleGan.Evaluation;
using CycleGan.Video;

namespace CycleGan.Tests.Evaluation;

public class TemporalConsistencyTests
{
    static RgbImage Image(int w, int h, Func<int, int, byte> value)
    {
        var img = RgbImage.Create(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) img[y, x, c] = value(x, y);
        return img;
    }

    [Fact]
    public void A_constant_clip_scores_0()
    {
        var frames = Enumerable.Range(0, 4).Select(_ => Image(8, 8, (_, _) => 90)).ToList();
        var s = TemporalConsistency.Score(frames, frames, Enumerable.Range(0, 3).Select(_ => FlowField.Zero(8, 8)).ToList(), "zero");
        Assert.Equal(0, s.OutputEwarp);
        Assert.Equal(0, s.InputEwarp);
    }

    [Fact]
    public void A_one_pixel_pan_whose_output_stays_put_scores_the_square_of_one_gradient_step()
    {
        // The input moves 1 px left per frame (flow +1: pixel x of frame t is pixel x+1 of frame t+1), so it warps back
        // exactly; the output is the same ramp of 10 levels per pixel every frame, so each valid pixel differs by 10/255.
        const int w = 8;
        var inputs = Enumerable.Range(0, 3).Select(t => Image(w, 4, (x, _) => (byte)(20 * ((x - t + 16) % 8)))).ToList();
        var outputs = Enumerable.Range(0, 3).Select(_ => Image(w, 4, (x, _) => (byte)(10 * x))).ToList();
        var flow = FlowField.Zero(w, 4);
        Array.Fill(flow.U, 1f);
        var s = TemporalConsistency.Score(inputs, outputs, [flow, flow], "shift");
        Assert.Equal(Math.Pow(10 / 255.0, 2), s.OutputEwarp, 9); // frames are warped in float32
        Assert.Equal(0, s.InputEwarp, 12);
        Assert.Equal((w - 1) / (double)w, s.PerPair[0].Valid, 12);
    }

    [Fact]
    public void The_exact_flow_of_the_synthetic_pan_warps_its_frames_onto_each_other()
    {
        var (photos, _, flows) = CycleGan.Video.SynthVideo.Render(2, 32, 4, CycleGan.Data.Synth.PhotoStyle.Day);
        var s = TemporalConsistency.Score(photos, photos, flows, "exact");
        // Flow-free baseline: the same frames compared without warping differ far more.
        var still = TemporalConsistency.Score(photos, photos, flows.Select(f => FlowField.Zero(32, 32)).ToList(), "zero");
        Assert.True(s.InputEwarp < 0.25 * still.InputEwarp, $"{s.InputEwarp} vs {still.InputEwarp}");
    }
}
