using System.Globalization;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli;

/// <summary>
/// Training progress for people: on a terminal a Spectre.Console progress bar (epoch, iteration, losses, it/s, ETA);
/// otherwise (CI, pipes) plain lines — the official loss lines at print_freq and one line per epoch.
/// </summary>
public sealed class ConsoleProgress(TextWriter output) : ITrainingObserver
{
    ProgressContext? _ctx;
    ProgressTask? _task;
    string _losses = "";

    public void Attach(ProgressContext ctx) => _ctx = ctx;

    public void OnStart(TrainingStart s)
    {
        var batch = s.Ranks > 1 ? $"batch {s.BatchSize} per rank × {s.Ranks} ranks" : $"batch {s.BatchSize}";
        var line = $"training {s.DatasetSize} images, {batch}, epochs {s.FirstEpoch}..{s.LastEpoch}, {s.BatchesPerEpoch} " +
            $"iterations per epoch; writing to {s.RunDir}";
        if (_ctx != null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(line));
            var total = (double)(s.LastEpoch - s.FirstEpoch + 1) * s.BatchesPerEpoch - s.ResumeBatches;
            _task = _ctx.AddTask("training", maxValue: Math.Max(1, total));
        }
        else output.WriteLine(line);
    }

    public void OnIteration(IterationInfo i)
    {
        if (_task == null) return;
        _task.Increment(1);
        _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"epoch {i.Epoch} it {i.Batch}/{i.BatchesPerEpoch} {1 / Math.Max(1e-9, i.SecondsPerIter):F1} it/s {_losses}"));
    }

    public void OnLosses(LossReport r)
    {
        _losses = string.Join(" ", r.Losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}:{kv.Value:F3}")));
        if (_task == null)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"(epoch: {r.Epoch}, iters: {r.EpochIter}, " +
                $"time: {r.ComputeSeconds:F3}, data: {r.DataSeconds:F3}) ")
                + string.Join(" ", r.Losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}: {kv.Value:F3}")));
            output.WriteLine(line);
        }
    }

    public void OnEpochEnd(EpochEnd e) => Write(string.Create(CultureInfo.InvariantCulture,
        $"End of epoch {e.Epoch} / {e.LastEpoch} \t Time Taken: {e.Seconds:F0} sec; learning rate {e.OldLr:G7} -> {e.NewLr:G7}; " +
        $"waited {e.DataWaitSeconds:F2} s for data"));

    public void OnCheckpoint(string label, long totalIters) =>
        Write($"saving the model ({label}) at total iterations {totalIters}");

    public void OnMessage(string message) => Write(message);

    void Write(string line)
    {
        if (_ctx != null) AnsiConsole.MarkupLine(Markup.Escape(line));
        else output.WriteLine(line);
    }

    public static bool IsInteractive(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
        && AnsiConsole.Profile.Capabilities.Interactive;
}
