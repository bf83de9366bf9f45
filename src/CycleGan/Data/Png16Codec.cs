using System.Buffers.Binary;
using System.IO.Compression;

namespace CycleGan.Data;

/// <summary>
/// 16-bit PNG at full depth, which Skia decodes only to 8 bits or half floats and cannot encode as gray: chunks,
/// zlib and PNG's row filters, nothing else (no colour management, as PIL does none).
/// </summary>
static class Png16Codec
{
    /// <summary>A PNG whose IHDR says 16 bits per sample.</summary>
    public static bool IsPng16(byte[] d) =>
        d.Length > 28 && d[0] == 137 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G' && d[24] == 16;

    /// <summary>
    /// A non-interlaced 16-bit PNG, every bit kept, gray (colour types 0, 4) as 1 channel, alpha dropped; null with an
    /// empty reason for an interlaced one (left to the 8-bit decoder), null with the reason for a bad one.
    /// </summary>
    public static DeepImage? Decode(byte[] data, out string reason)
    {
        reason = "";
        if (data[28] != 0) return null;
        int w = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(16)), h = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(20));
        int colorType = data[25];
        bool gray = colorType is 0 or 4;
        if (w <= 0 || h <= 0) { reason = "image has no pixels"; return null; }
        if (ImageFile.TooLarge(w, h, out reason) || ImageFile.Implausible(w, h, data.Length, out reason)) return null;
        int samples = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
        if (samples == 0) { reason = $"unsupported PNG colour type {colorType} at 16 bits"; return null; }
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 12 <= data.Length;)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos));
            if (len < 0 || pos + 12L + len > data.Length) { reason = "truncated image file (PNG chunk)"; return null; }
            var type = System.Text.Encoding.ASCII.GetString(data, pos + 4, 4);
            if (type == "IDAT") idat.Write(data, pos + 8, len);
            if (type == "IEND") break;
            pos += 12 + len;
        }
        int bpp = 2 * samples, stride = w * bpp;
        var raw = new byte[checked((long)(stride + 1) * h)];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            try { z.ReadExactly(raw); }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
            {
                reason = "truncated or corrupt image file (PNG data)";
                return null;
            }
        }
        var cur = new byte[stride];
        var prev = new byte[stride];
        int c = gray ? 1 : 3;
        var img = DeepImage.Create(w, h, c);
        for (int y = 0; y < h; y++)
        {
            int filter = raw[y * (stride + 1)];
            if (filter > 4) { reason = $"corrupt image data (PNG filter {filter})"; return null; }
            Array.Copy(raw, y * (stride + 1) + 1, cur, 0, stride);
            Unfilter(filter, cur, prev, bpp);
            for (int x = 0; x < w; x++)
                for (int k = 0; k < c; k++)
                    img.Samples[(y * w + x) * c + k] = BinaryPrimitives.ReadUInt16BigEndian(cur.AsSpan(x * bpp + 2 * k));
            (cur, prev) = (prev, cur);
        }
        return img;
    }

    /// <summary>PNG's five row filters (None, Sub, Up, Average, Paeth), undone in place.</summary>
    static void Unfilter(int filter, byte[] cur, byte[] prev, int bpp)
    {
        for (int i = 0; i < cur.Length; i++)
        {
            int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], cc = i >= bpp ? prev[i - bpp] : 0;
            int p = a + b - cc, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - cc);
            cur[i] += (byte)(filter switch
            {
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : cc,
                _ => 0,
            });
        }
    }

    /// <summary>
    /// PNG bytes of a 16-bit RGB or gray image (colour type 2 or 0, bit depth 16, no filter), written here because
    /// Skia's encoder has no 16-bit gray.
    /// </summary>
    public static byte[] Encode(DeepImage img)
    {
        using var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, img.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), img.Height);
        ihdr[8] = 16;
        ihdr[9] = (byte)(img.Channels == 1 ? 0 : 2);
        PngChunk(ms, "IHDR", ihdr);
        int n = img.Width * img.Channels;
        var row = new byte[1 + 2 * n];
        using (var z = new MemoryStream())
        {
            using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true))
                for (int y = 0; y < img.Height; y++)
                {
                    for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(1 + 2 * i), img.Samples[y * n + i]);
                    zs.Write(row);
                }
            PngChunk(ms, "IDAT", z.ToArray());
        }
        PngChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    static void PngChunk(Stream s, string type, byte[] data)
    {
        var buf = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        for (int i = 0; i < 4; i++) buf[4 + i] = (byte)type[i];
        data.CopyTo(buf, 8);
        BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(8 + data.Length), Checkpoints.Crc32.Compute(buf.AsSpan(4, 4 + data.Length)));
        s.Write(buf);
    }
}
