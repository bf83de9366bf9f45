namespace CycleGan.Tests;

/// <summary>
/// Tests that change libtorch's thread count (<see cref="TorchThreadsScope"/>) run alone: the count is process-wide,
/// and a test running beside them would have its convolutions checked under one count and run under another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchThreadsCollection
{
    public const string Name = "changes torch threads";
}
