using CycleGan.Data;
using CycleGan.Evaluation;
using SkiaSharp;

namespace CycleGan.Tests.Evaluation;

public class PaletteTests
{
    static string FacadesPalette => Path.Combine(TestPaths.Shared, "datasets", "facades", "palette.pix2pix.json");

    [Fact]
    public void Facades_palette_file_loads_with_its_12_classes_in_id_order()
    {
        var p = Palette.Load(FacadesPalette);
        Assert.Equal(12, p.Count);
        Assert.Equal(new PaletteClass("background", 0, 0, 222), p.Classes[0]);
        Assert.Equal(new PaletteClass("shop", 174, 0, 1), p.Classes[11]);
    }

    [Fact]
    public void Nearest_maps_a_shifted_colour_to_the_closest_class_by_euclidean_rgb()
    {
        var p = Palette.Load(FacadesPalette);
        Assert.Equal(0, p.Nearest(10, 12, 210));   // near background (0,0,222)
        Assert.Equal(1, p.Nearest(5, 40, 250));    // near facade (0,48,255)
        Assert.Equal(10, p.Nearest(240, 10, 10));  // near pillar (254,0,0)
        Assert.Equal(11, p.Nearest(180, 5, 5));    // near shop (174,0,1)
    }

    [Fact]
    public void Jpeg_blurred_label_colours_map_back_to_their_classes()
    {
        var p = Palette.Load(FacadesPalette);
        // 64x64 map of 16x16 blocks cycling through all classes, JPEG-compressed with 4:2:0 chroma like facades.
        const int n = 64;
        var truth = new byte[n * n];
        for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) truth[y * n + x] = (byte)((y / 16 * 4 + x / 16) % p.Count);
        var img = p.Colorize(truth, n, n);
        var decoded = ImageFile.DecodeRgb(EncodeJpeg(img, 75), "test.jpg");
        Assert.NotEqual(img.Pixels, decoded.Pixels);
        var mapped = p.ToIndexMap(decoded);
        // Block interiors (2 px away from every block edge) must all be right; edges may blur.
        int interiorWrong = 0, wrong = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                if (mapped[y * n + x] == truth[y * n + x]) continue;
                wrong++;
                if (y % 16 is >= 2 and < 14 && x % 16 is >= 2 and < 14) interiorWrong++;
            }
        Assert.Equal(0, interiorWrong);
        Assert.True(wrong < n * n / 10, $"{wrong} of {n * n} pixels mapped wrongly");
    }

    [Fact]
    public void Malformed_palette_is_a_user_error_naming_the_file()
    {
        using var tmp = TestPaths.NewTempDir("pal");
        File.WriteAllText(tmp["p.json"], "{\"classes\": [{\"name\": \"a\", \"rgb\": [1, 2]}]}");
        var e = Assert.Throws<UserError>(() => Palette.Load(tmp["p.json"]));
        Assert.Contains("p.json", e.Message);
    }

    static byte[] EncodeJpeg(RgbImage img, int quality)
    {
        var info = new SKImageInfo(img.Width, img.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bmp = new SKBitmap(info);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < img.Width; x++)
                bmp.SetPixel(x, y, new SKColor(img[y, x, 0], img[y, x, 1], img[y, x, 2]));
        using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
