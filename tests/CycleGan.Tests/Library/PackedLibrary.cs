namespace CycleGan.Tests.Library;

/// <summary>
/// <c>dotnet pack</c> of src/CycleGan into a temporary local feed (from the build this suite was built with), and a
/// console project that references the package from it, restored and built once for the test class.
/// </summary>
public sealed class PackedLibrary : IDisposable
{
    readonly TempDir _feed = TestPaths.NewTempDir("feed");
    ConsumerProject? _consumer;

    public string Feed => _feed.Path;

    public string Package { get; }

    public PackedLibrary()
    {
        var pack = Dotnet.Run(TestPaths.RepoRoot,
            ["pack", Path.Combine("src", "CycleGan", "CycleGan.csproj"), "-c", Dotnet.Configuration, "--no-build", "-o", Feed]);
        Assert.True(pack.Code == 0, "dotnet pack failed:\n" + pack.Output);
        Package = Assert.Single(Directory.GetFiles(Feed, "CycleGan.*.nupkg"));
    }

    /// <summary>The package's version, from its file name.</summary>
    public string Version => Path.GetFileNameWithoutExtension(Package)["CycleGan.".Length..];

    /// <summary>The consumer, restored against the local feed plus this machine's usual sources, and built.</summary>
    public ConsumerProject Consumer => _consumer ??= BuildConsumer();

    /// <summary>The package folder copy of the library's TorchSharp's libLibTorchSharp.so (never patched).</summary>
    public string CachedLibTorchSharp
    {
        get
        {
            var version = TorchRuntime.TorchSharpVersion.Split('+')[0];
            return Path.Combine(Dotnet.UserPackages, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
    }

    ConsumerProject BuildConsumer()
    {
        // A package folder of its own, so that a CycleGan of the same version extracted by an earlier run is never
        // used; everything else is taken from the machine's package folder without copying (fallbackPackageFolders).
        var consumer = new ConsumerProject("consumer-package",
            $"""  <ItemGroup><PackageReference Include="CycleGan" Version="{Version}" /></ItemGroup>""",
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="packages" /></config>
              <packageSources><add key="cyclegan-test-feed" value="{Feed}" /></packageSources>
              <fallbackPackageFolders><add key="machine" value="{Dotnet.UserPackages}" /></fallbackPackageFolders>
            </configuration>
            """);
        var build = Dotnet.Build(consumer.Dir);
        Assert.True(build.Code == 0, "the consumer project did not build:\n" + build.Output);
        return consumer;
    }

    public void Dispose()
    {
        _consumer?.Dispose();
        _feed.Dispose();
    }
}
