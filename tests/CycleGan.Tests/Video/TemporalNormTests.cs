using CycleGan.Data.Synth;
using CycleGan.Video;

namespace CycleGan.Tests.Video;

public class TemporalNormTests
{
    [Fact]
    public void Norm_with_momentum_0_is_the_per_frame_translation_and_a_momentum_carries_statistics_from_earlier_frames()
    {
        var (photos, _, _) = SynthVideo.Render(3, 32, 8, PhotoStyle.Day);
        var none = VideoClips.PerFrame(photos);
        var zero = VideoClips.PerFrame(photos, VideoClips.Options() with { Temporal = "norm", TemporalMomentum = 0 });
        var diffs = none.Zip(zero, (n, z) => n.Pixels.Zip(z.Pixels, (a, b) => Math.Abs(a - b)).Max()).ToList();
        Assert.True(diffs.Max() <= 1, string.Join(",", diffs));
        var norm = VideoClips.PerFrame(photos, VideoClips.Options() with { Temporal = "norm", TemporalMomentum = 0.9 });
        // The first frame has no past; later frames are normalised with the earlier frames' statistics.
        Assert.Equal(none[0].Pixels, norm[0].Pixels);
        Assert.NotEqual(none[^1].Pixels, norm[^1].Pixels);
    }
}
