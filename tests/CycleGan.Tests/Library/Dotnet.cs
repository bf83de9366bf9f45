using System.Diagnostics;
using System.Reflection;

namespace CycleGan.Tests.Library;

/// <summary>The <c>dotnet</c> command as a child process: builds of consumer projects and runs of their programs.</summary>
public static class Dotnet
{
    public sealed record Result(int Code, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    /// <summary>The configuration this test assembly was built in; the library beside it was built in the same one.</summary>
    public static string Configuration { get; } =
        typeof(Dotnet).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>The NuGet package folder this machine restores into (NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    public static string UserPackages { get; } = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
        ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public static Result Run(string workDir, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env = null,
        int timeoutSeconds = 300)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // What `dotnet test` sets for its own MSBuild must not steer the child's build.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = proc.StandardOutput.ReadToEndAsync();
        var stderr = proc.StandardError.ReadToEndAsync();
        if (!proc.WaitForExit(timeoutSeconds * 1000))
        {
            proc.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} ran over {timeoutSeconds} s");
        }
        return new Result(proc.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// <c>dotnet build</c> of a consumer project: no build servers left behind, and copy-local files hard-linked to the
    /// package folder where it can (1.4 GB of native libraries per output otherwise; the fix-up replaces its file by a
    /// rename, so the package folder's copy stays as it was).
    /// </summary>
    public static Result Build(string projectDir) => Run(projectDir,
        ["build", "-c", Configuration, "--disable-build-servers", "-p:CreateHardLinksForCopyLocalIfPossible=true"]);
}
