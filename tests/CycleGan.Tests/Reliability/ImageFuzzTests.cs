using CycleGan.Data;
using CycleGan.Tests.Data;
using Xunit.Abstractions;

namespace CycleGan.Tests.Reliability;

/// <summary>
/// Seeded corruptions of real PNG and JPEG files: each decodes or fails with a <see cref="UserError"/> — never
/// another exception, a hang, a crash or a huge allocation from a lying header. <c>CYCLEGAN_FUZZ_CASES</c> raises
/// the number of cases per file for a longer run (documented in the report of issue 6).
/// </summary>
public class ImageFuzzTests(ITestOutputHelper output)
{
    static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    static int CasesPerFile => int.TryParse(Environment.GetEnvironmentVariable("CYCLEGAN_FUZZ_CASES"), out var n) && n > 0 ? n : 60;

    public static TheoryData<string, int> Files => new()
    {
        { "reference/images/rgb.png", 1 },
        { "reference/images/palette.png", 2 },
        { "reference/images/gray16.png", 3 },
        { "reference/images/rgba.png", 4 },
        { "reference/images/photo420.jpg", 5 },
        { "reference/images/cmyk.jpg", 6 },
        { "datasets/facades/train/1.jpg", 7 },
    };

    /// <summary>Bit flips, truncation, inserted bytes, and size fields overwritten with huge values (the lying header).</summary>
    static byte[] Corrupt(byte[] original, Random rng)
    {
        var b = Mutate(original, rng);
        // libpng rejects any chunk whose CRC is wrong; half the PNG cases get fixed CRCs so the chunk contents are fuzzed.
        if (rng.Next(2) == 0) FixPngCrcs(b);
        return b;
    }

    static void FixPngCrcs(byte[] b)
    {
        if (b.Length < 8 || b[1] != 'P' || b[2] != 'N' || b[3] != 'G') return;
        for (long pos = 8; pos + 12 <= b.Length;)
        {
            long len = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan((int)pos));
            if (pos + 12 + len > b.Length) return;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan((int)(pos + 8 + len)), TestImages.Crc32(b.AsSpan((int)pos + 4, (int)len + 4)));
            pos += 12 + len;
        }
    }

    static byte[] Mutate(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        int Pos(int len) => rng.Next(2) == 0 ? rng.Next(Math.Min(len, 1024)) : rng.Next(len);
        switch (rng.Next(5))
        {
            case 0: return ByteMutations.FlipBits(b, rng, Pos);
            case 1: return ByteMutations.Truncate(b, Pos);
            case 2: return ByteMutations.Insert(b, rng, Pos, maxBytes: 16);
            case 3:
                {
                    var at = Pos(b.Length - 4);
                    for (int i = 0; i < 4; i++) b[at + i] = (byte)(rng.Next(2) == 0 ? 0xFF : rng.Next(256));
                    return b;
                }
            default:
                return SetDimensions(b, rng) ?? b[..Pos(b.Length)];
        }
    }

    /// <summary>Width/height in the PNG IHDR (CRC fixed, so the decoder believes it) or the JPEG SOF set to huge values.</summary>
    static byte[]? SetDimensions(byte[] b, Random rng)
    {
        uint Huge() => (uint)(rng.Next(3) switch { 0 => 65535, 1 => rng.Next(1, 1 << 20), _ => int.MaxValue });
        if (b.Length > 33 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), rng.Next(2) == 0 ? Huge() : (uint)rng.Next(1, 64));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), Huge());
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), TestImages.Crc32(b.AsSpan(12, 17)));
            return b;
        }
        for (int i = 2; i + 9 < b.Length; i++)
            if (b[i] == 0xFF && b[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                b[i + 5] = 0xFF; b[i + 6] = (byte)rng.Next(256);
                if (rng.Next(2) == 0) { b[i + 7] = 0xFF; b[i + 8] = (byte)rng.Next(256); }
                return b;
            }
        return null;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Corrupted_images_decode_or_fail_with_a_user_error(string file, int seed)
    {
        var original = File.ReadAllBytes(Path.Combine(TestPaths.Shared, file));
        var rng = new Random(seed);
        int decoded = 0, rejected = 0;
        var failures = new List<string>();
        for (int i = 0; i < CasesPerFile; i++)
        {
            var bytes = Corrupt(original, rng);
            var name = $"{file}#{i}";
            var work = Task.Run(() => ImageFile.DecodeRgb(bytes, name));
            try
            {
                var img = await work.WaitAsync(PerCase);
                Assert.True(img.Width > 0 && img.Height > 0 && (long)img.Width * img.Height <= ImageFile.MaxPixels);
                decoded++;
            }
            catch (UserError e)
            {
                Assert.StartsWith(name + ": ", e.Message);
                rejected++;
            }
            catch (TimeoutException) { failures.Add($"{name}: no answer within {PerCase.TotalSeconds} s"); }
            catch (Exception e) { failures.Add($"{name}: {e.GetType().Name}: {e.Message}"); }
        }
        output.WriteLine($"{file}: {CasesPerFile} cases, {decoded} decoded, {rejected} rejected with a user error, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void A_header_claiming_a_decompression_bomb_is_rejected_before_allocating()
    {
        var png = File.ReadAllBytes(TestPaths.Ref("images", "rgb.png"));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), TestImages.Crc32(png.AsSpan(12, 17)));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<UserError>(() => ImageFile.DecodeRgb(png, "bomb.png"));
        Assert.Contains("100000x100000", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 1 << 20);
    }
}
