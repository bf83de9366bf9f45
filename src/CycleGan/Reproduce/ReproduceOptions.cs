using System.Text.Json.Serialization;
using CycleGan.Options;

namespace CycleGan.Reproduce;

/// <summary>
/// What <c>cyclegan reproduce</c> runs: every method of the CycleGAN paper's Tables 2–4 trained under the same
/// wall-clock budget on one dataset, then both directions evaluated. The defaults fit 60 minutes on 2 CPU cores.
/// These are also the command's flags; <c>--experiment adaptation</c> runs <see cref="ToAdaptation"/> instead.
/// </summary>
public sealed record ReproduceOptions : ExperimentOptions
{
    public static readonly string[] Experiments = ["tables", "adaptation"];
    public static readonly string[] Datasets = ["synth", "facades"];

    /// <summary><c>tables</c> (these options) or <c>adaptation</c> (<see cref="ToAdaptation"/>).</summary>
    [Option("experiment", "tables: the paper's Tables 2–4; adaptation: segmenters trained on style 1, style 2 and style 1 "
        + "translated to style 2", ChoicesFrom = typeof(ReproduceOptions), ChoicesMember = nameof(Experiments))]
    [JsonIgnore] public string Experiment { get; init; } = "tables";
    /// <summary><c>synth</c> (generated) or <c>facades</c> (read from <see cref="FacadesRoot"/>).</summary>
    [Option("dataset", "synth (generated streets) or facades (--facades_root)", ChoicesFrom = typeof(ReproduceOptions),
        ChoicesMember = nameof(Datasets))]
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "synth";
    /// <summary>Training budget of one method (one table row); a one-directional method spends half on each direction.</summary>
    [Option("minutes_per_model", "training budget of each method in minutes (--experiment adaptation: of its CycleGAN, "
        + "default 6)", Aliases = ["minutes-per-model"])]
    [JsonPropertyName("minutes_per_model")] public double MinutesPerModel { get; init; } = 4;
    /// <summary>Instead of <see cref="MinutesPerModel"/>, for tests: the budget in seconds.</summary>
    [Option("seconds_per_model", "training budget of each method in seconds", Hidden = true, Aliases = ["seconds-per-model"])]
    [JsonIgnore] public double? SecondsPerModel { get; init; }
    /// <summary>Methods by key (<see cref="ReproduceMethod.All"/>); empty = all.</summary>
    [Option("methods", "comma-separated method keys (default: all)", Hidden = true)]
    [JsonPropertyName("methods")] public IReadOnlyList<string> Methods { get; init; } = [];
    /// <summary>The facades dataset (side-by-side photo|labels files and palette.pix2pix.json).</summary>
    [Option("facades_root", "the facades dataset (photo|labels files, palette.pix2pix.json)", Aliases = ["facades-root"])]
    [JsonPropertyName("facades_root")] public string FacadesRoot { get; init; } = "./datasets/facades";

    public override void Validate()
    {
        if (!Datasets.Contains(Dataset)) throw new UserError($"unknown --dataset '{Dataset}'; use synth or facades");
        if (!(MinutesPerModel > 0))
            throw new UserError($"--minutes_per_model {MinutesPerModel} is not allowed; give a positive budget in minutes (e.g. 4)");
        base.Validate();
        foreach (var m in Methods)
            if (ReproduceMethod.All.All(x => x.Key != m))
                throw new UserError($"unknown method '{m}' in --methods; use {string.Join(", ", ReproduceMethod.All.Select(x => x.Key))}");
    }

    protected override void ValidateSize()
    {
        if (Size is not (32 or 64 or 128 or 256))
            throw new UserError($"--size {Size} is not allowed; use 32, 64, 128 or 256 (CoGAN and the U-Net need a power of two)");
    }

    /// <summary>
    /// The adaptation experiment with these shared settings; <paramref name="minutes"/> is its CycleGAN's budget
    /// (null: its default). It needs the synthetic streets' two rendering styles.
    /// </summary>
    public AdaptationOptions ToAdaptation(double? minutes)
    {
        if (Dataset != "synth")
            throw new UserError("--experiment adaptation needs --dataset synth: it uses the synthetic streets' two rendering styles");
        var a = new AdaptationOptions(this);
        return minutes is { } m ? a with { Minutes = m } : a;
    }

    public IReadOnlyList<ReproduceMethod> SelectedMethods =>
        Methods.Count == 0 ? ReproduceMethod.All : ReproduceMethod.All.Where(m => Methods.Contains(m.Key)).ToList();
}
