using System.Buffers.Binary;
using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Data;

/// <summary>Images as users have them: 16-bit PNG, TIFF, gray output, EXIF orientation.</summary>
public class ImageDepthTests
{
    static DeepImage Deep(int w, int h, int c, int seed)
    {
        var img = DeepImage.Create(w, h, c);
        var r = new Random(seed);
        for (int i = 0; i < img.Samples.Length; i++) img.Samples[i] = (ushort)r.Next(65536);
        return img;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Png16_round_trips_every_bit_and_loads_elsewhere_as_its_high_byte(int channels)
    {
        using var tmp = TestPaths.NewTempDir("png16");
        var img = Deep(7, 5, channels, 1);
        ImageFile.SavePng16(img, tmp["x.png"]);
        var back = ImageFile.LoadDeep(tmp["x.png"], applyOrientation: false);
        Assert.Equal((7, 5, channels, 16), (back.Width, back.Height, back.Channels, back.SourceBits));
        Assert.Equal(img.Samples, back.Samples);
        var rgb = ImageFile.LoadRgb(tmp["x.png"]);
        Assert.Equal(Enumerable.Range(0, 35 * 3).Select(i => (byte)(img.Samples[i / 3 * channels + (channels == 1 ? 0 : i % 3)] >> 8)), rgb.Pixels);
    }

    [Fact]
    public void Png16_written_by_PIL_with_row_filters_decodes_to_the_samples_Skia_reduces_to_8_bits()
    {
        // gray16.png uses the Sub, Up and Paeth filters; Skia's 8-bit decode keeps the high byte of each sample.
        var path = TestPaths.Ref("images", "gray16.png");
        var deep = ImageFile.LoadDeep(path, applyOrientation: false);
        Assert.Equal((48, 40, 1, 16), (deep.Width, deep.Height, deep.Channels, deep.SourceBits));
        Assert.Equal(ImageFile.LoadRgb(path).Pixels.Where((_, i) => i % 3 == 0), deep.To8().Pixels);
        Assert.True(deep.Samples.Count(v => (v & 0xFF) != 0) > 100, "the low bytes carry information");
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(3, 8)]
    [InlineData(1, 16)]
    [InlineData(3, 16)]
    public void Tiff_gray_and_rgb_at_8_and_16_bits_round_trip_and_load_like_png(int channels, int bits)
    {
        using var tmp = TestPaths.NewTempDir("tiff");
        var img = Deep(9, 6, channels, 2);
        if (bits == 8) img = DeepImage.From8(img.To8());
        if (bits == 8) ImageFile.Save(img.To8(), tmp["x.tif"]);
        else File.WriteAllBytes(tmp["x.tif"], ImageFile.EncodeTiff16(img));
        var back = ImageFile.LoadDeep(tmp["x.tif"], applyOrientation: false);
        Assert.Equal((9, 6, channels, bits), (back.Width, back.Height, back.Channels, back.SourceBits));
        Assert.Equal(img.Samples, back.Samples);
        var rgb = ImageFile.LoadRgb(tmp["x.tif"]);
        Assert.Equal(3, rgb.Channels);
        Assert.Equal(img.To8()[0, 0, 0], rgb[0, 0, 0]);
        Assert.Equal(img.To8().Pixels[^1], rgb.Pixels[^1]);
        Assert.Empty(ImageFile.Validate([tmp["x.tif"]]));
    }

    [Fact]
    public void Tiff_header_claiming_far_more_pixels_than_the_file_holds_is_refused_before_allocating()
    {
        using var tmp = TestPaths.NewTempDir("tiff-bomb");
        (ushort Tag, ushort Type, int Value)[] entries =
        [
            (256, 4, 10000), (257, 4, 10000), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 8), (277, 3, 1), (278, 4, 10000), (279, 4, 16),
        ];
        var b = new byte[8 + 2 + 12 * entries.Length + 4];
        "II*\0"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(4), 8);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(8), (short)entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            var e = b.AsSpan(10 + 12 * i);
            BinaryPrimitives.WriteUInt16LittleEndian(e, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(e[2..], entries[i].Type);
            BinaryPrimitives.WriteInt32LittleEndian(e[4..], 1);
            BinaryPrimitives.WriteInt32LittleEndian(e[8..], entries[i].Value);
        }
        File.WriteAllBytes(tmp["bomb.tif"], b);
        var e1 = Assert.Throws<UserError>(() => ImageFile.LoadRgb(tmp["bomb.tif"]));
        Assert.Contains("claims 10000x10000 pixels", e1.Message);
    }

    [Fact]
    public void Orient_matches_PIL_exif_transpose_for_all_eight_orientations()
    {
        var img = new RgbImage(3, 2, 1, [0, 1, 2, 3, 4, 5]);
        // ImageOps.exif_transpose (Pillow 9.4) of this 3x2 image with orientation 1..8, row by row.
        byte[][] expected =
        [
            [0, 1, 2, 3, 4, 5], [2, 1, 0, 5, 4, 3], [5, 4, 3, 2, 1, 0], [3, 4, 5, 0, 1, 2],
            [0, 3, 1, 4, 2, 5], [3, 0, 4, 1, 5, 2], [5, 2, 4, 1, 3, 0], [2, 5, 1, 4, 0, 3],
        ];
        for (int o = 1; o <= 8; o++)
        {
            var r = ImageTransform.Orient(img, o);
            Assert.Equal(o >= 5 ? (2, 3) : (3, 2), (r.Width, r.Height));
            Assert.Equal(expected[o - 1], r.Pixels);
        }
    }

    /// <summary>A JPEG of <paramref name="img"/> with an EXIF APP1 segment holding only the orientation tag.</summary>
    static byte[] JpegWithOrientation(RgbImage img, ushort orientation)
    {
        using var tmp = TestPaths.NewTempDir("jpeg");
        ImageFile.Save(img, tmp["x.jpg"]);
        var jpeg = File.ReadAllBytes(tmp["x.jpg"]);
        var tiff = new byte[8 + 2 + 12 + 4];
        "MM\0*"u8.CopyTo(tiff);
        BinaryPrimitives.WriteInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), orientation);
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var app1 = new byte[4 + payload.Length];
        app1[0] = 0xFF; app1[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(app1.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(app1, 4);
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    [Fact]
    public void Exif_orientation_is_applied_only_when_asked_as_official_training_ignores_it()
    {
        using var tmp = TestPaths.NewTempDir("exif");
        File.WriteAllBytes(tmp["r.jpg"], JpegWithOrientation(TestImages.Pattern(16, 8, 3), 6));
        var stored = ImageFile.LoadRgb(tmp["r.jpg"]);
        Assert.Equal((16, 8), (stored.Width, stored.Height));
        var upright = ImageFile.LoadRgb(tmp["r.jpg"], applyOrientation: true);
        Assert.Equal((8, 16), (upright.Width, upright.Height));
        Assert.Equal(ImageTransform.Orient(stored, 6).Pixels, upright.Pixels);
        Assert.Equal(upright.Pixels, ImageFile.LoadDeep(tmp["r.jpg"], applyOrientation: true).To8().Pixels);
    }

    static string Generator(TempDir tmp, int inputNc, int outputNc)
    {
        TorchRuntime.EnsureLoaded();
        using var g = NetworkRegistry.CreateGenerator(new NetworkSpec { InputNc = inputNc, OutputNc = outputNc, Ngf = 4, NetG = "resnet_6blocks" });
        var path = tmp["g.pth"];
        PthFile.Write(path, ModuleState.Ordered(g));
        return path;
    }

    [Fact]
    public void Translate_keep_depth_writes_16_bit_png_for_16_bit_input_close_to_the_8_bit_result()
    {
        using var tmp = TestPaths.NewTempDir("keepdepth");
        Directory.CreateDirectory(tmp["in"]);
        var img8 = TestImages.Pattern(20, 12, 5);
        ImageFile.SavePng16(DeepImage.From8(img8), tmp["in/x.png"]);
        var g = Generator(tmp, 3, 3);
        string[] common = ["translate", "--checkpoint", g, "--ngf", "4", "--netG", "resnet_6blocks", "--input", tmp["in"]];
        CliRunner.MustSucceed([.. common, "--output", tmp["out8"]]);
        CliRunner.MustSucceed([.. common, "--output", tmp["out16"], "--keep_depth"]);
        Assert.Equal(8, File.ReadAllBytes(tmp["out8/x.png"])[24]);
        Assert.Equal(16, File.ReadAllBytes(tmp["out16/x.png"])[24]);
        var deep = ImageFile.LoadDeep(tmp["out16/x.png"], applyOrientation: false);
        var eight = ImageFile.LoadRgb(tmp["out8/x.png"]);
        // The same network on the same values: 8-bit is tensor2im's truncation of what 16 bits keep.
        Assert.All(deep.Samples.Zip(eight.Pixels), p => Assert.InRange(p.First / 257.0 - p.Second, -0.01, 1.01));
    }

    [Fact]
    public void Translate_with_one_output_channel_writes_a_gray_png_upright_by_exif()
    {
        using var tmp = TestPaths.NewTempDir("gray-out");
        Directory.CreateDirectory(tmp["in"]);
        File.WriteAllBytes(tmp["in/p.jpg"], JpegWithOrientation(TestImages.Pattern(16, 8, 3), 8));
        var g = Generator(tmp, 1, 1);
        CliRunner.MustSucceed("translate", "--checkpoint", g, "--ngf", "4", "--netG", "resnet_6blocks", "--input_nc", "1",
            "--output_nc", "1", "--input", tmp["in"], "--output", tmp["out"]);
        var png = File.ReadAllBytes(tmp["out/p.png"]);
        Assert.Equal(0, png[25]);
        Assert.Equal((8, 16), (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20))));
    }
}
