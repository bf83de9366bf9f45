using Xunit.Abstractions;

namespace CycleGan.Tests.Guards;

/// <summary>Dependencies point one way (docs/ARCHITECTURE.md): no library folder uses one on its own floor or above.</summary>
public sealed class LayerGuardTests(ITestOutputHelper output)
{
    static string Dll(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    [Fact]
    public void No_library_folder_uses_a_folder_on_its_floor_or_above()
    {
        var violations = LayerGuard.Scan(Dll("CycleGan"));
        foreach (var v in violations) output.WriteLine(v.ToString());
        Assert.True(violations.Count == 0, $"{violations.Count} uses against the floors:\n" + string.Join("\n", violations.Take(200)));
    }

    [Fact]
    public void Every_library_folder_is_on_a_floor_and_the_guard_sees_the_uses_between_them()
    {
        var folders = typeof(UserError).Assembly.GetTypes().Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith("CycleGan", StringComparison.Ordinal))
            .Select(n => n == "CycleGan" ? "" : n["CycleGan.".Length..].Split('.')[0]).Distinct().ToList();
        Assert.All(folders, f => Assert.True(LayerGuard.FloorOf(f) >= 0, $"folder {f} is not on a floor of LayerGuard.Floors"));
        // The scanner sees the uses the code is built on (through a method body, a field, a base type).
        var uses = LayerGuard.Uses(Dll("CycleGan"));
        foreach (var (from, to) in new[] { ("Training", "Models"), ("Models", "Networks"), ("Inference", "Data"), ("Serving", "Inference") })
            Assert.Contains(uses, u => u.FromFolder == from && u.ToFolder == to);
        Assert.True(LayerGuard.FloorOf("Networks") < LayerGuard.FloorOf("Models"));
    }
}
