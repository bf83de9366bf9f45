using MathNet.Numerics.LinearAlgebra;

namespace CycleGan.Evaluation;

/// <summary>
/// Fréchet distance between Gaussians fitted to two feature sets (the FID formula of Heusel et al. 2017):
/// |μ1 − μ2|² + tr(Σ1) + tr(Σ2) − 2 tr((Σ1 Σ2)^½), in double precision. The trace of the square root is
/// taken from the symmetric form √Σ1 Σ2 √Σ1 (same eigenvalues as Σ1 Σ2, but symmetric), so both square
/// roots come from symmetric eigendecompositions; eigenvalues below 0 (round-off, or rank-deficient Σ when
/// there are fewer images than dimensions) are clamped to 0.
/// </summary>
public static class FrechetDistance
{
    public static double Compute(double[][] a, double[][] b)
    {
        var (mu1, s1) = MeanAndCovariance(a);
        var (mu2, s2) = MeanAndCovariance(b);
        var diff = mu1 - mu2;
        var sqrtS1 = SymmetricSqrt(s1);
        var m = sqrtS1 * s2 * sqrtS1;
        m = (m + m.Transpose()) * 0.5;
        var traceSqrt = m.Evd(Symmetricity.Symmetric).EigenValues.Sum(e => Math.Sqrt(Math.Max(e.Real, 0)));
        return diff.DotProduct(diff) + s1.Trace() + s2.Trace() - 2 * traceSqrt;
    }

    /// <summary>Mean and unbiased covariance (divisor n − 1, as numpy's <c>np.cov</c> that FID code uses).</summary>
    public static (Vector<double> Mean, Matrix<double> Covariance) MeanAndCovariance(double[][] x)
    {
        if (x.Length < 2) throw new UserError($"a Fréchet distance needs at least 2 images per set, got {x.Length}");
        var m = Matrix<double>.Build.DenseOfRowArrays(x);
        var mean = m.ColumnSums() / x.Length;
        var centered = m - Matrix<double>.Build.Dense(x.Length, m.ColumnCount, (_, j) => mean[j]);
        var cov = centered.TransposeThisAndMultiply(centered) / (x.Length - 1);
        return (mean, cov);
    }

    static Matrix<double> SymmetricSqrt(Matrix<double> s)
    {
        var evd = s.Evd(Symmetricity.Symmetric);
        var v = evd.EigenVectors;
        var d = Vector<double>.Build.Dense(s.RowCount, i => Math.Sqrt(Math.Max(evd.EigenValues[i].Real, 0)));
        return v * Matrix<double>.Build.DiagonalOfDiagonalVector(d) * v.Transpose();
    }
}
