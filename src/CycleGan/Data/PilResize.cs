namespace CycleGan.Data;

/// <summary>
/// Pillow 9.4's <c>Image.resize(size, BICUBIC)</c> for 8-bit images, ported from <c>libImaging/Resample.c</c>
/// so that results are byte-identical: separable filter (a = -0.5, support 2, widened by the scale when
/// downscaling), coefficients normalised in double, converted to 22-bit fixed point, horizontal pass first
/// over only the rows the vertical pass reads, rounding by a half added up front and clipping to 0..255.
/// </summary>
public static class PilResize
{
    const int PrecisionBits = 32 - 8 - 2;
    const double BicubicSupport = 2.0;

    /// <summary>Resizes an RGB or gray image to <paramref name="width"/> × <paramref name="height"/> with PIL BICUBIC.</summary>
    public static RgbImage Bicubic(RgbImage img, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"cannot resize to {width}x{height}");
        // Image.resize returns a copy when the size is unchanged (and the box is the whole image).
        if (width == img.Width && height == img.Height) return img with { Pixels = (byte[])img.Pixels.Clone() };

        bool needHorizontal = width != img.Width;
        bool needVertical = height != img.Height;
        var (ksizeH, boundsH, kkH) = PrecomputeCoeffs(img.Width, 0f, img.Width, width);
        var (ksizeV, boundsV, kkV) = PrecomputeCoeffs(img.Height, 0f, img.Height, height);

        int yboxFirst = boundsV[0];
        int yboxLast = boundsV[height * 2 - 2] + boundsV[height * 2 - 1];
        var current = img;
        if (needHorizontal)
        {
            for (int i = 0; i < height; i++) boundsV[i * 2] -= yboxFirst;
            current = ResampleHorizontal(img, width, yboxLast - yboxFirst, yboxFirst, ksizeH, boundsH, kkH);
        }
        if (needVertical)
            current = ResampleVertical(current, height, ksizeV, boundsV, kkV);
        return current;
    }

    static double BicubicFilter(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary><c>precompute_coeffs</c> followed by <c>normalize_coeffs_8bpc</c>.</summary>
    static (int Ksize, int[] Bounds, int[] Kk) PrecomputeCoeffs(int inSize, float in0, float in1, int outSize)
    {
        double scale = (double)(in1 - in0) / outSize;
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = BicubicSupport * filterscale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var kk = new double[outSize * ksize];
        var bounds = new int[outSize * 2];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = in0 + (xx + 0.5) * scale;
            double ww = 0.0;
            double ss = 1.0 / filterscale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            int k = xx * ksize;
            for (int x = 0; x < xmax; x++)
            {
                double w = BicubicFilter((x + xmin - center + 0.5) * ss);
                kk[k + x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
                if (ww != 0.0) kk[k + x] /= ww;
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        var fixedKk = new int[kk.Length];
        for (int i = 0; i < kk.Length; i++)
            fixedKk[i] = kk[i] < 0 ? (int)(-0.5 + kk[i] * (1 << PrecisionBits)) : (int)(0.5 + kk[i] * (1 << PrecisionBits));
        return (ksize, bounds, fixedKk);
    }

    static byte Clip8(int v)
    {
        int s = v >> PrecisionBits;
        return s < 0 ? (byte)0 : s > 255 ? (byte)255 : (byte)s;
    }

    static RgbImage ResampleHorizontal(RgbImage src, int outWidth, int outHeight, int yOffset, int ksize, int[] bounds, int[] kk)
    {
        int c = src.Channels;
        var dst = RgbImage.Create(outWidth, outHeight, c);
        var sp = src.Pixels;
        var dp = dst.Pixels;
        for (int yy = 0; yy < outHeight; yy++)
        {
            int rowIn = (yy + yOffset) * src.Width * c;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1];
                int k = xx * ksize;
                for (int ch = 0; ch < c; ch++)
                {
                    int ss = 1 << (PrecisionBits - 1);
                    for (int x = 0; x < xmax; x++)
                        ss += sp[rowIn + (x + xmin) * c + ch] * kk[k + x];
                    dp[(yy * outWidth + xx) * c + ch] = Clip8(ss);
                }
            }
        }
        return dst;
    }

    static RgbImage ResampleVertical(RgbImage src, int outHeight, int ksize, int[] bounds, int[] kk)
    {
        int c = src.Channels, w = src.Width;
        var dst = RgbImage.Create(w, outHeight, c);
        var sp = src.Pixels;
        var dp = dst.Pixels;
        for (int yy = 0; yy < outHeight; yy++)
        {
            int k = yy * ksize;
            int ymin = bounds[yy * 2], ymax = bounds[yy * 2 + 1];
            for (int xx = 0; xx < w * c; xx++)
            {
                int ss = 1 << (PrecisionBits - 1);
                for (int y = 0; y < ymax; y++)
                    ss += sp[(y + ymin) * w * c + xx] * kk[k + y];
                dp[yy * w * c + xx] = Clip8(ss);
            }
        }
        return dst;
    }
}
