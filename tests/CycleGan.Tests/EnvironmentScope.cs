namespace CycleGan.Tests;

/// <summary>Environment variables set for one test; on dispose each is put back as it was (set or unset).</summary>
public sealed class EnvironmentScope : IDisposable
{
    readonly Dictionary<string, string?> _before = [];

    public EnvironmentScope(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables) Set(name, value);
    }

    public void Set(string name, string? value)
    {
        _before.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _before) Environment.SetEnvironmentVariable(name, value);
    }
}
