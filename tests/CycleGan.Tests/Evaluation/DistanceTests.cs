using CycleGan.Evaluation;

namespace CycleGan.Tests.Evaluation;

public class DistanceTests
{
    static double[][] Gaussian(int n, int d, int seed, double shift = 0, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ =>
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            return shift + scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }).ToArray()).ToArray();
    }

    [Fact]
    public void Frechet_distance_of_a_set_with_itself_is_zero()
    {
        var a = Gaussian(40, 16, 1);
        Assert.Equal(0.0, FrechetDistance.Compute(a, a), 8);
    }

    [Fact]
    public void Frechet_distance_of_a_shifted_copy_is_the_squared_shift()
    {
        var a = Gaussian(50, 8, 2);
        var b = a.Select(r => r.Select((v, k) => v + (k == 0 ? 3.0 : 0.5)).ToArray()).ToArray();
        Assert.Equal(9 + 7 * 0.25, FrechetDistance.Compute(a, b), 8);
    }

    [Fact]
    public void Frechet_distance_of_scaled_copy_matches_the_closed_form()
    {
        // Σb = 4 Σa: tr Σa + tr 4Σa − 2 tr (4Σa²)^½ = tr Σa (1 + 4 − 4) = tr Σa.
        var a = Gaussian(60, 6, 3);
        var b = a.Select(r => r.Select(v => 2 * v).ToArray()).ToArray();
        var (mu, cov) = FrechetDistance.MeanAndCovariance(a);
        Assert.Equal(cov.Trace() + mu.DotProduct(mu), FrechetDistance.Compute(a, b), 8);
    }

    [Fact]
    public void Frechet_distance_works_with_fewer_samples_than_dimensions()
    {
        var a = Gaussian(10, 64, 4);
        // Rank-deficient Σ: the square root turns round-off of ~1e-16·λmax² into ~1e-8·λmax per null direction.
        var self = FrechetDistance.Compute(a, a);
        Assert.True(Math.Abs(self) < 1e-4, $"FD(self) = {self}");
        var fd = FrechetDistance.Compute(a, Gaussian(10, 64, 5, shift: 1));
        Assert.True(fd > 30, $"FD = {fd}");
    }

    [Fact]
    public void Kernel_distance_is_near_zero_for_one_distribution_and_larger_for_a_shifted_one()
    {
        var a = Gaussian(200, 16, 6);
        var same = KernelDistance.Compute(a, Gaussian(200, 16, 7), subsets: 20, subsetSize: 50, seed: 1);
        var shifted = KernelDistance.Compute(a, Gaussian(200, 16, 8, shift: 1), subsets: 20, subsetSize: 50, seed: 1);
        Assert.True(Math.Abs(same.Mean) < 3 * same.Std + 1e-3, $"same: {same.Mean} ± {same.Std}");
        Assert.True(shifted.Mean > 10 * Math.Max(same.Std, 1e-3), $"shifted {shifted.Mean}, same {same.Mean} ± {same.Std}");
        Assert.True(same.Std > 0);
    }

    [Fact]
    public void Kernel_distance_is_seeded_and_reproducible()
    {
        var a = Gaussian(60, 8, 9);
        var b = Gaussian(60, 8, 10);
        var r1 = KernelDistance.Compute(a, b, 10, 20, 5);
        var r2 = KernelDistance.Compute(a, b, 10, 20, 5);
        Assert.Equal(r1.Values, r2.Values);
        Assert.Equal(r1.Mean, r2.Mean);
        Assert.NotEqual(r1.Values, KernelDistance.Compute(a, b, 10, 20, 6).Values);
    }

    [Fact]
    public void Kernel_is_the_cubic_polynomial_of_the_scaled_dot_product()
    {
        Assert.Equal(Math.Pow((1 * 3 + 2 * 4) / 2.0 + 1, 3), KernelDistance.Kernel([1, 2], [3, 4], 2), 12);
    }
}
