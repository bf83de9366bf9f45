namespace CycleGan.Serving;

/// <summary>
/// What a participant does next: trial <c>Index</c> (a practice one while <c>Practice</c>) of <c>Total</c>, shown for
/// <c>Seconds</c>; <c>Done</c> once every trial is answered.
/// </summary>
public sealed record StudyNext(string Participant, bool Done, int Index, bool Practice, int PracticeCount, int Total, double Seconds);
