namespace CycleGan.Data.Synth;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a small seeded generator whose sequence is fixed by this code,
/// not by the runtime (the algorithm behind <c>new System.Random(seed)</c> is an implementation detail).
/// Only integer and basic IEEE arithmetic is used here, so a seed gives the same numbers on every machine.
/// </summary>
public sealed class SynthRng
{
    const ulong Golden = 0x9E3779B97F4A7C15UL;
    ulong _state;

    public SynthRng(ulong seed) { _state = seed; }

    /// <summary>An independent generator for item <paramref name="index"/> of a named stream, so each image
    /// depends only on (seed, stream, index) and not on how many images came before it.</summary>
    public static SynthRng Derive(ulong seed, string stream, long index) =>
        new(Mix(Mix(seed ^ Fnv1a(stream)) ^ ((ulong)index * Golden)));

    public ulong NextU64() => Mix(_state += Golden);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextU64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n); the modulo bias is below 2^-31 for the small n used here.</summary>
    public int NextInt(int n) => n <= 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : (int)((NextU64() >> 1) % (ulong)n);

    public int NextInt(int lo, int hiExclusive) => lo + NextInt(hiExclusive - lo);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Approximately standard normal (Irwin-Hall sum of four uniforms, rescaled): no libm calls, so
    /// it is bit-identical across platforms, and bounded to ±3.46, which suits image noise.</summary>
    public double Gaussian() => (NextDouble() + NextDouble() + NextDouble() + NextDouble() - 2.0) * 1.7320508075688772;

    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit hash.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A hash of (salt, x, y) mapped to [0, 1): the lattice values of <see cref="ValueNoise"/>.</summary>
    public static double Hash01(ulong salt, long x, long y) =>
        (Mix(salt ^ Mix((ulong)x * 0xD6E8FEB86659FD93UL ^ Mix((ulong)y + Golden))) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Smooth value noise in [0, 1) with one lattice cell per unit of x and y.</summary>
    public static double ValueNoise(ulong salt, double x, double y)
    {
        var fx0 = Math.Floor(x);
        var fy0 = Math.Floor(y);
        long ix = (long)fx0, iy = (long)fy0;
        double fx = x - fx0, fy = y - fy0;
        double u = fx * fx * (3 - 2 * fx), v = fy * fy * (3 - 2 * fy);
        double a = Hash01(salt, ix, iy), b = Hash01(salt, ix + 1, iy);
        double c = Hash01(salt, ix, iy + 1), d = Hash01(salt, ix + 1, iy + 1);
        return a + (b - a) * u + (c - a) * v + (a - b - c + d) * u * v;
    }

    /// <summary>Fractal value noise (octaves of halving amplitude), in [0, 1).</summary>
    public static double Fbm(ulong salt, double x, double y, int octaves)
    {
        double sum = 0, amp = 0.5, norm = 0;
        for (int o = 0; o < octaves; o++)
        {
            sum += amp * ValueNoise(salt + (ulong)o, x, y);
            norm += amp;
            x *= 2.03;
            y *= 2.03;
            amp *= 0.5;
        }
        return sum / norm;
    }

    static ulong Fnv1a(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (var ch in s) { h ^= ch; h *= 0x100000001B3UL; }
        return h;
    }
}
