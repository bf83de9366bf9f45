using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>
/// What a model's constructor gets: the run's options, the training options when it is built for training (null for
/// testing, so nothing is cast), and the device.
/// </summary>
public sealed record ModelContext(BaseOptions Opt, TrainOptions? Train, Device Device)
{
    public bool IsTrain => Train is not null;

    /// <summary>The model's own flags; made by <c>TrainOptions.For(model)</c> / <c>TestOptions.For(model)</c>.</summary>
    public T Flags<T>() where T : ModelOptions => Opt.Flags<T>();

    public static ModelContext ForTraining(TrainOptions t, Device device) => new(t, t, device);

    public static ModelContext ForTesting(BaseOptions o, Device device) => new(o, null, device);
}
