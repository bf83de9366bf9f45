using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>
/// The flags of <c>cyclegan eval fd</c>: FD- and KD-ResNet18 between two folders (<see cref="FrechetDistance"/>,
/// <see cref="KernelDistance"/>).
/// </summary>
public sealed record FdEvalOptions : EvalOutputOptions
{
    [Option("a", "first image folder (a results folder contributes its <stem>_fake_B images)", Required = true)]
    public string A { get; init; } = "";
    [Option("b", "second image folder", Required = true)]
    public string B { get; init; } = "";
    [Option("subsets", "KD: random subsets")]
    public int Subsets { get; init; } = 100;
    [Option("subset_size", "KD: images per subset (default: 1000, or half the smaller folder when that is less)",
        Aliases = ["subset-size"])]
    public int? SubsetSize { get; init; }
    [Option("seed", "seed of the KD subsets")]
    public int Seed { get; init; }
}
