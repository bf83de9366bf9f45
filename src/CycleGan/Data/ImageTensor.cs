using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Data;

/// <summary>Conversions between 8-bit images and the [-1, 1] float tensors the networks see.</summary>
public static class ImageTensor
{
    /// <summary>
    /// ToTensor + Normalize(0.5, 0.5) as CHW float32 data: <c>b / 127.5f - 1f</c>, bit-identical to torchvision's
    /// <c>(b / 255 - 0.5) / 0.5</c> for every byte value.
    /// </summary>
    public static float[] ToChw(RgbImage img)
    {
        int c = img.Channels, hw = img.Width * img.Height;
        var r = new float[c * hw];
        var p = img.Pixels;
        for (int i = 0; i < hw; i++)
            for (int ch = 0; ch < c; ch++)
                r[ch * hw + i] = p[i * c + ch] / 127.5f - 1f;
        return r;
    }

    /// <summary><see cref="ToChw"/> with its shape [C, H, W].</summary>
    public static HostTensor ToHost(RgbImage img) => new(ToChw(img), [img.Channels, img.Height, img.Width]);

    /// <summary>A [C, H, W] float32 CPU tensor in the caller's dispose scope.</summary>
    public static Tensor ToTensor(RgbImage img) => ToHost(img).ToTensor();

    /// <summary>
    /// Official <c>util.tensor2im</c>: the first image of a [N, C, H, W] batch (or a [C, H, W] image), 1 channel tiled
    /// to 3, <c>(x + 1) / 2f * 255f</c> in float32, then truncation toward zero to a byte. Values that would fall
    /// outside 0..255 (tanh output never does) are clamped instead of wrapping as numpy would. With
    /// <paramref name="tileGray"/> false a 1-channel tensor stays a 1-channel image (same values, one plane).
    /// </summary>
    public static RgbImage TensorToImage(Tensor t, bool tileGray = true)
    {
        using var scope = torch.NewDisposeScope();
        var img = t.dim() switch
        {
            4 => t[0],
            3 => t,
            _ => throw new ArgumentException($"expected a [N, C, H, W] or [C, H, W] tensor, got shape [{string.Join(", ", t.shape)}]",
                nameof(t)),
        };
        int c = (int)img.shape[0], h = (int)img.shape[1], w = (int)img.shape[2];
        if (c != 1 && c != 3) throw new ArgumentException($"tensor2im needs 1 or 3 channels, got {c}", nameof(t));
        var data = Floats(img);
        int outC = c == 1 && !tileGray ? 1 : 3;
        var result = RgbImage.Create(w, h, outC);
        int hw = h * w;
        for (int i = 0; i < hw; i++)
            for (int ch = 0; ch < outC; ch++)
            {
                float x = data[(c == 1 ? 0 : ch) * hw + i];
                float v = (x + 1f) / 2f * 255f;
                result.Pixels[i * outC + ch] = v >= 255f ? (byte)255 : v > 0f ? (byte)(int)v : (byte)0;
            }
        return result;
    }

    /// <summary>A 16-bit image as a [C, H, W] float32 tensor in [-1, 1]: <c>v / 32767.5 − 1</c>, the 8-bit mapping at 16 bits.</summary>
    public static Tensor ToTensor(DeepImage img)
    {
        int c = img.Channels, hw = img.Width * img.Height;
        var r = new float[c * hw];
        for (int i = 0; i < hw; i++)
            for (int ch = 0; ch < c; ch++)
                r[ch * hw + i] = (float)(img.Samples[i * c + ch] / 32767.5 - 1.0);
        return new HostTensor(r, [c, img.Height, img.Width]).ToTensor();
    }

    /// <summary>
    /// The first image of a [N, C, H, W] (or a [C, H, W]) tensor at 16 bits: <c>(x + 1) / 2 · 65535</c> rounded to
    /// nearest and clamped (rounding, not tensor2im's truncation, which would bias every sample down by half a level).
    /// </summary>
    public static DeepImage TensorToDeepImage(Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var img = t.dim() == 4 ? t[0] : t;
        int c = (int)img.shape[0], h = (int)img.shape[1], w = (int)img.shape[2];
        var data = Floats(img);
        var result = DeepImage.Create(w, h, c);
        int hw = h * w;
        for (int i = 0; i < hw; i++)
            for (int ch = 0; ch < c; ch++)
                result.Samples[i * c + ch] = (ushort)Math.Clamp(Math.Round((data[ch * hw + i] + 1.0) / 2.0 * 65535.0), 0, 65535);
        return result;
    }

    /// <summary>
    /// The values of a CPU float32 tensor in place, without the managed copy <c>data&lt;float&gt;().ToArray()</c>
    /// makes (hundreds of MB for a large translated photo); valid while the tensor lives in the caller's scope.
    /// </summary>
    static ReadOnlySpan<float> Floats(Tensor img) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(img.detach().cpu().to(ScalarType.Float32).contiguous().bytes);
}
