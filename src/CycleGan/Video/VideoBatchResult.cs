namespace CycleGan.Video;

/// <summary>What a run of <c>translate</c> over videos did: the videos written, and one line per video that failed.</summary>
public sealed record VideoBatchResult(string Output, IReadOnlyList<VideoClipResult> Written, IReadOnlyList<string> Failed)
{
    /// <summary>"translated 2 video(s) (120 frames, 31.5 frames/s) into out, failed 1: a.mp4".</summary>
    public string Summary()
    {
        long frames = Written.Sum(w => w.Frames);
        double seconds = Written.Sum(w => w.Elapsed.TotalSeconds);
        var done = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"translated {Written.Count} video(s) ({frames} frames, {(seconds > 0 ? frames / seconds : 0):0.0} frames/s) into {Output}");
        if (Failed.Count == 0) return done;
        var names = string.Join("; ", Failed.Take(3));
        return $"{done}, failed {Failed.Count}: {names}{(Failed.Count > 3 ? $" and {Failed.Count - 3} more" : "")}";
    }
}
