using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>A storage named by a persistent id <c>('storage', torch.XStorage, key, location, numel)</c>; its bytes live outside the
/// pickle.</summary>
public sealed record PickledStorage(string Key, ScalarType DType, long Numel, string Location);
