namespace CycleGan.Checkpoints;

/// <summary>A tensor from <c>torch._utils._rebuild_tensor_v2</c>: a strided view into a <see cref="PickledStorage"/>.</summary>
public sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Size, long[] Stride);
