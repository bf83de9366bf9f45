using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>
/// <c>TrainOptions.For(model)</c> and <c>TestOptions.For(model)</c>: the one way to make options for a model, with its
/// defaults applied (declared here, beside the registry that knows the models, so Options needs nothing above it).
/// </summary>
public static class OptionsFor
{
    extension<T>(T) where T : BaseOptions, new()
    {
        /// <summary>Options for <c>--model <paramref name="model"/></c> with the model's defaults.</summary>
        public static T For(string model) => ModelRegistry.NewOptions<T>(model);
    }
}
