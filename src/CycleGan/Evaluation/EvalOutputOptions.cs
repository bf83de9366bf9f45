using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>
/// What every scoring command of <c>cyclegan eval</c> writes besides its summary line: JSON scores and a report
/// folder with example rows. The base of their options records (the commands' flags).
/// </summary>
public abstract record EvalOutputOptions
{
    /// <summary>The help of a <c>--*_side</c> flag, after what the side is of.</summary>
    public const string SideHelp = "which part of each file to read: full, or the left or right half of a side-by-side AB file";

    [Option("json", "also write the scores as JSON to this file")]
    public string? Json { get; init; }
    [Option("report", "write a report folder: index.html with tables, examples and plots, scores.json beside it")]
    public string? Report { get; init; }
    [Option("examples", "example rows on the report page")]
    public int Examples { get; init; } = 4;

    /// <summary>A <c>--*_side</c> value: full, left (or a) or right (or b), any case.</summary>
    public static AbSide ParseSide(string? s, string flag) => s?.Trim().ToLowerInvariant() switch
    {
        null or "" or "full" => AbSide.Full,
        "left" or "a" => AbSide.Left,
        "right" or "b" => AbSide.Right,
        _ => throw new UserError($"--{flag} {s}: expected full, left or right"),
    };
}
