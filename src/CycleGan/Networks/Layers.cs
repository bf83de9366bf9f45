namespace CycleGan.Networks;

/// <summary>
/// Factories for the layers whose computation <see cref="Compute"/> can switch: convolutions (<see cref="Conv"/>)
/// and instance norm (<see cref="InstanceNorm"/>, made by <see cref="NormLayer"/>). Same arguments and defaults as
/// <c>nn.Conv2d</c> / <c>nn.ConvTranspose2d</c> (square kernels, groups 1, zero padding).
/// </summary>
public static class Layers
{
    public static Conv Conv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool bias = true) =>
        new(false, inChannels, outChannels, kernel, stride, padding, 0, bias);

    public static Conv ConvTranspose2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0,
        long output_padding = 0, bool bias = true) =>
        new(true, inChannels, outChannels, kernel, stride, padding, output_padding, bias);
}
