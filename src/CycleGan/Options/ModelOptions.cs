namespace CycleGan.Options;

/// <summary>
/// A model's own flags and defaults, the official <c>modify_commandline_options</c>: a record with
/// <see cref="OptionAttribute"/> properties, declared beside its model in <c>Models/</c> and registered with it. The
/// options of a run carry the one of their <c>--model</c> (<see cref="BaseOptions.ModelFlags"/>).
/// </summary>
public abstract record ModelOptions
{
    /// <summary>The model's defaults of shared flags (official <c>parser.set_defaults</c>), before the user's flags.</summary>
    public virtual void SetDefaults(BaseOptions o) { }

    /// <summary>Resolves presets and refuses flag combinations the model cannot train with, before any work.</summary>
    public virtual void BeforeTraining(TrainOptions o) { }

    /// <summary>Refuses a negative value of any of the model's <c>lambda_*</c> weights.</summary>
    protected void CheckWeights()
    {
        foreach (var info in OptionInfo.OfModel(GetType()).Where(i => i.Name.StartsWith("lambda_", StringComparison.Ordinal)))
            if (info.Property.GetValue(this) is double v && v < 0) throw new UserError($"--{info.Name} must not be negative");
    }
}
