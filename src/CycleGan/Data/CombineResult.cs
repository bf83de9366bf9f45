namespace CycleGan.Data;

/// <summary>What <see cref="CombineAandB"/> did: pairs written per split, and the A files that had no B partner.</summary>
public sealed record CombineResult(IReadOnlyDictionary<string, int> Written, IReadOnlyList<string> MissingPartners)
{
    public int Total => Written.Values.Sum();
}
