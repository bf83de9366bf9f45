using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Data;

/// <summary>
/// Float32 tensor data in managed memory (C order). The background loader produces these, so that no native
/// tensor is created on its thread; the consumer makes the torch tensor inside its own dispose scope.
/// </summary>
public sealed record HostTensor(float[] Data, long[] Shape)
{
    /// <summary>A new tensor with this data in the caller's current dispose scope, on <paramref name="device"/> (CPU when null).</summary>
    public Tensor ToTensor(Device? device = null)
    {
        TorchRuntime.EnsureLoaded();
        var cpu = torch.tensor(Data, Shape, dtype: ScalarType.Float32);
        if (device == null || device.type == DeviceType.CPU) return cpu;
        var moved = cpu.to(device);
        cpu.Dispose();
        return moved;
    }
}
