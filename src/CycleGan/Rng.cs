namespace CycleGan;

/// <summary>
/// A small seeded generator (SplitMix64) whose whole state is one number, so training can save and restore it,
/// and a <see cref="Mix"/> that derives independent streams from (seed, epoch, iteration, ...). Every random
/// decision in training (data order, crops, flips, the image pool, dropout seeds) comes from such streams and
/// never from globals, which makes runs repeatable and resumes exact.
/// </summary>
public sealed class Rng
{
    public ulong State { get; set; }

    public Rng(ulong seed) => State = seed;

    public static ulong Mix(params long[] parts)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        foreach (var p in parts)
        {
            h ^= (ulong)p + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2);
            h = Finalise(h);
        }
        return h;
    }

    public ulong NextULong()
    {
        State += 0x9E3779B97F4A7C15UL;
        return Finalise(State);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        return (int)(NextULong() % (ulong)n);
    }

    /// <summary>Uniform integer in [lo, hi] inclusive (Python's <c>random.randint</c>).</summary>
    public int NextInt(int lo, int hi) => lo + NextInt(hi - lo + 1);

    public void Shuffle<T>(IList<T> list)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
