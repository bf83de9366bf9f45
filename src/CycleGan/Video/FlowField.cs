using CycleGan.Data;

namespace CycleGan.Video;

/// <summary>
/// Optical flow from one frame to the next: pixel (x, y) of frame t shows what pixel (x + U, y + V) of frame t+1
/// shows. Stored as Middlebury <c>.flo</c> files (the float 202021.25, width, height, then u, v per pixel, row-major).
/// </summary>
public sealed record FlowField(int Width, int Height, float[] U, float[] V)
{
    const float Tag = 202021.25f;

    public static FlowField Zero(int width, int height) => new(width, height, new float[width * height], new float[width * height]);

    public void Save(string path) => AtomicFile.Write(path, s =>
    {
        using var w = new BinaryWriter(s, System.Text.Encoding.ASCII, leaveOpen: true);
        w.Write(Tag);
        w.Write(Width);
        w.Write(Height);
        for (int i = 0; i < U.Length; i++)
        {
            w.Write(U[i]);
            w.Write(V[i]);
        }
    });

    public static FlowField Load(string path)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadSingle() != Tag) throw new UserError($"{path} is not a .flo flow file (no PIEH tag)");
            int w = r.ReadInt32(), h = r.ReadInt32();
            if (w <= 0 || h <= 0 || (long)w * h * 8 + 12 != r.BaseStream.Length)
                throw new UserError($"{path}: a {w}x{h} flow file of the wrong length");
            var f = Zero(w, h);
            for (int i = 0; i < w * h; i++)
            {
                f.U[i] = r.ReadSingle();
                f.V[i] = r.ReadSingle();
            }
            return f;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot read the flow file {path}: {e.Message}", e);
        }
    }

    /// <summary>Bilinear sample of every channel of <paramref name="image"/> at (x, y), clamped to the edge.</summary>
    public static void SampleRgb(RgbImage image, double x, double y, double[] into)
    {
        int w = image.Width, h = image.Height, c = image.Channels;
        x = Math.Clamp(x, 0, w - 1);
        y = Math.Clamp(y, 0, h - 1);
        int x0 = Math.Min((int)x, Math.Max(0, w - 2)), y0 = Math.Min((int)y, Math.Max(0, h - 2));
        int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        double fx = x - x0, fy = y - y0;
        var p = image.Pixels;
        for (int ch = 0; ch < c; ch++)
            into[ch] = (1 - fy) * ((1 - fx) * p[(y0 * w + x0) * c + ch] + fx * p[(y0 * w + x1) * c + ch])
                + fy * ((1 - fx) * p[(y1 * w + x0) * c + ch] + fx * p[(y1 * w + x1) * c + ch]);
    }
}
