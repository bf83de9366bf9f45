namespace CycleGan.Tests;

/// <summary>Where the repository, the shared reference data and per-test scratch folders are.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>`../shared` beside the repository. Parity tests fail (never skip) when it is missing.</summary>
    public static string Shared
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            if (!Directory.Exists(Path.Combine(dir, "reference")))
                throw new DirectoryNotFoundException($"../shared/reference is missing (looked in {dir}); parity tests need it.");
            return dir;
        }
    }

    public static string Reference => Path.Combine(Shared, "reference");

    public static string Ref(params string[] parts) => Path.Combine([Reference, .. parts]);

    /// <summary>A fresh empty folder for one test, removed when disposed.</summary>
    public static TempDir NewTempDir(string? hint = null) => new(hint);

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}

public sealed class TempDir : IDisposable
{
    public string Path { get; }

    public TempDir(string? hint)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cyclegan-tests", (hint ?? "t") + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
