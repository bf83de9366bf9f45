using CycleGan.Data;

namespace CycleGan.Tests.Data;

public class PilResizeTests
{
    static readonly RefTensors Resized = new(TestPaths.Ref("images", "resize.safetensors"));

    [Theory]
    [InlineData("resize_256/odd_37x23.png", "odd_37x23.png", 256, 256)]
    [InlineData("resize_32x32/rgb.png", "rgb.png", 32, 32)]
    [InlineData("make_power_2/odd_37x23.png", "odd_37x23.png", 36, 24)]
    [InlineData("scale_width_32_crop24/rgb.png", "rgb.png", 32, 26)]
    public void Bicubic_matches_PIL_exactly(string key, string source, int width, int height)
    {
        var img = ImageFile.LoadRgb(TestPaths.Ref("images", source));
        var r = PilResize.Bicubic(img, width, height);
        Assert.Equal(Resized.Shape(key), new long[] { height, width, 3 });
        Assert.Equal(Resized.U8(key), r.Pixels);
    }

    [Fact]
    public void Bicubic_on_gray_equals_each_rgb_channel_resized()
    {
        var img = ImageFile.LoadRgb(TestPaths.Ref("images", "rgb.png"));
        var gray = ImageTransform.Grayscale(img);
        var g3 = new RgbImage(img.Width, img.Height, 3, gray.Pixels.SelectMany(b => new[] { b, b, b }).ToArray());
        var a = PilResize.Bicubic(gray, 29, 51);
        var b = PilResize.Bicubic(g3, 29, 51);
        Assert.Equal(Enumerable.Range(0, a.Pixels.Length).Select(i => b.Pixels[3 * i]), a.Pixels);
    }

    [Fact]
    public void Same_size_is_an_unchanged_copy()
    {
        var img = TestImages.Pattern(8, 6);
        var r = PilResize.Bicubic(img, 8, 6);
        Assert.NotSame(img.Pixels, r.Pixels);
        Assert.Equal(img.Pixels, r.Pixels);
    }
}
