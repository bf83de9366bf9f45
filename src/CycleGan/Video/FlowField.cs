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
}
