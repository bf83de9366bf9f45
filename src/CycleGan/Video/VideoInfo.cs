namespace CycleGan.Video;

/// <summary>
/// What <see cref="VideoProbe"/> reads of a video file: the first video stream's stored size, its display rotation
/// (degrees counter-clockwise a player turns the stored frames, ffprobe's sign: 0, 90, 180 or 270), frame rate and
/// frame count, and the audio.
/// </summary>
/// <param name="FrameRate">The rate as ffprobe gives it (e.g. <c>30000/1001</c>), passed back to the encoder unchanged.</param>
/// <param name="Frames">Video packets in the file (one per frame), 0 when unknown.</param>
/// <param name="AudioCodec">The first audio stream's codec, null when there is none.</param>
public sealed record VideoInfo(string Path, int Width, int Height, int Rotation, string FrameRate, long Frames,
    string VideoCodec, string? AudioCodec)
{
    /// <summary>The size of the frames as shown (and as translated): width and height swap for 90 and 270.</summary>
    public (int Width, int Height) Upright => Rotation is 90 or 270 ? (Height, Width) : (Width, Height);

    public double Fps
    {
        get
        {
            var parts = FrameRate.Split('/');
            double num = double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            double den = parts.Length > 1 ? double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
            return den == 0 ? 0 : num / den;
        }
    }

    public bool HasAudio => AudioCodec != null;
}
