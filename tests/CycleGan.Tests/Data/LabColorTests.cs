using CycleGan.Data;

namespace CycleGan.Tests.Data;

/// <summary>
/// The Lab conversion of the colorization dataset and model against scikit-image (0.19.3, the values below were
/// printed by <c>color.rgb2lab</c> / <c>color.lab2rgb</c> on 1×1 images).
/// </summary>
public class LabColorTests
{
    const double Tolerance = 1e-4;

    [Theory]
    [InlineData(255, 255, 255, 100.0, -0.0024549378620508655, 0.004653421154054982)]
    [InlineData(0, 0, 0, 0.0, 0.0, 0.0)]
    [InlineData(255, 0, 0, 53.2405879437449, 80.0923082256922, 67.2027510444287)]
    [InlineData(0, 255, 0, 87.73509948831895, -86.18302974439501, 83.17970317538452)]
    [InlineData(0, 0, 255, 32.29567256501351, 79.18559091176556, -107.85730020669489)]
    [InlineData(128, 128, 128, 53.58501345216902, -0.0014726455530578164, 0.0027914514965754478)]
    [InlineData(10, 200, 30, 70.5001319946117, -70.51383107333548, 64.94083996261953)]
    public void FromRgb_matches_scikit_image_rgb2lab_within_1e4(byte r, byte g, byte b, double l, double a, double bb)
    {
        var lab = LabColor.FromRgb(r, g, b);
        AssertClose((l, a, bb), (lab.L, lab.A, lab.B));
    }

    static void AssertClose((double, double, double) expected, (double, double, double) actual)
    {
        Assert.Equal(expected.Item1, actual.Item1, Tolerance);
        Assert.Equal(expected.Item2, actual.Item2, Tolerance);
        Assert.Equal(expected.Item3, actual.Item3, Tolerance);
    }

    [Theory]
    [InlineData(50, 0, 0, 0.46632823364204595, 0.46632434773601533, 0.46634423289776333)]
    [InlineData(100, 0, 0, 1.0, 0.9999954233438438, 1.0)]
    [InlineData(0, 0, 0, 0.0, 0.0, 0.0)]
    [InlineData(53.2408, 80.0925, 67.2032, 1.0, 2.045523134233725e-06, 0.0)]
    [InlineData(60, -110, 110, 0.0, 0.7024461740586905, 0.0)]
    [InlineData(20, 110, -110, 0.2887829638784726, 0.0, 0.8729383321677648)]
    [InlineData(75, 40, -90, 0.5132639836617643, 0.6619034795540044, 1.0)]
    public void ToRgb_matches_scikit_image_lab2rgb_including_its_clipping(double l, double a, double b, double r, double g, double bb)
    {
        var rgb = LabColor.ToRgb(l, a, b);
        AssertClose((r, g, bb), (rgb.R, rgb.G, rgb.B));
    }

    [Fact]
    public void Dataset_tensors_are_L_over_50_minus_1_and_ab_over_110_and_convert_back_to_the_colours()
    {
        var img = TestImages.Pattern(7, 5, seed: 4);
        var (a, b) = LabColor.ToDatasetTensors(img);
        Assert.Equal(new long[] { 1, 5, 7 }, a.Shape);
        Assert.Equal(new long[] { 2, 5, 7 }, b.Shape);
        var (l0, a0, b0) = LabColor.FromRgb(img.Pixels[0], img.Pixels[1], img.Pixels[2]);
        Assert.Equal((float)l0 / 50f - 1f, a.Data[0]);
        Assert.Equal((float)a0 / 110f, b.Data[0]);
        Assert.Equal((float)b0 / 110f, b.Data[35]);
        // The official visual real_B_rgb: lab2rgb of the float32 tensors, * 255, truncated. It gives the colours back
        // within one level (float32 rounding can push a value just below an integer).
        var back = LabColor.ToImage(a.Data, b.Data, 7, 5);
        for (int i = 0; i < img.Pixels.Length; i++)
            Assert.InRange(img.Pixels[i] - back.Pixels[i], 0, 1);
    }
}
