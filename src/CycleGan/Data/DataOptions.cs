using CycleGan.Options;
namespace CycleGan.Data;

/// <summary>
/// The official data options (<c>options/base_options.py</c>) the data layer reads, with the official defaults.
/// The CLI maps its flags onto this record.
/// </summary>
public sealed record DataOptions
{
    /// <summary><c>--dataroot</c>: folder holding <c>trainA</c>/<c>trainB</c> (unaligned), <c>train</c> (aligned) or the images
    /// (single).</summary>
    public string Dataroot { get; init; } = "";
    /// <summary><c>--dataset_mode</c>: unaligned | aligned | single | colorization.</summary>
    public string DatasetMode { get; init; } = "unaligned";
    /// <summary><c>--phase</c>: train, val, test, …</summary>
    public string Phase { get; init; } = "train";
    /// <summary><c>--preprocess</c>: resize_and_crop | crop | scale_width | scale_width_and_crop | none.</summary>
    public string Preprocess { get; init; } = "resize_and_crop";
    public int LoadSize { get; init; } = 286;
    public int CropSize { get; init; } = 256;
    public bool NoFlip { get; init; }
    /// <summary><c>--direction</c>: AtoB | BtoA. As officially, it only swaps which side gets <see cref="InputNc"/>;
    /// items still carry folder A as <c>A</c>, and the model's <c>set_input</c> swaps.</summary>
    public string Direction { get; init; } = "AtoB";
    public bool SerialBatches { get; init; }
    /// <summary><c>--max_dataset_size</c> (official default: infinite).</summary>
    public int MaxDatasetSize { get; init; } = int.MaxValue;
    public int InputNc { get; init; } = 3;
    public int OutputNc { get; init; } = 3;
    public int BatchSize { get; init; } = 1;
    /// <summary>Seeds every random choice of the data layer (order, crops, flips, unaligned pairing).</summary>
    public int Seed { get; init; }
    /// <summary>How many batches the background loader prepares ahead of the consumer.</summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>Files left out of the dataset (undecodable images skipped with <c>--skip_bad_images</c>).</summary>
    public IReadOnlySet<string> Exclude { get; init; } = new HashSet<string>();

    public static readonly string[] PreprocessModes = ["resize_and_crop", "crop", "scale_width", "scale_width_and_crop", "none"];

    public bool IsBtoA => Direction == "BtoA";

    /// <summary>Throws <see cref="UserError"/> for values the official code would reject or misuse.</summary>
    public void Validate()
    {
        if (!PreprocessModes.Contains(Preprocess))
            throw new UserError($"--preprocess {Preprocess} is not one of {string.Join(", ", PreprocessModes)}");
        if (!DatasetRegistry.Names.Contains(DatasetMode))
            throw new UserError($"--dataset_mode {DatasetMode} is not one of {string.Join(", ", DatasetRegistry.Names)}");
        if (Direction is not ("AtoB" or "BtoA")) throw new UserError($"--direction {Direction} must be AtoB or BtoA");
        if (LoadSize <= 0 || CropSize <= 0) throw new UserError($"--load_size ({LoadSize}) and --crop_size ({CropSize}) must be positive");
        // Colorization loads RGB and makes its own 1 + 2 Lab channels; its dataset checks them.
        if (DatasetMode != "colorization" && (InputNc is not (1 or 3) || OutputNc is not (1 or 3)))
            throw new UserError($"--input_nc {InputNc} / --output_nc {OutputNc}: images can only be loaded with 1 or 3 channels");
        if (BatchSize <= 0) throw new UserError($"--batch_size {BatchSize} must be at least 1");
        if (MaxDatasetSize <= 0) throw new UserError($"--max_dataset_size {MaxDatasetSize} must be at least 1");
        if (PrefetchBatches <= 0) throw new UserError($"prefetch depth {PrefetchBatches} must be at least 1");
    }

    /// <summary>The data flags of a run's options, for <paramref name="phase"/> and the run's seed.</summary>
    public static DataOptions For(BaseOptions o, string phase, int seed, IReadOnlySet<string>? exclude = null) => new()
    {
        Dataroot = o.Dataroot,
        DatasetMode = o.DatasetMode,
        Phase = phase,
        Preprocess = o.Preprocess,
        LoadSize = o.LoadSize,
        CropSize = o.CropSize,
        NoFlip = o.NoFlip,
        Direction = o.Direction,
        SerialBatches = o.SerialBatches,
        MaxDatasetSize = (int)Math.Min(int.MaxValue, o.MaxDatasetSize),
        InputNc = o.InputNc,
        OutputNc = o.OutputNc,
        BatchSize = o.BatchSize,
        Seed = seed,
        PrefetchBatches = Math.Max(1, o.NumThreads),
        Exclude = exclude ?? new HashSet<string>(),
    };
}
