using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CycleGan.Benchmarks;

namespace CycleGan.Cli.Commands;

/// <summary>
/// `cyclegan bench`: the arguments of the PyTorch bench script (bench/README.md); one JSON line on stdout (the same keys),
/// progress (--rss_every) and the --profile breakdown on stderr.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var cmd = new Command("bench",
            "Time a training step or a generator forward, like the PyTorch bench script of bench/README.md (one JSON line)");
        var binder = new OptionBinder<BenchOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var options = binder.Bind(parse);
            var err = parse.InvocationConfiguration.Error;
            var r = Benchmark.Run(options, (i, mb) => err.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"iteration {i}: rss {mb:F1} MB")));
            if (r.ProfilePhasesS is not null) PrintBreakdown(err, "step phases (s / iteration)", r.ProfilePhasesS, r.MeanS);
            if (r.ProfileForwardByLayerS is not null) PrintBreakdown(err, "forward time by layer kind (s / iteration, hooks on)",
                r.ProfileForwardByLayerS, r.MeanS);
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(r));
            return 0;
        });
        return cmd;
    }

    static void PrintBreakdown(TextWriter w, string title, IReadOnlyDictionary<string, double> parts, double stepMean)
    {
        w.WriteLine(title + ":");
        foreach (var (name, s) in parts)
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-32} {s,9:F4}  {100 * s / stepMean,5:F1}%"));
    }
}
