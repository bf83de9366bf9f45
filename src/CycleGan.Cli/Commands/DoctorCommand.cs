using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CycleGan.Diagnostics;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan doctor`: the machine, the versions and the convolution kernel check over the default networks.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var cmd = new Command("doctor", "Check that this machine's convolution kernels compute correctly (exit 0) or not (exit 1), " +
            "and which remedy each wrong configuration gets");
        var binder = new OptionBinder<DoctorOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            var report = Doctor.Run();
            var output = parse.InvocationConfiguration.Output;
            if (opt.Json) output.WriteLine(JsonSerializer.Serialize(report));
            else Print(output, report);
            return report.ComputesCorrectly ? 0 : 1;
        });
        return cmd;
    }

    static void Print(TextWriter o, DoctorReport r)
    {
        var c = r.Cpu;
        o.WriteLine($"cpu        {c.Model} ({c.Vendor}, family {c.Family} model {c.ModelNumber}), " +
            $"cache info in sysfs: {(c.CacheInfoInSysfs ? "yes" : "no")}");
        o.WriteLine($"flags      {string.Join(' ', c.Flags)}");
        o.WriteLine($"threads    {r.Threads}");
        o.WriteLine($"versions   TorchSharp {r.TorchSharpVersion}, libtorch {r.LibTorchVersion}, oneDNN {r.OneDnnVersion ?? "unknown"}");
        o.WriteLine();
        var width = r.Checks.Max(x => x.Configuration.Length);
        foreach (var x in r.Checks.OrderBy(x => x.Direct == "ok").ThenBy(x => x.Configuration, StringComparer.Ordinal))
        {
            var direct = x.Direct == "ok" ? "ok" : $"wrong ({Err(x.DirectError)})";
            var remedy = x.Remedy is null ? "" : $" -> {x.Remedy} -> {(x.Ok ? "ok" : "wrong")} ({Err(x.RemedyError)})";
            o.WriteLine($"{x.Configuration.PadRight(width)}  {direct}{remedy}");
        }
        if (r.Checks.Any(x => x.Remedy?.EndsWith("(precaution)") == true))
            o.WriteLine("(precaution: libtorch's kernel passed at the check's size, but the fault comes and goes with input size " +
                "and threads on this machine, so shapes of its class take the checked remedy)");
        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Checks.Count} configurations checked in {r.CheckMilliseconds:F0} ms; {r.WrongConfigurations} " +
            $"wrong in libtorch's kernels; ") +
            (r.ComputesCorrectly ? "with the remedies everything computes correctly" : "SOME CONFIGURATIONS HAVE NO CORRECT KERNEL"));
    }

    static string Err(double? e) => e?.ToString("G3", CultureInfo.InvariantCulture) ?? "NaN/inf";
}
