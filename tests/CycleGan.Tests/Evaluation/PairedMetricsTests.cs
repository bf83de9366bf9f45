using CycleGan.Data;
using CycleGan.Evaluation;

namespace CycleGan.Tests.Evaluation;

public class PairedMetricsTests
{
    static RgbImage Noise(int seed, int w = 32, int h = 24)
    {
        var img = RgbImage.Create(w, h);
        new Random(seed).NextBytes(img.Pixels);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(20 + img.Pixels[i] % 200);
        return img;
    }

    [Fact]
    public void Identical_images_give_L1_zero_PSNR_infinity_SSIM_one()
    {
        var a = Noise(1);
        Assert.Equal(0.0, PairedMetrics.L1(a, a));
        Assert.True(double.IsPositiveInfinity(PairedMetrics.Psnr(a, a)));
        Assert.Equal(1.0, PairedMetrics.Ssim(a, a), 12);
    }

    [Fact]
    public void Constant_offset_of_10_levels_gives_the_known_PSNR_and_L1()
    {
        var a = Noise(2);
        var b = a with { Pixels = a.Pixels.Select(v => (byte)(v + 10)).ToArray() };
        // MSE = 100: PSNR = 10 log10(255² / 100) = 28.1308 dB.
        Assert.Equal(10 * Math.Log10(255.0 * 255 / 100), PairedMetrics.Psnr(a, b), 9);
        Assert.Equal(28.1308, PairedMetrics.Psnr(a, b), 4);
        Assert.Equal(10 / 255.0, PairedMetrics.L1(a, b), 12);
    }

    [Fact]
    public void Ssim_of_a_constant_offset_equals_the_luminance_term_only()
    {
        // Flat images: variances are 0, so SSIM = (2·μx·μy + C1) / (μx² + μy² + C1).
        var a = RgbImage.Create(16, 16);
        Array.Fill(a.Pixels, (byte)100);
        var b = a with { Pixels = Enumerable.Repeat((byte)120, a.Pixels.Length).ToArray() };
        double c1 = Math.Pow(0.01 * 255, 2);
        Assert.Equal((2 * 100.0 * 120 + c1) / (100.0 * 100 + 120.0 * 120 + c1), PairedMetrics.Ssim(a, b), 9);
    }

    [Fact]
    public void Ssim_drops_for_unrelated_images()
    {
        Assert.True(PairedMetrics.Ssim(Noise(3), Noise(4)) < 0.2);
    }

    [Fact]
    public void Images_of_different_size_are_a_user_error()
    {
        Assert.Throws<UserError>(() => PairedMetrics.Psnr(Noise(1, 32, 24), Noise(1, 24, 32)));
    }
}
