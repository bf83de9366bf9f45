using System.Diagnostics;
using System.Globalization;
using CycleGan.Reproduce;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli;

/// <summary>
/// Progress of <c>cyclegan reproduce</c>: on a terminal one Spectre.Console bar for the whole run (stages) and one for
/// the model being trained (its time budget); otherwise plain lines — each stage, the runners' messages, and a
/// line per model every 30 s.
/// </summary>
public sealed class ReproduceProgress(TextWriter output) : IReproduceObserver
{
    static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(30);
    ProgressContext? _ctx;
    ProgressTask? _whole;
    ProgressTask? _model;
    string _run = "";
    TimeSpan _budget;
    readonly Stopwatch _clock = new();
    TimeSpan _lastPlain;
    string _losses = "";

    public void Attach(ProgressContext ctx) => _ctx = ctx;

    public void OnStage(int index, int total, string description)
    {
        var line = $"[{index + 1}/{total}] {description}";
        if (_ctx == null)
        {
            output.WriteLine(line);
            return;
        }
        _whole ??= _ctx.AddTask("whole run", maxValue: total);
        _whole.Value = index;
        _whole.Description = Markup.Escape(line);
        if (_model != null) _model.Value = _model.MaxValue;
    }

    public void OnTrainingBudget(string run, TimeSpan budget)
    {
        _run = run;
        _budget = budget;
        _losses = "";
        _clock.Restart();
        _lastPlain = TimeSpan.Zero;
        if (_ctx == null) return;
        // One bar for the model in training, reused: fifteen finished bars would push the whole-run bar off the screen.
        _model ??= _ctx.AddTask(Markup.Escape(run));
        _model.MaxValue = Math.Max(1, budget.TotalSeconds);
        _model.Value = 0;
        _model.Description = Markup.Escape(run);
    }

    public void OnIteration(IterationInfo i)
    {
        var elapsed = _clock.Elapsed;
        if (_model != null)
        {
            _model.Value = Math.Min(_model.MaxValue, elapsed.TotalSeconds);
            _model.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{_run}: epoch {i.Epoch} it {i.TotalIters} {1 / Math.Max(1e-9, i.SecondsPerIter):F1} it/s {_losses}"));
        }
        else if (_ctx == null && elapsed - _lastPlain >= PlainEvery)
        {
            _lastPlain = elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {_run}: {elapsed.TotalSeconds:F0} of {_budget.TotalSeconds:F0} s, {i.TotalIters} iterations, " +
                $"epoch {i.Epoch}; {_losses}"));
        }
    }

    public void OnLosses(LossReport r) =>
        _losses = string.Join(" ", r.Losses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}:{kv.Value:F3}")));

    public void OnMessage(string message)
    {
        if (_ctx != null) AnsiConsole.MarkupLine(Markup.Escape(message));
        else output.WriteLine(message);
    }

    public void Finish()
    {
        if (_whole != null) _whole.Value = _whole.MaxValue;
        if (_model != null) _model.Value = _model.MaxValue;
    }
}
