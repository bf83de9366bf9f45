using static TorchSharp.torch;

namespace CycleGan.Data;

/// <summary>
/// A decoded 8-bit image in row-major HWC order: <see cref="Channels"/> is 3 (RGB, what PIL's
/// <c>convert('RGB')</c> gives) or 1 (grayscale, what <c>transforms.Grayscale(1)</c> gives).
/// </summary>
public sealed record RgbImage(int Width, int Height, int Channels, byte[] Pixels) : IPixelImage
{
    public static RgbImage Create(int width, int height, int channels = 3) =>
        new(width, height, channels, new byte[checked(width * height * channels)]);

    public byte this[int y, int x, int c]
    {
        get => Pixels[(y * Width + x) * Channels + c];
        set => Pixels[(y * Width + x) * Channels + c] = value;
    }

    IPixelImage IPixelImage.WithChannels(int channels) =>
        channels == Channels ? this : channels == 1 ? ImageTransform.Grayscale(this) : ImageTransform.Rgb(this);

    Tensor IPixelImage.ToTensor(int x, int y, int width, int height) =>
        ImageTensor.ToTensor(ImageTransform.Crop(this, x, y, width, height));

    IPixelImage IPixelImage.FromNetwork(Tensor output) => ImageTensor.TensorToImage(output, tileGray: false);

    byte[] IPixelImage.EncodePng() => ImageFile.EncodePng(this);
}
