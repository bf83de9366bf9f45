using CycleGan.Data;

namespace CycleGan.Tests.Data;

public class ImageTransformTests
{
    static RgbImage Rgb48x40 => ImageFile.LoadRgb(TestPaths.Ref("images", "rgb.png"));
    static RgbImage Odd37x23 => ImageFile.LoadRgb(TestPaths.Ref("images", "odd_37x23.png"));

    [Theory]
    [InlineData("resize_and_crop", 64, 32, 48, 40, 32, 32)]
    [InlineData("resize_and_crop", 256, 256, 37, 23, 256, 256)]
    [InlineData("crop", 64, 24, 48, 40, 24, 24)]
    [InlineData("scale_width", 32, 24, 48, 40, 32, 26)]
    [InlineData("scale_width", 32, 30, 48, 40, 32, 30)]
    [InlineData("scale_width", 48, 24, 48, 40, 48, 40)]
    [InlineData("scale_width_and_crop", 32, 24, 48, 40, 24, 24)]
    [InlineData("none", 256, 256, 37, 23, 36, 24)]
    [InlineData("none", 256, 256, 48, 40, 48, 40)]
    public void Preprocess_mode_gives_the_official_output_size(string mode, int load, int crop, int w, int h, int expW, int expH)
    {
        var o = new DataOptions { Preprocess = mode, LoadSize = load, CropSize = crop };
        var img = TestImages.Pattern(w, h);
        var rng = new Rng(1);
        var r = ImageTransform.Apply(img, o, null, false, rng);
        Assert.Equal((expW, expH), (r.Width, r.Height));
        var p = ImageTransform.GetParams(o, w, h, rng);
        var r2 = ImageTransform.Apply(img, o, p, true, rng);
        Assert.Equal((expW, expH, 1), (r2.Width, r2.Height, r2.Channels));
    }

    [Fact]
    public void Scale_width_and_make_power_2_match_PIL_results()
    {
        var rs = new RefTensors(TestPaths.Ref("images", "resize.safetensors"));
        Assert.Equal(rs.U8("scale_width_32_crop24/rgb.png"), ImageTransform.ScaleWidth(Rgb48x40, 32, 24).Pixels);
        Assert.Equal(rs.U8("make_power_2/odd_37x23.png"), ImageTransform.MakePower2(Odd37x23).Pixels);
    }

    [Fact]
    public void Test_time_transform_without_flip_is_the_plain_bicubic_resize()
    {
        var rs = new RefTensors(TestPaths.Ref("images", "resize.safetensors"));
        var o = new DataOptions { Preprocess = "resize_and_crop", LoadSize = 256, CropSize = 256, NoFlip = true };
        Assert.Equal(rs.U8("resize_256/odd_37x23.png"), ImageTransform.Apply(Odd37x23, o, null, false, new Rng(0)).Pixels);
    }

    [Theory]
    [InlineData(10, 10, 8, 8)]   // 2.5 -> 2 (half to even)
    [InlineData(14, 14, 16, 16)] // 3.5 -> 4
    [InlineData(6, 18, 8, 16)]   // 1.5 -> 2, 4.5 -> 4
    public void Make_power_2_rounds_half_to_even(int w, int h, int expW, int expH)
    {
        var r = ImageTransform.MakePower2(TestImages.Pattern(w, h));
        Assert.Equal((expW, expH), (r.Width, r.Height));
    }

    [Fact]
    public void Get_params_draws_the_crop_within_the_resized_size()
    {
        var o = new DataOptions { Preprocess = "scale_width_and_crop", LoadSize = 32, CropSize = 24 };
        var rng = new Rng(3);
        var ps = Enumerable.Range(0, 400).Select(_ => ImageTransform.GetParams(o, 48, 40, rng)).ToList();
        // new_w = 32, new_h = 32 * 40 // 48 = 26: x in 0..8, y in 0..2.
        Assert.Equal(Enumerable.Range(0, 9), ps.Select(p => p.CropX).Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 3), ps.Select(p => p.CropY).Distinct().Order());
        Assert.InRange(ps.Count(p => p.Flip), 150, 250);
    }

    [Fact]
    public void Flip_and_crop_move_pixels_like_PIL()
    {
        var img = TestImages.Pattern(5, 4);
        var f = ImageTransform.FlipLeftRight(img);
        Assert.Equal(img[2, 0, 1], f[2, 4, 1]);
        var c = ImageTransform.Crop(img, 3, 1, 4, 2);
        Assert.Equal(img[1, 3, 0], c[0, 0, 0]);
        Assert.Equal(img[2, 4, 2], c[1, 1, 2]);
        Assert.Equal(0, c[0, 2, 0]); // outside the image: black, as PIL's crop
    }

    [Fact]
    public void Random_crop_smaller_image_is_a_user_error()
    {
        var o = new DataOptions { Preprocess = "crop", CropSize = 64 };
        var e = Assert.Throws<UserError>(() => ImageTransform.Apply(TestImages.Pattern(48, 40), o, null, false, new Rng(0), "x.png"));
        Assert.Contains("x.png", e.Message);
    }
}
