using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>The flags of <c>cyclegan eval epochs</c>; <see cref="Sweep"/> gives what <see cref="EpochSweep.Run"/> takes.</summary>
public sealed record EpochsEvalOptions
{
    [Option("run", "run folder (<checkpoints_dir>/<name>) with <epoch>_net_*.pth from `train --save_epoch_freq N` and train_opt.txt",
        Required = true)]
    public string Run { get; init; } = "";
    [Option("dataroot", "dataset the test translation reads (as `cyclegan test --dataroot`)", Required = true)]
    public string Dataroot { get; init; } = "";
    [Option("metric", "labels (needs --palette), fcn (needs --segmenter and --palette) or fd")]
    public string Metric { get; init; } = "labels";
    [Option("palette", "palette JSON of the label colours (labels, fcn)")]
    public string? Palette { get; init; }
    [Option("segmenter", "segmenter file from `cyclegan eval segmenter-train` (fcn)")]
    public string? Segmenter { get; init; }
    [Option("pred_visual", "test visual that is scored (default fake_B; synthetic streets photo→labels: fake_A)",
        Aliases = ["pred-visual"])]
    public string? PredVisual { get; init; }
    [Option("gt_visual", "test visual it is compared with (default: real_B for labels and fd, real_A for fcn)", Aliases = ["gt-visual"])]
    public string? GtVisual { get; init; }
    [Option("out", "report folder (default <run>/eval_epochs_<metric>)")]
    public string? Out { get; init; }
    [Option("phase", "the split the test translation reads")]
    public string Phase { get; init; } = "test";
    [Option("num_test", "how many test images per epoch")]
    public int NumTest { get; init; } = 50;
    [Option("subsets", "KD: random subsets (fd)")]
    public int Subsets { get; init; } = 100;
    [Option("device", ComputeOptions.DeviceHelp)]
    public string? Device { get; init; }

    /// <summary>The sweep: the metric parsed, the report folder and the visuals defaulted by metric.</summary>
    public EpochSweepOptions Sweep()
    {
        var m = Metric.Trim().ToLowerInvariant() switch
        {
            "labels" => SweepMetric.Labels,
            "fcn" or "fcn-score" => SweepMetric.Fcn,
            "fd" => SweepMetric.Fd,
            var v => throw new UserError($"--metric {v}: expected labels, fcn or fd"),
        };
        return new EpochSweepOptions
        {
            RunDir = Run, Dataroot = Dataroot, Metric = m, Out = Out ?? Path.Combine(Run, "eval_epochs_" + EpochSweep.Name(m)),
            Palette = Palette, Segmenter = Segmenter, PredVisual = PredVisual ?? "fake_B",
            GtVisual = GtVisual ?? (m == SweepMetric.Fcn ? "real_A" : "real_B"),
            Phase = Phase, NumTest = NumTest, KdSubsets = Subsets, Device = Device,
        };
    }
}
