namespace CycleGan.Video;

/// <summary>
/// How a translated video is encoded: H.264 <c>yuv420p</c> at a constant rate factor (what every player plays), or
/// lossless H.264 in RGB (<c>libx264rgb -qp 0</c>: decoded frames equal the network's output byte for byte).
/// </summary>
public sealed record VideoEncoding(int Crf = 18, bool Lossless = false)
{
    public void Validate()
    {
        if (Crf is < 0 or > 51) throw new UserError($"--crf {Crf} is out of range; libx264 takes 0 (best) to 51 (worst), e.g. 18");
    }

    public IReadOnlyList<string> CodecArgs() => Lossless
        ? ["-c:v", "libx264rgb", "-qp", "0", "-pix_fmt", "rgb24"]
        : ["-c:v", "libx264", "-crf", Crf.ToString(System.Globalization.CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p"];
}
