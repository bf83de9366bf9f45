namespace CycleGan.Quickstart;

/// <summary>Where <see cref="QuickstartRunner"/> wrote its page and scores, and the scores themselves.</summary>
public sealed record QuickstartResult(string Root, string PagePath, string ScoresPath, QuickstartScores Scores);
