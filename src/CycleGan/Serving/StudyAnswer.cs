namespace CycleGan.Serving;

/// <summary>One stored answer, as exported: the trial, the side clicked, and whether that was the generated image.</summary>
public sealed record StudyAnswer(string Participant, string ParticipantName, int Index, bool Practice, string Method,
    string Stem, bool FakeLeft, bool ChoseLeft, bool ChoseFake, int Milliseconds, DateTime AnsweredUtc);
