namespace CycleGan.Download;

/// <summary>
/// How far a download is: <paramref name="Done"/> bytes of <paramref name="Total"/> (null when the server gives no
/// length), of which <paramref name="ResumedFrom"/> were already in the <c>.part</c> file at the start.
/// </summary>
public sealed record DownloadProgress(string File, long Done, long? Total, long ResumedFrom, double BytesPerSecond)
{
    /// <summary>The time left at the current rate, when the length is known.</summary>
    public TimeSpan? Eta => Total is { } t && BytesPerSecond > 0 ? TimeSpan.FromSeconds((t - Done) / BytesPerSecond) : null;
}
