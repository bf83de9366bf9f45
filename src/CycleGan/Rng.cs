namespace CycleGan;

/// <summary>
/// The one seeded random source (SplitMix64, Steele, Lea and Flood 2014): its whole state is one number, so training
/// can save and restore it, and its sequence is fixed by this code on every machine (integer and basic IEEE arithmetic
/// only). Every random decision — data order, crops, flips and pairing, the image pool, dropout seeds, the synthetic
/// datasets, the perceptual study — comes from streams derived with <see cref="Mix"/> or <see cref="Derive"/>
/// (e.g. iteration i from (seed, i), item k of epoch e from (seed, e, k)) and never from globals, which makes runs
/// repeatable and resumes exact. Integer ranges exclude their upper bound, as Python's <c>randrange</c> and
/// <see cref="System.Random.Next(int, int)"/> do.
/// </summary>
public sealed class Rng
{
    const ulong Golden = 0x9E3779B97F4A7C15UL;

    public ulong State { get; set; }

    public Rng(ulong seed) => State = seed;

    /// <summary>A well-mixed seed for the stream named by (seed, epoch, iteration, ...).</summary>
    public static ulong Mix(params long[] parts)
    {
        ulong h = Golden;
        foreach (var p in parts)
        {
            h ^= (ulong)p + Golden + (h << 6) + (h >> 2);
            h = Finalise(h);
        }
        return h;
    }

    /// <summary>An independent generator for item <paramref name="index"/> of a named stream, so each item
    /// depends only on (seed, stream, index) and not on how many items came before it.</summary>
    public static Rng Derive(ulong seed, string stream, long index) =>
        new(Finalise(Finalise(seed ^ Fnv1a(stream)) ^ ((ulong)index * Golden)));

    public ulong NextULong()
    {
        State += Golden;
        return Finalise(State);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n); the modulo bias is below 2^-31 for the n used here.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        return (int)((NextULong() >> 1) % (ulong)n);
    }

    /// <summary>Uniform integer in [lo, hi): the upper bound is excluded.</summary>
    public int NextInt(int lo, int hi) => lo + NextInt(hi - lo);

    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Approximately standard normal (Irwin-Hall sum of four uniforms, rescaled): no libm calls, so
    /// it is bit-identical across platforms, and bounded to ±3.46, which suits image noise.</summary>
    public double Gaussian() => (NextDouble() + NextDouble() + NextDouble() + NextDouble() - 2.0) * 1.7320508075688772;

    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>Fisher-Yates, from the last element down.</summary>
    public void Shuffle<T>(IList<T> list)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <summary>A hash of (salt, x, y) mapped to [0, 1): the lattice values of <see cref="ValueNoise"/>.</summary>
    public static double Hash01(ulong salt, long x, long y) =>
        (Finalise(salt ^ Finalise((ulong)x * 0xD6E8FEB86659FD93UL ^ Finalise((ulong)y + Golden))) >> 11) * (1.0 / (1UL << 53));

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

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit hash.</summary>
    static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static ulong Fnv1a(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (var ch in s) { h ^= ch; h *= 0x100000001B3UL; }
        return h;
    }
}
