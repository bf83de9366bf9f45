using CycleGan.Options;

namespace CycleGan.Data.Synth;

/// <summary>What <c>cyclegan datasets synth</c> generates; <see cref="Validate"/> turns bad values into <see cref="UserError"/>.</summary>
/// <param name="Out">The dataset root (the <c>--dataroot</c> of training).</param>
/// <param name="Kind">The scene family; only <c>streets</c> exists.</param>
/// <param name="Size">Width and height of every image in pixels; at least 16 and a multiple of 4.</param>
/// <param name="Train">Scenes per training domain (trainA, trainB and the aligned train/ each get this many).</param>
/// <param name="Test">Test scenes (testA, testB and the aligned test/ each get this many).</param>
/// <param name="Seed">Decides every scene and every photo; the same options give the same bytes.</param>
/// <param name="Style">Photo style, <see cref="PhotoStyle"/>: 1 day, 2 night with fog. Label maps do not depend on it.</param>
/// <param name="Video">Write a clip with exact flow (<c>Video.SynthVideo</c>) instead of a dataset.</param>
/// <param name="Frames">Frames of the clip.</param>
/// <param name="Force">Allow a non-empty <paramref name="Out"/>; the generator's own files and folders there are replaced.</param>
public sealed record SynthOptions(
    [property: Option("out", "dataset root to create (use it as --dataroot)", Required = true)] string Out,
    [property: Option("kind", "scene family: streets", ChoicesFrom = typeof(SynthOptions), ChoicesMember = nameof(SynthOptions.Kinds))]
    string Kind = "streets",
    [property: Option("size", "image width and height in pixels (multiple of 4, at least 16)")] int Size = 64,
    [property: Option("train", "training scenes per domain")] int Train = 400,
    [property: Option("test", "test scenes")] int Test = 100,
    [property: Option("seed", "random seed; the same options give the same bytes")] long Seed = 0,
    [property: Option("style", "photo style: 1 day, 2 dusk/night with lit windows, lamps and fog (label maps are the same)")] int Style = 1,
    [property: Option("video", "instead of a dataset: a camera pan and zoom through one street scene (frames/, labels/, exact "
        + "flow/, clip.mp4); needs ffmpeg")] bool Video = false,
    [property: Option("frames", "frames of the --video clip")] int Frames = 48,
    [property: Option("force", "write into a non-empty --out, replacing the dataset folders and files there (other files are kept)")]
    bool Force = false)
{
    public static readonly string[] Kinds = ["streets"];

    /// <summary>The defaults, with no output folder yet (the command's flags fill it in).</summary>
    public SynthOptions() : this("") { }

    public PhotoStyle PhotoStyle => (PhotoStyle)Style;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Out)) throw new UserError("--out is empty; give the folder to write the dataset to");
        if (!Kinds.Contains(Kind)) throw new UserError($"unknown --kind '{Kind}'; the available kinds are: {string.Join(", ", Kinds)}");
        if (Size < 16 || Size % 4 != 0) throw new UserError($"--size {Size} is not allowed; use a multiple of 4 " +
            $"that is at least 16 (e.g. 64)");
        if (Train < 0) throw new UserError($"--train {Train} is negative; give the number of training scenes per domain (0 or more)");
        if (Test < 0) throw new UserError($"--test {Test} is negative; give the number of test scenes (0 or more)");
        if (Video && Frames < 2) throw new UserError($"--frames {Frames} is too few; a clip needs at least 2 frames");
        if (!Enum.IsDefined(typeof(PhotoStyle), Style)) throw new UserError($"unknown --style {Style}; use 1 (day) or 2 (night with fog)");
    }
}
