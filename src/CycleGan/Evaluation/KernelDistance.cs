namespace CycleGan.Evaluation;

/// <summary>Mean and (population) standard deviation of the unbiased MMD² over random subsets, and each subset's value.</summary>
public sealed record KernelDistanceResult(double Mean, double Std, int Subsets, int SubsetSize, IReadOnlyList<double> Values);

/// <summary>
/// Kernel distance in the manner of KID (Bińkowski et al. 2018): unbiased MMD² with the polynomial kernel
/// k(x, y) = (x·y / d + 1)³, averaged over <c>subsets</c> random subsets of <c>subsetSize</c> features drawn
/// without replacement from each set (seeded), with the standard deviation over subsets. Without an explicit
/// size, subsets hold min(1000, half the smaller set) so that they differ and the deviation means something.
/// Two identical sets give a negative value: the unbiased estimate leaves out k(x, x) within a set but not
/// across sets.
/// </summary>
public static class KernelDistance
{
    public static KernelDistanceResult Compute(double[][] a, double[][] b, int subsets = 100, int? subsetSize = null, int seed = 0)
    {
        if (subsets < 1) throw new UserError($"--subsets must be at least 1, got {subsets}");
        int smaller = Math.Min(a.Length, b.Length);
        if (subsetSize > smaller) throw new UserError($"--subset_size {subsetSize} is larger than the smaller set ({smaller} images)");
        // Half the smaller set by default, but never below the 2 images the unbiased estimate needs (3 images: 2, not 1).
        int m = subsetSize ?? Math.Min(1000, Math.Min(smaller, Math.Max(2, smaller / 2)));
        if (m < 2)
            throw new UserError(subsetSize is null
                ? $"a kernel distance needs at least 2 images per set, got {a.Length} and {b.Length}"
                : $"--subset_size must be at least 2, got {m}");
        int d = a[0].Length;
        // Kernel values of all pairs once (three matrix products), then every subset only sums entries.
        var kaa = KernelMatrix(a, a, d);
        var kbb = KernelMatrix(b, b, d);
        var kab = KernelMatrix(a, b, d);
        var rng = new Random(seed);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            var x = Sample(a.Length, m, rng);
            var y = Sample(b.Length, m, rng);
            double kxx = 0, kyy = 0, kxy = 0;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    if (i != j)
                    {
                        kxx += kaa[x[i], x[j]];
                        kyy += kbb[y[i], y[j]];
                    }
                    kxy += kab[x[i], y[j]];
                }
            }
            values[s] = kxx / (m * (m - 1.0)) + kyy / (m * (m - 1.0)) - 2 * kxy / ((double)m * m);
        }
        var mean = values.Average();
        var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        return new KernelDistanceResult(mean, std, subsets, m, values);
    }

    static MathNet.Numerics.LinearAlgebra.Matrix<double> KernelMatrix(double[][] x, double[][] y, int d)
    {
        var mx = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowArrays(x);
        var my = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowArrays(y);
        return mx.TransposeAndMultiply(my).Map(dot => { var t = dot / d + 1; return t * t * t; });
    }

    public static double Kernel(double[] x, double[] y, int d)
    {
        double dot = 0;
        for (int k = 0; k < x.Length; k++) dot += x[k] * y[k];
        var t = dot / d + 1;
        return t * t * t;
    }

    static int[] Sample(int n, int m, Random rng)
    {
        var idx = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < m; i++)
        {
            int j = rng.Next(i, n);
            (idx[i], idx[j]) = (idx[j], idx[i]);
        }
        return idx[..m];
    }
}
