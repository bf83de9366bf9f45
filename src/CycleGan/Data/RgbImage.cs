namespace CycleGan.Data;

/// <summary>
/// A decoded 8-bit image in row-major HWC order: <see cref="Channels"/> is 3 (RGB, what PIL's
/// <c>convert('RGB')</c> gives) or 1 (grayscale, what <c>transforms.Grayscale(1)</c> gives).
/// </summary>
public sealed record RgbImage(int Width, int Height, int Channels, byte[] Pixels)
{
    public static RgbImage Create(int width, int height, int channels = 3) =>
        new(width, height, channels, new byte[checked(width * height * channels)]);

    public byte this[int y, int x, int c]
    {
        get => Pixels[(y * Width + x) * Channels + c];
        set => Pixels[(y * Width + x) * Channels + c] = value;
    }
}
