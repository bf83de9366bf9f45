using CycleGan.Data;
using TorchSharp;

namespace CycleGan.Tests.Data;

public class ImageTensorTests
{
    static readonly RefTensors Expected = new(TestPaths.Ref("images", "expected.safetensors"));

    [Theory]
    [InlineData("rgb.png")]
    [InlineData("rgba.png")]
    [InlineData("palette.png")]
    [InlineData("gray8.png")]
    [InlineData("odd_37x23.png")]
    public void ToTensor_is_bit_identical_to_ToTensor_Normalize(string name)
    {
        var img = ImageFile.LoadRgb(TestPaths.Ref("images", name));
        Assert.Equal(Expected.F32(name + "/tensor").Select(BitConverter.SingleToInt32Bits), ImageTensor.ToChw(img).Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData("rgb.png")]
    [InlineData("rgba.png")]
    [InlineData("photo420.jpg")]
    public void Grayscale_tensor_is_bit_identical_to_the_official_grayscale_branch(string name)
    {
        var gray = ImageTransform.Grayscale(ImageFile.LoadRgb(TestPaths.Ref("images", name)));
        var expU8 = Expected.U8(name + "/gray_u8");
        if (name.EndsWith(".jpg"))
        {
            Assert.True(expU8.Select((e, i) => Math.Abs(e - gray.Pixels[i])).Max() <= 2);
            return;
        }
        Assert.Equal(expU8, gray.Pixels);
        Assert.Equal(Expected.F32(name + "/gray_tensor").Select(BitConverter.SingleToInt32Bits), ImageTensor.ToChw(gray).Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void ToTensor_makes_a_CHW_float32_tensor()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var img = ImageFile.LoadRgb(TestPaths.Ref("images", "odd_37x23.png"));
        var t = ImageTensor.ToTensor(img);
        Assert.Equal(new long[] { 3, 23, 37 }, t.shape);
        Assert.Equal(torch.ScalarType.Float32, t.dtype);
        Assert.Equal(Expected.F32("odd_37x23.png/tensor"), t.data<float>().ToArray());
    }

    [Theory]
    [InlineData("rgb")]
    [InlineData("gray")]
    public void TensorToImage_matches_official_tensor2im_exactly(string kind)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var r = new RefTensors(TestPaths.Ref("images", "tensor2im.safetensors"));
        var t = torch.tensor(r.F32(kind + "_input"), r.Shape(kind + "_input"));
        var img = ImageTensor.TensorToImage(t);
        var shape = r.Shape(kind + "_expected_u8");
        Assert.Equal(shape, new long[] { img.Height, img.Width, 3 });
        Assert.Equal(r.U8(kind + "_expected_u8"), img.Pixels);
    }

    [Fact]
    public void TensorToImage_takes_the_first_image_of_a_batch()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var batch = torch.stack([torch.full(3, 2, 2, -1f), torch.full(3, 2, 2, 1f)]);
        Assert.All(ImageTensor.TensorToImage(batch).Pixels, b => Assert.Equal(0, b));
    }
}
