using CycleGan.Options;

namespace CycleGan.Data;

/// <summary>The options of the official <c>datasets/combine_A_and_B.py</c>, with its defaults.</summary>
public sealed record CombineOptions
{
    /// <summary><c>--fold_A</c>: split folders (train, val, test, …) of A images.</summary>
    [Option("fold_A", "input directory for image A (split folders: train, val, test, ...)", Required = true)]
    public string FoldA { get; init; } = "";
    /// <summary><c>--fold_B</c>: the same split folders of B images, with the same file names.</summary>
    [Option("fold_B", "input directory for image B (the same split folders and file names)", Required = true)]
    public string FoldB { get; init; } = "";
    /// <summary><c>--fold_AB</c>: where the side-by-side pairs are written, one folder per split.</summary>
    [Option("fold_AB", "output directory", Required = true)]
    public string FoldAB { get; init; } = "";
    /// <summary><c>--num_imgs</c>: at most this many images per split (the first in sorted order).</summary>
    [Option("num_imgs", "number of images per split")]
    public int NumImgs { get; init; } = 1_000_000;
    /// <summary><c>--use_AB</c>: pair <c>0001_A.png</c> with <c>0001_B.png</c> into <c>0001.png</c>.</summary>
    [Option("use_AB", "if true: (0001_A, 0001_B) to (0001_AB)")]
    public bool UseAB { get; init; }
    /// <summary><c>--no_multiprocessing</c>: one image at a time instead of one per core.</summary>
    [Option("no_multiprocessing", "one image at a time instead of one per core")]
    public bool NoMultiprocessing { get; init; }
}
