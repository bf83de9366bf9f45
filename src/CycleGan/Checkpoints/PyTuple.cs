namespace CycleGan.Checkpoints;

/// <summary>A pickled Python tuple.</summary>
public sealed class PyTuple(object?[] items)
{
    public object?[] Items { get; } = items;
}
