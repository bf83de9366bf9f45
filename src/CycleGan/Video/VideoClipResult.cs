namespace CycleGan.Video;

/// <summary>One translated video: where it went, its frames, and the time the whole pass took.</summary>
public sealed record VideoClipResult(string Input, string Output, long Frames, TimeSpan Elapsed)
{
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? Frames / Elapsed.TotalSeconds : 0;
}
