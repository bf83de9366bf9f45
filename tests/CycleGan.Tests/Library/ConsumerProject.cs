namespace CycleGan.Tests.Library;

/// <summary>
/// A new console project in a temporary folder, as <c>dotnet new console</c> writes it, whose Program.cs is the
/// README's "Using the library" snippet as written, referencing the library by <paramref name="reference"/>.
/// </summary>
public sealed class ConsumerProject : IDisposable
{
    readonly TempDir _dir;

    public string Dir => _dir.Path;

    /// <summary>The folder of the built program (a portable build: natives under runtimes/linux-x64/native).</summary>
    public string Output => Path.Combine(Dir, "bin", Dotnet.Configuration, "net10.0");

    public ConsumerProject(string hint, string reference, string? nugetConfig = null)
    {
        _dir = TestPaths.NewTempDir(hint);
        File.WriteAllText(Path.Combine(Dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
            {reference}
            </Project>
            """);
        File.WriteAllText(Path.Combine(Dir, "Program.cs"), ReadmeSnippet());
        if (nugetConfig != null) File.WriteAllText(Path.Combine(Dir, "nuget.config"), nugetConfig);
    }

    /// <summary>The first C# block under the README's "## Using the library".</summary>
    public static string ReadmeSnippet()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var section = readme.IndexOf("\n## Using the library", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no \"Using the library\" section");
        const string Fence = "```csharp\n";
        var start = readme.IndexOf(Fence, section, StringComparison.Ordinal) + Fence.Length;
        var end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    /// <summary>
    /// Runs the program in a fresh folder holding what the snippet reads: the official resnet_9blocks checkpoint
    /// PyTorch wrote as <c>latest_net_G_A.pth</c> and its 256×256 input as <c>photo.jpg</c> (a PNG under that name:
    /// images are decoded by their bytes, as PIL does). Returns the result and the folder.
    /// </summary>
    public (Dotnet.Result Result, string RunDir) RunSnippet(IReadOnlyDictionary<string, string>? env = null)
    {
        var run = Path.Combine(Dir, "run-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(run);
        File.Copy(TestPaths.Ref("resnet9_ngf64", "latest_net_G.pth"), Path.Combine(run, "latest_net_G_A.pth"));
        File.Copy(TestPaths.Ref("resnet9_ngf64", "input.png"), Path.Combine(run, "photo.jpg"));
        return (Dotnet.Run(run, [Path.Combine(Output, "Consumer.dll")], env, timeoutSeconds: 180), run);
    }

    public void Dispose() => _dir.Dispose();
}
