using static TorchSharp.torch;

namespace CycleGan.Data;

/// <summary>
/// A decoded image at its own depth — <see cref="RgbImage"/> (8 bits) or <see cref="DeepImage"/> (16 bits) — with what
/// translation does to it, so one path serves both depths: each keeps its own exact tensor mapping and quantisation
/// (8-bit: ToTensor + tensor2im, bit for bit as officially; 16-bit: <c>v / 32767.5 − 1</c>, rounded back).
/// </summary>
public interface IPixelImage
{
    int Width { get; }
    int Height { get; }
    int Channels { get; }

    /// <summary>
    /// This image with <paramref name="channels"/> channels: 1 by PIL's <c>convert('L')</c>, else gray replicated
    /// to RGB.
    /// </summary>
    IPixelImage WithChannels(int channels);

    /// <summary>A region inside the image as a [C, h, w] float32 CPU tensor in [-1, 1] (caller's dispose scope).</summary>
    Tensor ToTensor(int x, int y, int width, int height);

    /// <summary>A network output ([N, C, H, W], first image) as an image of this depth; 1 channel stays gray.</summary>
    IPixelImage FromNetwork(Tensor output);

    /// <summary>Lossless PNG bytes at this depth.</summary>
    byte[] EncodePng();
}
