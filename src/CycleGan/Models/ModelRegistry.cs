using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>
/// Models by their official <c>--model</c> names: a model is one class, its options record, and one line here.
/// The one place that knows a model's name; nothing else switches on it.
/// </summary>
public static class ModelRegistry
{
    // Replaced, never changed, by Register: readers on other threads see the old or the new table.
    static Dictionary<string, ModelEntry> Models = new()
    {
        ["cycle_gan"] = new(c => new CycleGanModel(c), () => new CycleGanOptions()) { DataParallel = true },
        ["pix2pix"] = new(c => new Pix2PixModel(c), () => new Pix2PixOptions()) { DataParallel = true },
        ["colorization"] = new(c => new ColorizationModel(c), () => new ColorizationOptions()) { DataParallel = true },
        ["simgan"] = new(c => new SimGanModel(c), () => new SimGanOptions()),
        ["feature_gan"] = new(c => new FeatureGanModel(c), () => new FeatureGanOptions()),
        ["cogan"] = new(c => new CoGanModel(c), () => new CoGanOptions()),
        ["bigan"] = new(c => new BiGanModel(c), () => new BiGanOptions()),
        ["cut"] = new(c => new CutModel(c), () => new CutOptions()) { FolderPerVisual = true },
        ["test"] = new(c => new TestModel(c), () => new TestModelOptions()) { Trainable = false },
    };

    static readonly object Gate = new();

    public static IReadOnlyCollection<string> Names => [.. Models.Keys];

    /// <summary>Adds a model under its <c>--model</c> name (or replaces the one of that name); the flag accepts it from then on.</summary>
    public static void Register(string name, ModelEntry entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(entry);
        lock (Gate) Models = new(Models) { [name] = entry };
    }

    /// <summary>Removes a model added by <see cref="Register"/> (tests clean up after themselves).</summary>
    public static void Unregister(string name)
    {
        lock (Gate)
        {
            var copy = new Dictionary<string, ModelEntry>(Models);
            copy.Remove(name);
            Models = copy;
        }
    }

    /// <summary>The entry of <c>--model <paramref name="name"/></c>; an unknown name is a user error listing the known ones.</summary>
    public static ModelEntry Get(string name)
    {
        var models = Models;
        return models.TryGetValue(name, out var entry) ? entry
            : throw new UserError($"model [{name}] is not recognized (use {string.Join(", ", models.Keys)})");
    }

    /// <summary>Every model's options record type (for the flags a command accepts), each once.</summary>
    public static IReadOnlyList<Type> OptionTypes => [.. Models.Values.Select(e => e.Options().GetType()).Distinct()];

    /// <summary>
    /// Options of type <typeparamref name="T"/> for <c>--model <paramref name="model"/></c>: the record's defaults, then
    /// the model's (its options record's <see cref="ModelOptions.SetDefaults"/>), as the official parser sets them.
    /// </summary>
    public static T NewOptions<T>(string model) where T : BaseOptions, new() => (T)NewOptions(typeof(T), model);

    /// <inheritdoc cref="NewOptions{T}(string)"/>
    /// <param name="given">Sets the model's flags the user gave before its defaults are applied, so that defaults
    /// may depend on them (the official <c>parse_known_args</c> in <c>modify_commandline_options</c>, e.g. CUT's
    /// <c>--CUT_mode</c>); the caller sets them again afterwards, so that they win.</param>
    public static BaseOptions NewOptions(Type optionsType, string model, Action<ModelOptions>? given = null)
    {
        var o = (BaseOptions)Activator.CreateInstance(optionsType)!;
        o.Model = model;
        o.ModelFlags = Get(model).Options();
        given?.Invoke(o.ModelFlags);
        o.ModelFlags.SetDefaults(o);
        return o;
    }

    public static GanModel Create(BaseOptions opt, bool isTrain, Device device)
    {
        var entry = Get(opt.Model);
        if (!isTrain) return entry.Create(ModelContext.ForTesting(opt, device));
        if (!entry.Trainable)
            throw new UserError($"--model {opt.Model} is for testing only; train with --model cycle_gan or pix2pix");
        return entry.Create(ModelContext.ForTraining(opt as TrainOptions
            ?? throw new ArgumentException("training needs TrainOptions", nameof(opt)), device));
    }
}
