namespace CycleGan.Serving;

/// <summary>One trial of a participant's plan: which method's image of which test stem, and on which side the fake is.</summary>
public sealed record StudyTrial(int Index, bool Practice, string Method, string Stem, bool FakeLeft);
