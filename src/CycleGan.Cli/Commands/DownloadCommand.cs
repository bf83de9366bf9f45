using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using CycleGan.Download;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>
/// `cyclegan download KIND NAME`: the official download scripts' datasets and pretrained models, fetched resumably,
/// checked and unpacked safely (<see cref="Downloader"/>); `--list` prints the names.
/// </summary>
public static class DownloadCommand
{
    const string MirrorVariable = "CYCLEGAN_MIRROR";
    const double Mega = 1e6;
    // Without a terminal: a line per tenth of the file, or this often when its length is unknown.
    static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var kind = new Argument<string>("KIND")
        {
            Description = "which official download script: " + string.Join(", ", DownloadCatalogue.KindNames),
            Arity = ArgumentArity.ZeroOrOne,
        };
        kind.CompletionSources.Add(_ => DownloadCatalogue.KindNames.Select(n => new CompletionItem(n)));
        var name = new Argument<string>("NAME")
        {
            Description = "the official name, e.g. maps or horse2zebra (cyclegan download --list)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var cmd = new Command("download", "Download an official dataset or pretrained model as the official scripts do, "
            + "resumably, checked before anything is put in place") { kind, name };
        var binder = new OptionBinder<DownloadOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var o = binder.Bind(parse) with { Kind = parse.GetValue(kind) ?? "", Name = parse.GetValue(name) ?? "" };
            var output = parse.InvocationConfiguration.Output;
            if (o.List)
            {
                foreach (var line in Downloader.List(o.Kind)) output.WriteLine(line);
                return 0;
            }
            if (o.Kind == "")
                throw new UserError("say what to download: cyclegan download "
                    + $"{string.Join("|", DownloadCatalogue.KindNames)} NAME (cyclegan download --list shows the names)");
            if (o.Mirror == "" && Environment.GetEnvironmentVariable(MirrorVariable) is { Length: > 0 } mirror)
                o = o with { Mirror = mirror };
            var r = ConsoleProgress.IsInteractive(output) ? RunWithBar(o) : RunPlain(o, output);
            var resumed = r.Fetch.ResumedFrom > 0 ? $", resumed at {r.Fetch.ResumedFrom:N0}" : "";
            var verb = r.Replaced ? "replaced" : "wrote";
            output.WriteLine($"{verb} {r.Destination} ({r.Fetch.Bytes:N0} bytes from {r.Fetch.Url}{resumed})");
            return 0;
        });
        return cmd;
    }

    static DownloadResult RunWithBar(DownloadOptions o) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                return new Downloader
                {
                    Progress = p =>
                    {
                        task ??= ctx.AddTask(Markup.Escape(p.File), maxValue: Math.Max(1, p.Total ?? 1));
                        task.IsIndeterminate = p.Total is null;
                        if (p.Total is { } t) task.MaxValue = Math.Max(1, t);
                        task.Value = p.Done;
                    },
                    Message = line => AnsiConsole.MarkupLine(Markup.Escape(line)),
                }.Run(o);
            });

    static DownloadResult RunPlain(DownloadOptions o, TextWriter output)
    {
        var shownTenth = -1L;
        var shownAt = DateTime.MinValue;
        return new Downloader
        {
            Progress = p =>
            {
                var tenth = p.Total is { } t and > 0 ? p.Done * 10 / t : -1;
                var due = p.Total is null ? DateTime.UtcNow - shownAt >= PlainEvery : tenth > shownTenth;
                if (!due) return;
                shownTenth = tenth;
                shownAt = DateTime.UtcNow;
                output.WriteLine(Line(p));
            },
            Message = output.WriteLine,
        }.Run(o);
    }

    static string Line(DownloadProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        var of = p.Total is { } t ? string.Create(c, $" of {t / Mega:F1} MB ({100.0 * p.Done / Math.Max(1, t):F0}%)") : " MB";
        var eta = p.Eta is { } e ? string.Create(c, $", ETA {e:hh\\:mm\\:ss}") : "";
        return string.Create(c, $"{p.File}: {p.Done / Mega:F1}{of}, {p.BytesPerSecond / Mega:F1} MB/s{eta}");
    }
}
