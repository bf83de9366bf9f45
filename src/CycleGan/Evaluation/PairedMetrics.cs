using CycleGan.Data;

namespace CycleGan.Evaluation;

/// <summary>
/// Full-reference metrics for aligned pairs, on 8-bit RGB with peak value 255:
/// L1 = mean |a − b| / 255 (0..1); PSNR = 10 log10(255² / MSE) dB (∞ for identical images);
/// SSIM as Wang et al. 2004: 11×11 Gaussian window σ = 1.5, K1 = 0.01, K2 = 0.03, 'valid' windows only,
/// computed per channel and averaged.
/// </summary>
public static class PairedMetrics
{
    public static double L1(RgbImage a, RgbImage b)
    {
        CheckSameSize(a, b);
        long s = 0;
        for (int i = 0; i < a.Pixels.Length; i++) s += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return s / 255.0 / a.Pixels.Length;
    }

    public static double Psnr(RgbImage a, RgbImage b)
    {
        CheckSameSize(a, b);
        double se = 0;
        for (int i = 0; i < a.Pixels.Length; i++) { double d = a.Pixels[i] - b.Pixels[i]; se += d * d; }
        var mse = se / a.Pixels.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    const int Window = 11;
    const double Sigma = 1.5;

    public static double Ssim(RgbImage a, RgbImage b)
    {
        CheckSameSize(a, b);
        if (a.Width < Window || a.Height < Window) throw new UserError($"SSIM needs images of at least {Window}×{Window} " +
            $"px, got {a.Width}×{a.Height}");
        var w = GaussianWindow();
        const double c1 = 0.01 * 255 * 0.01 * 255, c2 = 0.03 * 255 * 0.03 * 255;
        int ch = a.Channels, ow = a.Width - Window + 1, oh = a.Height - Window + 1;
        double total = 0;
        for (int c = 0; c < ch; c++)
        {
            double sum = 0;
            for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int dy = 0; dy < Window; dy++)
                for (int dx = 0; dx < Window; dx++)
                {
                    double wt = w[dy * Window + dx];
                    double p = a[y + dy, x + dx, c], q = b[y + dy, x + dx, c];
                    mx += wt * p; my += wt * q; xx += wt * p * p; yy += wt * q * q; xy += wt * p * q;
                }
                double vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
                sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
            }
            total += sum / (ow * oh);
        }
        return total / ch;
    }

    static double[] GaussianWindow()
    {
        var g = new double[Window];
        for (int i = 0; i < Window; i++) { double d = i - Window / 2; g[i] = Math.Exp(-d * d / (2 * Sigma * Sigma)); }
        var s = g.Sum();
        var w = new double[Window * Window];
        for (int y = 0; y < Window; y++) for (int x = 0; x < Window; x++) w[y * Window + x] = g[y] * g[x] / (s * s);
        return w;
    }

    static void CheckSameSize(RgbImage a, RgbImage b)
    {
        if (a.Width != b.Width || a.Height != b.Height || a.Channels != b.Channels)
            throw new UserError($"paired images differ in size: {a.Width}×{a.Height}×{a.Channels} " +
                $"vs {b.Width}×{b.Height}×{b.Channels}");
    }
}
