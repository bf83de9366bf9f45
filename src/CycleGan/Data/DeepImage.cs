using static TorchSharp.torch;

namespace CycleGan.Data;

/// <summary>
/// A decoded image at up to 16 bits per sample, row-major HWC, <see cref="Channels"/> 1 (gray) or 3 (RGB);
/// <see cref="SourceBits"/> is the file's depth (8 or 16): 8-bit files are widened by ×257, so 255 maps to 65535.
/// </summary>
public sealed record DeepImage(int Width, int Height, int Channels, ushort[] Samples, int SourceBits) : IPixelImage
{
    public static DeepImage Create(int width, int height, int channels, int sourceBits = 16) =>
        new(width, height, channels, new ushort[checked(width * height * channels)], sourceBits);

    /// <summary>An 8-bit image widened to 16 bits (v·257, exact in both directions).</summary>
    public static DeepImage From8(RgbImage img) =>
        new(img.Width, img.Height, img.Channels, Array.ConvertAll(img.Pixels, b => (ushort)(b * 257)), 8);

    /// <summary>The 8-bit image of the high bytes (the exact inverse of <see cref="From8"/>).</summary>
    public RgbImage To8() => new(Width, Height, Channels, Array.ConvertAll(Samples, v => (byte)(v >> 8)));

    IPixelImage IPixelImage.WithChannels(int channels) =>
        channels == Channels ? this : channels == 1 ? ImageTransform.Grayscale(this) : ImageTransform.Rgb(this);

    Tensor IPixelImage.ToTensor(int x, int y, int width, int height) =>
        ImageTensor.ToTensor(ImageTransform.Crop(this, x, y, width, height));

    IPixelImage IPixelImage.FromNetwork(Tensor output) => ImageTensor.TensorToDeepImage(output);

    byte[] IPixelImage.EncodePng() => Png16Codec.Encode(this);
}
