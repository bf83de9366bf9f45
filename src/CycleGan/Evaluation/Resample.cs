using CycleGan.Data;

namespace CycleGan.Evaluation;

/// <summary>Resizing used by the evaluation code (kept here so scores do not move when training transforms change).</summary>
public static class Resample
{
    /// <summary>
    /// Bilinear resize with pixel centres aligned (PyTorch's <c>align_corners=False</c>), without
    /// antialiasing — what the FD/KD features and the segmenter input use.
    /// </summary>
    public static RgbImage Bilinear(RgbImage src, int width, int height)
    {
        if (src.Width == width && src.Height == height) return src;
        int c = src.Channels;
        var dst = RgbImage.Create(width, height, c);
        double sx = (double)src.Width / width, sy = (double)src.Height / height;
        for (int y = 0; y < height; y++)
        {
            double fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, src.Height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, src.Height - 1);
            double wy = fy - y0;
            for (int x = 0; x < width; x++)
            {
                double fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, src.Width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, src.Width - 1);
                double wx = fx - x0;
                for (int k = 0; k < c; k++)
                {
                    double v = (1 - wy) * ((1 - wx) * src[y0, x0, k] + wx * src[y0, x1, k])
                             + wy * ((1 - wx) * src[y1, x0, k] + wx * src[y1, x1, k]);
                    dst[y, x, k] = (byte)Math.Clamp(Math.Round(v), 0, 255);
                }
            }
        }
        return dst;
    }

    /// <summary>Nearest-neighbour resize of a class-index map (labels must not be blended).</summary>
    public static byte[] NearestIndexMap(byte[] map, int width, int height, int newWidth, int newHeight)
    {
        if (width == newWidth && height == newHeight) return map;
        var dst = new byte[newWidth * newHeight];
        for (int y = 0; y < newHeight; y++)
        {
            int sy = Math.Min(height - 1, (int)((y + 0.5) * height / newHeight));
            for (int x = 0; x < newWidth; x++)
            {
                int sx = Math.Min(width - 1, (int)((x + 0.5) * width / newWidth));
                dst[y * newWidth + x] = map[sy * width + sx];
            }
        }
        return dst;
    }
}
