namespace CycleGan.Data;

/// <summary>
/// CIE Lab as scikit-image's <c>color.rgb2lab</c> / <c>color.lab2rgb</c> compute it, which the official colorization
/// dataset and model call: sRGB companding, the sRGB → XYZ matrix of <c>xyz_from_rgb</c> and its inverse, the D65
/// 2° white point, and scikit-image's piecewise constants (0.008856, 7.787, 0.2068966), all in float64.
/// </summary>
public static class LabColor
{
    static readonly double[,] XyzFromRgb =
    {
        { 0.412453, 0.357580, 0.180423 },
        { 0.212671, 0.715160, 0.072169 },
        { 0.019334, 0.119193, 0.950227 },
    };

    /// <summary><c>linalg.inv(xyz_from_rgb)</c>, as scikit-image derives it.</summary>
    static readonly double[,] RgbFromXyz = Invert(XyzFromRgb);

    /// <summary>The D65 white point for the 2° observer (<c>get_xyz_coords("D65", "2")</c>).</summary>
    static readonly double[] WhiteD65 = [0.95047, 1.0, 1.08883];

    /// <summary><c>rgb2lab</c> of one 8-bit colour (scikit-image first maps uint8 to [0, 1] by /255).</summary>
    public static (double L, double A, double B) FromRgb(byte r, byte g, byte b)
    {
        Span<double> rgb = [Linear(r / 255.0), Linear(g / 255.0), Linear(b / 255.0)];
        Span<double> f = stackalloc double[3];
        for (int i = 0; i < 3; i++)
        {
            double v = (XyzFromRgb[i, 0] * rgb[0] + XyzFromRgb[i, 1] * rgb[1] + XyzFromRgb[i, 2] * rgb[2]) / WhiteD65[i];
            f[i] = v > 0.008856 ? Math.Cbrt(v) : 7.787 * v + 16.0 / 116.0;
        }
        return (116.0 * f[1] - 16.0, 500.0 * (f[0] - f[1]), 200.0 * (f[1] - f[2]));
    }

    /// <summary>
    /// <c>lab2rgb</c> of one colour: sRGB in [0, 1], clipped there as scikit-image does (and, like it, a negative z
    /// from an out-of-gamut b is set to 0 before the cube).
    /// </summary>
    public static (double R, double G, double B) ToRgb(double l, double a, double b)
    {
        double fy = (l + 16.0) / 116.0;
        Span<double> f = [a / 500.0 + fy, fy, Math.Max(0.0, fy - b / 200.0)];
        Span<double> xyz = stackalloc double[3];
        for (int i = 0; i < 3; i++)
            xyz[i] = (f[i] > 0.2068966 ? f[i] * f[i] * f[i] : (f[i] - 16.0 / 116.0) / 7.787) * WhiteD65[i];
        Span<double> rgb = stackalloc double[3];
        for (int i = 0; i < 3; i++)
        {
            double v = RgbFromXyz[i, 0] * xyz[0] + RgbFromXyz[i, 1] * xyz[1] + RgbFromXyz[i, 2] * xyz[2];
            v = v > 0.0031308 ? 1.055 * Math.Pow(v, 1 / 2.4) - 0.055 : v * 12.92;
            rgb[i] = Math.Clamp(v, 0.0, 1.0);
        }
        return (rgb[0], rgb[1], rgb[2]);
    }

    /// <summary>
    /// The official colorization dataset's tensors of an 8-bit RGB image: <c>rgb2lab(im).astype(float32)</c>, then
    /// A = L / 50 − 1 ([1, H, W]) and B = ab / 110 ([2, H, W]), in float32 as there.
    /// </summary>
    public static (HostTensor A, HostTensor B) ToDatasetTensors(RgbImage img)
    {
        if (img.Channels != 3) throw new ArgumentException("colorization needs an RGB image", nameof(img));
        int hw = img.Width * img.Height;
        var a = new float[hw];
        var b = new float[2 * hw];
        var p = img.Pixels;
        for (int i = 0; i < hw; i++)
        {
            var (l, la, lb) = FromRgb(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
            a[i] = (float)l / 50f - 1f;
            b[i] = (float)la / 110f;
            b[hw + i] = (float)lb / 110f;
        }
        return (new HostTensor(a, [1, img.Height, img.Width]), new HostTensor(b, [2, img.Height, img.Width]));
    }

    /// <summary>
    /// The official <c>ColorizationModel.lab2rgb</c> followed by <c>tensor2im</c> of the numpy result: L = (l + 1)·50,
    /// ab = ab·110 in float32, then <c>lab2rgb(...) * 255</c> in float64 cast to uint8 (truncation).
    /// <paramref name="l"/> is [H·W] and <paramref name="ab"/> [2·H·W], as the network's tensors hold them.
    /// </summary>
    public static RgbImage ToImage(ReadOnlySpan<float> l, ReadOnlySpan<float> ab, int width, int height)
    {
        int hw = width * height;
        var img = RgbImage.Create(width, height);
        for (int i = 0; i < hw; i++)
        {
            var (r, g, b) = ToRgb((l[i] + 1f) * 50f, ab[i] * 110f, ab[hw + i] * 110f);
            img.Pixels[3 * i] = (byte)(r * 255);
            img.Pixels[3 * i + 1] = (byte)(g * 255);
            img.Pixels[3 * i + 2] = (byte)(b * 255);
        }
        return img;
    }

    /// <summary>Inverse sRGB companding, scikit-image's <c>_prepare_colorarray</c> + <c>rgb2xyz</c> mask.</summary>
    static double Linear(double c) => c > 0.04045 ? Math.Pow((c + 0.055) / 1.055, 2.4) : c / 12.92;

    static double[,] Invert(double[,] m)
    {
        double det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
                   - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
                   + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var r = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                // Cofactor of (j, i) over the determinant: the adjugate formula.
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                r[i, j] = (m[r0, c0] * m[r1, c1] - m[r0, c1] * m[r1, c0]) / det;
            }
        return r;
    }
}
