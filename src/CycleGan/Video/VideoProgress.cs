namespace CycleGan.Video;

/// <summary>Where the translation of one video stands: frames done of the frames the file lists (0: unknown).</summary>
public sealed record VideoProgress(string Input, long Frame, long Frames, TimeSpan Elapsed)
{
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? Frame / Elapsed.TotalSeconds : 0;

    /// <summary>Time left at the rate so far; null when the frame count or the rate is unknown.</summary>
    public TimeSpan? Eta => Frames > 0 && FramesPerSecond > 0
        ? TimeSpan.FromSeconds(Math.Max(0, Frames - Frame) / FramesPerSecond) : null;

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Path.GetFileName(Input)}: {Frame}/{(Frames > 0 ? Frames.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")} " +
        $"frames, {FramesPerSecond:0.0} frames/s, ETA {(Eta is { } e ? $"{e.TotalSeconds:0} s" : "?")}");
}
