namespace CycleGan.Serving;

/// <summary>The summary page's numbers: per method, and how many participants started and finished.</summary>
public sealed record StudySummary(string Side, IReadOnlyList<MethodScore> Methods, int Participants, int Finished, int Answers);
