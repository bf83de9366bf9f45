using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>Models by their official <c>--model</c> names. A new model is one class plus one line here.</summary>
public static class ModelRegistry
{
    // Replaced, never changed, by Register: readers on other threads see the old or the new table.
    static Dictionary<string, Func<BaseOptions, bool, Device, GanModel>> Models = new()
    {
        ["cycle_gan"] = (o, train, d) => new CycleGanModel(o, train, d),
        ["pix2pix"] = (o, train, d) => new Pix2PixModel(o, train, d),
        ["colorization"] = (o, train, d) => new ColorizationModel(o, train, d),
        ["simgan"] = (o, train, d) => new SimGanModel(o, train, d),
        ["feature_gan"] = (o, train, d) => new FeatureGanModel(o, train, d),
        ["cogan"] = (o, train, d) => new CoGanModel(o, train, d),
        ["bigan"] = (o, train, d) => new BiGanModel(o, train, d),
        ["test"] = (o, train, d) => train
            ? throw new UserError("--model test is for testing only; train with --model cycle_gan or pix2pix")
            : new TestModel((TestOptions)o, d),
    };

    public static IReadOnlyCollection<string> Names => [.. Models.Keys];

    /// <summary>
    /// Adds a model under its <c>--model</c> name (or replaces the one of that name); the flag accepts it from then on.
    /// <paramref name="create"/> gets the options, whether to build the training parts, and the device.
    /// </summary>
    public static void Register(string name, Func<BaseOptions, bool, Device, GanModel> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        lock (Gate) Models = new(Models) { [name] = create };
    }

    static readonly object Gate = new();

    public static GanModel Create(BaseOptions opt, bool isTrain, Device device)
    {
        var models = Models;
        if (!models.TryGetValue(opt.Model, out var make))
            throw new UserError($"model [{opt.Model}] is not recognized (use {string.Join(", ", models.Keys)})");
        return make(opt, isTrain, device);
    }
}
