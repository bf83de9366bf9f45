using CycleGan.Data;

namespace CycleGan.Tests.Data;

public class ImageFileTests
{
    static readonly RefTensors Expected = new(TestPaths.Ref("images", "expected.safetensors"));

    static RgbImage Load(string name) => ImageFile.LoadRgb(TestPaths.Ref("images", name));

    [Theory]
    [InlineData("rgb.png")]
    [InlineData("rgba.png")]
    [InlineData("palette.png")]
    [InlineData("gray8.png")]
    [InlineData("odd_37x23.png")]
    public void Png_decodes_to_exactly_PILs_convert_RGB_bytes(string name)
    {
        var img = Load(name);
        var shape = Expected.Shape(name + "/rgb_u8");
        Assert.Equal([img.Height, img.Width, 3], shape.Select(s => (int)s).ToArray());
        Assert.Equal(Expected.U8(name + "/rgb_u8"), img.Pixels);
    }

    [Theory]
    [InlineData("photo420.jpg")]
    [InlineData("cmyk.jpg")]
    public void Jpeg_decodes_within_2_levels_of_PIL(string name)
    {
        var img = Load(name);
        var exp = Expected.U8(name + "/rgb_u8");
        Assert.Equal(exp.Length, img.Pixels.Length);
        int maxDiff = exp.Select((e, i) => Math.Abs(e - img.Pixels[i])).Max();
        Assert.True(maxDiff <= 2, $"{name}: max difference {maxDiff} levels");
    }

    [Fact]
    public void Gray16_png_keeps_the_high_byte_instead_of_PILs_clip_to_255()
    {
        ushort[] vals = [0, 255, 256, 511, 0x7F80, 0x80FF, 0xFFFF];
        var samples = vals.SelectMany(v => new[] { (byte)(v >> 8), (byte)v }).ToArray();
        var img = ImageFile.DecodeRgb(TestImages.RawPng(vals.Length, 1, 0, 16, samples), "g16.png");
        Assert.Equal(vals.SelectMany(v => Enumerable.Repeat((byte)(v >> 8), 3)), img.Pixels);

        // The reference file: PIL makes 2/3 of it white; the high byte keeps the gradient and stays gray.
        var g = Load("gray16.png");
        for (int i = 0; i < g.Pixels.Length; i += 3) Assert.True(g.Pixels[i] == g.Pixels[i + 1] && g.Pixels[i] == g.Pixels[i + 2]);
        int white = Enumerable.Range(0, g.Width * g.Height).Count(i => g.Pixels[3 * i] == 255);
        Assert.True(white < g.Width * g.Height / 10, $"{white} white pixels");
    }

    [Fact]
    public void Rgb16_png_keeps_the_high_byte_as_PIL_does()
    {
        ushort[] vals = [0x01FF, 0x7F80, 0xFF00, 0x0042, 0x8000, 0x1234];
        var samples = vals.SelectMany(v => new[] { (byte)(v >> 8), (byte)v }).ToArray();
        var img = ImageFile.DecodeRgb(TestImages.RawPng(2, 1, 2, 16, samples), "rgb16.png");
        Assert.Equal(vals.Select(v => (byte)(v >> 8)), img.Pixels);
    }

    [Fact]
    public void Binary_ppm_and_pgm_decode_like_PIL()
    {
        byte[] rgb = [1, 2, 3, 4, 5, 6];
        var p6 = System.Text.Encoding.ASCII.GetBytes("P6\n# comment\n2 1\n255\n").Concat(rgb).ToArray();
        Assert.Equal(rgb, ImageFile.DecodeRgb(p6, "a.ppm").Pixels);
        var p5 = System.Text.Encoding.ASCII.GetBytes("P5 2 1 255 ").Concat(new byte[] { 9, 200 }).ToArray();
        Assert.Equal(new byte[] { 9, 9, 9, 200, 200, 200 }, ImageFile.DecodeRgb(p5, "a.ppm").Pixels);
    }

    [Fact]
    public void Saved_png_decodes_to_the_same_bytes()
    {
        using var dir = TestPaths.NewTempDir("png");
        var img = TestImages.Pattern(13, 7, 5);
        ImageFile.SavePng(img, dir["x.png"]);
        Assert.Equal(img.Pixels, ImageFile.LoadRgb(dir["x.png"]).Pixels);
        var gray = ImageTransform.Grayscale(img);
        ImageFile.SavePng(gray, dir["g.png"]);
        Assert.Equal(gray.Pixels.SelectMany(b => new[] { b, b, b }), ImageFile.LoadRgb(dir["g.png"]).Pixels);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "empty.png", "empty" },
        { "text.png", "not an image" },
        { "truncated.png", "truncated" },
        { "truncated.jpg", "truncated" },
        { "scan.tif", "TIFF" },
        { "missing.png", "does not exist" },
    };

    static void WriteBadFiles(TempDir dir)
    {
        File.WriteAllBytes(dir["empty.png"], []);
        File.WriteAllText(dir["text.png"], "this is not an image at all");
        var png = File.ReadAllBytes(TestPaths.Ref("images", "rgb.png"));
        File.WriteAllBytes(dir["truncated.png"], png[..(png.Length / 2)]);
        var jpg = File.ReadAllBytes(TestPaths.Ref("images", "photo420.jpg"));
        File.WriteAllBytes(dir["truncated.jpg"], jpg[..(jpg.Length * 2 / 3)]);
        File.WriteAllBytes(dir["scan.tif"], [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0]);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Undecodable_file_is_a_user_error_naming_the_path_and_reason(string file, string reason)
    {
        using var dir = TestPaths.NewTempDir("bad");
        WriteBadFiles(dir);
        var e = Assert.Throws<UserError>(() => ImageFile.LoadRgb(dir[file]));
        Assert.Contains(dir[file], e.Message);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Validate_lists_every_bad_file_with_its_reason_and_no_good_one()
    {
        using var dir = TestPaths.NewTempDir("validate");
        WriteBadFiles(dir);
        File.Copy(TestPaths.Ref("images", "rgb.png"), dir["good.png"]);
        File.Copy(TestPaths.Ref("images", "photo420.jpg"), dir["good.jpg"]);
        var files = Directory.GetFiles(dir.Path).Append(dir["missing.png"]).ToList();
        var bad = ImageFile.Validate(files);
        Assert.Equal(new[] { "empty.png", "missing.png", "scan.tif", "text.png", "truncated.jpg", "truncated.png" },
                     bad.Select(b => Path.GetFileName(b.Path)));
        Assert.All(bad, b => Assert.False(string.IsNullOrWhiteSpace(b.Reason)));
        Assert.Contains("truncated", bad.Single(b => b.Path.EndsWith("truncated.jpg")).Reason);
    }
}
