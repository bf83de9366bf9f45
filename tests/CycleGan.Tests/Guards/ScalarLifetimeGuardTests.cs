using Xunit.Abstractions;
using TorchSharp;

namespace CycleGan.Tests.Guards;

/// <summary>Issue 23: no implicit TorchSharp Scalar anywhere in CycleGan.dll or CycleGan.Cli.dll.</summary>
public sealed class ScalarLifetimeGuardTests(ITestOutputHelper output)
{
    static readonly Lazy<ScalarLifetimeGuard> Guard = new(() => new ScalarLifetimeGuard(Dll("TorchSharp")));

    static string Dll(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        Assert.True(File.Exists(path), $"{path} missing");
        return path;
    }

    [Theory]
    [InlineData("CycleGan")]
    [InlineData("CycleGan.Cli")]
    public void Assembly_makes_no_Scalar_that_only_a_finalizer_frees(string assembly)
    {
        var sites = Guard.Value.Scan(Dll(assembly));
        foreach (var s in sites) output.WriteLine(s.ToString());
        Assert.True(sites.Count == 0, $"{sites.Count} sites in {assembly}.dll:\n" + string.Join("\n", sites.Take(400)));
    }

    [Fact]
    public void Guard_finds_each_kind_of_unheld_Scalar_and_accepts_the_safe_patterns()
    {
        var sites = Guard.Value.Scan(Dll("CycleGan.Tests"), typeof(GuardSamples).FullName);
        foreach (var s in sites) output.WriteLine(s.ToString());
        string[] flagged = [.. sites.Select(s => s.Method).Distinct().Order()];
        Assert.Equal(new[] { nameof(GuardSamples.AddTensors), nameof(GuardSamples.Bad), nameof(GuardSamples.MulDouble),
            nameof(GuardSamples.NewAdam), nameof(GuardSamples.NewLeakyRelu), nameof(GuardSamples.UnheldToScalar),
            nameof(GuardSamples.ReadValue) }.Order(), flagged);
        Assert.Contains(sites, s => s.Method == nameof(GuardSamples.Bad) && s.Kind == "implicit Scalar");
        output.WriteLine($"{Guard.Value.ReachingCount} TorchSharp members reach Scalar::op_Implicit; " +
            $"{Guard.Value.UnsafeTypes.Count} types override into them, e.g. {string.Join(", ", Guard.Value.UnsafeTypes.Order().Take(8))}");
        Assert.True(Guard.Value.ReachingCount > 100, $"only {Guard.Value.ReachingCount} TorchSharp members reach op_Implicit");
    }
}

/// <summary>Patterns the guard must flag (first six) and must accept (the rest). Never called.</summary>
static class GuardSamples
{
    static readonly TorchSharp.Scalar Half = 0.5.ToScalar();

    public static TorchSharp.torch.Tensor Bad(TorchSharp.torch.Tensor a) => a.mul(0.5);
    public static TorchSharp.torch.Tensor AddTensors(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) => a + b;
    public static TorchSharp.torch.Tensor MulDouble(TorchSharp.torch.Tensor a) => a * 2.0;
    public static object NewLeakyRelu() => TorchSharp.torch.nn.LeakyReLU(0.2);
    public static object NewAdam(TorchSharp.Modules.Parameter p) => TorchSharp.torch.optim.Adam([p]);
    public static double ReadValue(TorchSharp.torch.Tensor a) => a.ToDouble();
    public static TorchSharp.torch.Tensor UnheldToScalar(TorchSharp.torch.Tensor a, double x) => a.mul(x.ToScalar());

    public static TorchSharp.torch.Tensor Static(TorchSharp.torch.Tensor a) => a.mul(Half);
    public static TorchSharp.torch.Tensor Using(TorchSharp.torch.Tensor a, double x)
    {
        using var s = x.ToScalar();
        return a.mul(s);
    }
    public static TorchSharp.torch.Tensor AddWithAlpha(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) => a.add(b, Half);
}
