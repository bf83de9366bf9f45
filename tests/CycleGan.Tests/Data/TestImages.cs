using System.Buffers.Binary;
using System.IO.Compression;
using CycleGan.Data;

namespace CycleGan.Tests.Data;

/// <summary>Images made at test time: raw PNG writing (for bit depths Skia's encoder does not write) and small fixtures.</summary>
public static class TestImages
{
    /// <summary>A PNG with the given colour type (0 gray, 2 RGB) and bit depth; samples are big-endian rows without the filter byte.</summary>
    public static byte[] RawPng(int width, int height, int colorType, int bitDepth, byte[] samples)
    {
        using var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth; ihdr[9] = (byte)colorType;
        Chunk(ms, "IHDR", ihdr);
        int rowBytes = samples.Length / height;
        using (var z = new MemoryStream())
        {
            using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true))
                for (int y = 0; y < height; y++) { zs.WriteByte(0); zs.Write(samples, y * rowBytes, rowBytes); }
            Chunk(ms, "IDAT", z.ToArray());
        }
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var buf = new byte[8 + data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        for (int i = 0; i < 4; i++) buf[4 + i] = (byte)type[i];
        data.CopyTo(buf, 8);
        BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(8 + data.Length), Crc32(buf.AsSpan(4, 4 + data.Length)));
        s.Write(buf);
    }

    /// <summary>The CRC-32 PNG chunks and zip entries carry (IEEE 802.3).</summary>
    public static uint Crc32(ReadOnlySpan<byte> d)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in d)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    /// <summary>A deterministic RGB test pattern.</summary>
    public static RgbImage Pattern(int width, int height, int seed = 0)
    {
        var img = RgbImage.Create(width, height);
        var r = new Random(seed);
        r.NextBytes(img.Pixels);
        return img;
    }

    public static void WritePng(string path, RgbImage img)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ImageFile.EncodePng(img));
    }
}
