namespace CycleGan.Serving;

/// <summary>
/// One method's result: of <c>Trials</c> scored trials, in <c>ChoseFake</c> the participant took the generated image
/// for the real one; <c>Percent</c> ± <c>StandardError</c> (binomial, sqrt(p(1-p)/n)) in percent, as in Table 1.
/// </summary>
public sealed record MethodScore(string Method, int Trials, int ChoseFake, double Percent, double StandardError, int Participants);
