namespace CycleGan.Data.Synth;

/// <summary>A colour with channels nominally in [0, 1] (display-referred; values above 1 are highlights).</summary>
public readonly record struct SynthColor(double R, double G, double B)
{
    public static SynthColor operator +(SynthColor a, SynthColor b) => new(a.R + b.R, a.G + b.G, a.B + b.B);
    public static SynthColor operator -(SynthColor a, SynthColor b) => new(a.R - b.R, a.G - b.G, a.B - b.B);
    public static SynthColor operator *(SynthColor a, SynthColor b) => new(a.R * b.R, a.G * b.G, a.B * b.B);
    public static SynthColor operator *(SynthColor a, double k) => new(a.R * k, a.G * k, a.B * k);
    public static SynthColor operator *(double k, SynthColor a) => a * k;

    public static SynthColor Lerp(SynthColor a, SynthColor b, double t) => a + (b - a) * t;

    public static SynthColor Gray(double v) => new(v, v, v);

    public double Luma => 0.299 * R + 0.587 * G + 0.114 * B;
}
