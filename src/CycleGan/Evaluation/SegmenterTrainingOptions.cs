namespace CycleGan.Evaluation;

/// <summary>
/// Settings of <c>cyclegan eval segmenter-train</c>. PhotoSide is the half of each AB file that holds the photo
/// (facades: left); the labels are the other half.
/// </summary>
public sealed record SegmenterTrainingOptions
{
    public int ImageSize { get; init; } = 128;
    public int Ngf { get; init; } = 16;
    public int Levels { get; init; } = 4;
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 8;
    public double Lr { get; init; } = 1e-3;
    public int Seed { get; init; } = 0;
    public AbSide PhotoSide { get; init; } = AbSide.Left;
    /// <summary>Stop after this many files (0 = all), for quick runs.</summary>
    public int MaxImages { get; init; }

    public void Validate()
    {
        if (PhotoSide == AbSide.Full)
            throw new UserError("--photo_side must be left or right: segmenter training reads side-by-side photo|labels files");
        if (Epochs < 1) throw new UserError($"--epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new UserError($"--batch_size must be at least 1, got {BatchSize}");
        if (Ngf < 1) throw new UserError($"--ngf must be at least 1, got {Ngf}");
        if (Levels is < 1 or > 8) throw new UserError($"--levels must be 1..8, got {Levels}");
        if (ImageSize < 1 || ImageSize % (1 << (Levels - 1)) != 0) throw new UserError($"--size {ImageSize} must be a positive " +
            $"multiple of {1 << (Levels - 1)}");
        if (!(Lr > 0)) throw new UserError($"--lr must be positive, got {Lr}");
        if (MaxImages < 0) throw new UserError($"--max_images must be 0 (all) or more, got {MaxImages}");
    }
}

/// <summary>What one training epoch reports: its mean cross-entropy and the pixel accuracy on the training batches.</summary>
public sealed record SegmenterEpoch(int Epoch, int Epochs, double Loss, double PixelAccuracy, TimeSpan Elapsed);
