using System.Security.Cryptography;
using System.Text;
using CycleGan.Data;

namespace CycleGan.Tests.Library;

/// <summary>
/// The library as another .NET program uses it: a new console project whose Program.cs is the README's "Using the
/// library" snippet, referencing the packed CycleGan package or src/CycleGan, built and run in a temporary folder.
/// </summary>
public class ConsumerProjectTests(PackedLibrary packed) : IClassFixture<PackedLibrary>
{
    const string GlibcxxWanted = "GLIBCXX_3.4.32";

    static readonly string[] SystemLibStdCxx =
        ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6"];

    /// <summary>Whether the system libstdc++ has the version TorchSharp's library asks for (Debian 12's has not).</summary>
    static bool SystemHasGlibcxx332()
    {
        var lib = SystemLibStdCxx.FirstOrDefault(File.Exists);
        return lib != null && Encoding.ASCII.GetString(File.ReadAllBytes(lib)).Contains(GlibcxxWanted + "\0", StringComparison.Ordinal);
    }

    /// <summary>The snippet's fake.png: PyTorch's output for the official checkpoint, within one level (tensor2im truncation).</summary>
    static void AssertSnippetWrotePyTorchsImage(Dotnet.Result result, string runDir)
    {
        Assert.True(result.Code == 0, $"the README snippet exited {result.Code}:\n{result.Output}");
        var fake = ImageFile.LoadRgb(Path.Combine(runDir, "fake.png"));
        var expected = ImageFile.LoadRgb(TestPaths.Ref("resnet9_ngf64", "output.png"));
        Assert.Equal((expected.Width, expected.Height, expected.Channels), (fake.Width, fake.Height, fake.Channels));
        var worst = fake.Pixels.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1, $"fake.png differs from PyTorch's output by {worst} levels");
    }

    [Fact]
    public void The_packed_package_restores_here_and_the_readme_snippet_run_from_it_reproduces_pytorchs_output()
    {
        var cacheBefore = SHA256.HashData(File.ReadAllBytes(packed.CachedLibTorchSharp));
        var consumer = packed.Consumer;

        Assert.True(File.Exists(Path.Combine(consumer.Dir, "packages", "cyclegan", packed.Version, "buildTransitive", "CycleGan.targets")));
        var (result, run) = consumer.RunSnippet();
        AssertSnippetWrotePyTorchsImage(result, run);
        // the fix-up changed the output's copy only, also where it was a hard link into the package folder
        Assert.Equal(cacheBefore, SHA256.HashData(File.ReadAllBytes(packed.CachedLibTorchSharp)));
    }

    [Fact]
    public void Without_the_fix_up_the_first_network_fails_with_one_line_naming_the_loaders_real_error()
    {
        var consumer = packed.Consumer;
        var lib = Path.Combine(consumer.Output, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var patched = lib + ".patched";
        File.Move(lib, patched);
        File.Copy(packed.CachedLibTorchSharp, lib);
        try
        {
            // An empty package folder keeps TorchSharp's own fallback (copying 1 GB of natives out of it) from running.
            using var empty = TestPaths.NewTempDir("no-packages");
            var (result, run) = consumer.RunSnippet(new Dictionary<string, string> { ["NUGET_PACKAGES"] = empty.Path });
            if (SystemHasGlibcxx332())
            {
                AssertSnippetWrotePyTorchsImage(result, run); // nothing to fix on this system
                return;
            }
            Assert.NotEqual(0, result.Code);
            var line = result.Stderr.Split('\n').FirstOrDefault(l => l.Contains("CycleGan.UserError", StringComparison.Ordinal));
            Assert.True(line != null, "no UserError in:\n" + result.Output);
            Assert.Contains("libtorch could not be loaded: ", line);
            Assert.Contains($"version `{GlibcxxWanted}' not found (required by {lib})", line);
            Assert.Contains("README \"Using the library\"", line);
            Assert.DoesNotContain("doesn't contain a reference to libtorch", line);
        }
        finally
        {
            File.Move(patched, lib, overwrite: true);
        }
    }

    [Fact]
    public void A_project_reference_with_the_imported_targets_runs_the_readme_snippet()
    {
        var project = Path.Combine(TestPaths.RepoRoot, "src", "CycleGan", "CycleGan.csproj");
        var targets = Path.Combine(TestPaths.RepoRoot, "src", "CycleGan", "build", "CycleGan.targets");
        using var consumer = new ConsumerProject("consumer-projectref", $"""
              <ItemGroup><ProjectReference Include="{project}" /></ItemGroup>
              <Import Project="{targets}" />
            """);
        var build = Dotnet.Build(consumer.Dir);
        Assert.True(build.Code == 0, "the consumer project did not build:\n" + build.Output);
        var (result, run) = consumer.RunSnippet();
        AssertSnippetWrotePyTorchsImage(result, run);
    }
}
