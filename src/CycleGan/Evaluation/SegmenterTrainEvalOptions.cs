using CycleGan.Options;

namespace CycleGan.Evaluation;

/// <summary>
/// The flags of <c>cyclegan eval segmenter-train</c>: the files, the output and the training settings
/// (<see cref="Training"/>) of the U-Net segmenter fcn-score uses.
/// </summary>
public sealed record SegmenterTrainEvalOptions
{
    static readonly SegmenterTrainingOptions D = new();

    [Option("dataroot", "folder of side-by-side photo|labels files, e.g. datasets/facades/train", Required = true)]
    public string Dataroot { get; init; } = "";
    [Option("palette", "palette JSON of the label colours", Required = true)]
    public string Palette { get; init; } = "";
    [Option("out", "segmenter file to write (safetensors)", Required = true)]
    public string Out { get; init; } = "";
    [Option("photo_side", "half of each file holding the photo (the labels are the other half); facades: left", Aliases = ["photo-side"])]
    public string PhotoSide { get; init; } = "left";
    [Option("size", "square training size in px (photos resized bilinearly)")]
    public int Size { get; init; } = D.ImageSize;
    [Option("ngf", "filters of the first U-Net level")]
    public int Ngf { get; init; } = D.Ngf;
    [Option("levels", "U-Net levels (size must be a multiple of 2^(levels-1))")]
    public int Levels { get; init; } = D.Levels;
    [Option("epochs", "passes over the training files")]
    public int Epochs { get; init; } = D.Epochs;
    [Option("batch_size", "images per step", Aliases = ["batch-size"])]
    public int BatchSize { get; init; } = D.BatchSize;
    [Option("lr", "Adam learning rate")]
    public double Lr { get; init; } = D.Lr;
    [Option("seed", "seed of the initial weights and the batch order")]
    public int Seed { get; init; } = D.Seed;
    [Option("max_images", "use only the first N files (0 = all)", Aliases = ["max-images"])]
    public int MaxImages { get; init; } = D.MaxImages;
    [Option("device", ComputeOptions.DeviceHelp)]
    public string? Device { get; init; }

    /// <summary>The training settings, checked.</summary>
    public SegmenterTrainingOptions Training()
    {
        var o = new SegmenterTrainingOptions
        {
            PhotoSide = EvalOutputOptions.ParseSide(PhotoSide, "photo_side"), ImageSize = Size, Ngf = Ngf, Levels = Levels,
            Epochs = Epochs, BatchSize = BatchSize, Lr = Lr, Seed = Seed, MaxImages = MaxImages,
        };
        o.Validate();
        return o;
    }
}
