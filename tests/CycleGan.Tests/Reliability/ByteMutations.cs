namespace CycleGan.Tests.Reliability;

/// <summary>
/// The byte mutations of the fuzz tests. Each takes the test's own position picker (where its format's headers
/// sit), so a test's seed keeps giving the same cases.
/// </summary>
public static class ByteMutations
{
    /// <summary>1 to 8 single-bit flips; mutates <paramref name="b"/>.</summary>
    public static byte[] FlipBits(byte[] b, Random rng, Func<int, int> pos)
    {
        for (int i = 0, n = rng.Next(1, 9); i < n; i++) b[pos(b.Length)] ^= (byte)(1 << rng.Next(8));
        return b;
    }

    public static byte[] Truncate(byte[] b, Func<int, int> pos) => b[..pos(b.Length)];

    /// <summary>1 to <paramref name="maxBytes"/> random bytes inserted at one position.</summary>
    public static byte[] Insert(byte[] b, Random rng, Func<int, int> pos, int maxBytes)
    {
        var at = pos(b.Length);
        var extra = new byte[rng.Next(1, maxBytes + 1)];
        rng.NextBytes(extra);
        return [.. b[..at], .. extra, .. b[at..]];
    }
}
