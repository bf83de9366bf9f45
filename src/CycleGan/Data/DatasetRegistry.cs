namespace CycleGan.Data;

/// <summary>
/// Datasets by their official <c>--dataset_mode</c> names (the official <c>create_dataset</c>): a new mode is one
/// <see cref="IImageDataset"/> class plus one line here.
/// </summary>
public static class DatasetRegistry
{
    static readonly Dictionary<string, Func<DataOptions, IImageDataset>> Datasets = new()
    {
        ["unaligned"] = o => new UnalignedDataset(o),
        ["aligned"] = o => new AlignedDataset(o),
        ["single"] = o => new SingleDataset(o),
        ["colorization"] = o => new ColorizationDataset(o),
    };

    /// <summary>The <c>--dataset_mode</c> names.</summary>
    public static IReadOnlyCollection<string> Names => Datasets.Keys;

    /// <summary>The dataset named by <see cref="DataOptions.DatasetMode"/>, after the options are checked.</summary>
    public static IImageDataset Create(DataOptions o)
    {
        o.Validate();
        return Datasets[o.DatasetMode](o);
    }
}
