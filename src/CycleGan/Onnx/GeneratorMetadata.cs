using System.Globalization;

namespace CycleGan.Onnx;

/// <summary>
/// What an exported generator says about itself in the model's <c>metadata_props</c>: the network flags it was built
/// with, the tensor layout a caller must feed, the size its height and width must be a multiple of, and the sha256 of
/// the checkpoint its weights came from.
/// </summary>
public sealed record GeneratorMetadata
{
    public required string NetG { get; init; }
    public required int Ngf { get; init; }
    public required string Norm { get; init; }
    public required int InputNc { get; init; }
    public required int OutputNc { get; init; }
    /// <summary>Height and width must be multiples of this (ResNet 4, unet_N N) for the output to keep the size.</summary>
    public required int SizeMultiple { get; init; }
    public required string CheckpointSha256 { get; init; }

    /// <summary>How the input and output tensors are laid out (the official ToTensor + Normalize(0.5, 0.5)).</summary>
    public string Layout => $"NCHW float32, input {Channels(InputNc)}, output {Channels(OutputNc)}, range [-1, 1]";

    static string Channels(int nc) => nc switch { 3 => "RGB", 1 => "gray", _ => $"{nc} channels" };

    public IEnumerable<KeyValuePair<string, string>> ToProperties() =>
    [
        new("netG", NetG),
        new("ngf", Ngf.ToString(CultureInfo.InvariantCulture)),
        new("norm", Norm),
        new("input_nc", InputNc.ToString(CultureInfo.InvariantCulture)),
        new("output_nc", OutputNc.ToString(CultureInfo.InvariantCulture)),
        new("layout", Layout),
        new("size_multiple", SizeMultiple.ToString(CultureInfo.InvariantCulture)),
        new("checkpoint_sha256", CheckpointSha256),
    ];

    /// <summary>The metadata of a model we exported, or null where a property is missing or malformed.</summary>
    public static GeneratorMetadata? FromProperties(IReadOnlyDictionary<string, string> p)
    {
        string? S(string key) => p.TryGetValue(key, out var v) ? v : null;
        int? I(string key) => int.TryParse(S(key), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        if (S("netG") is not { } netG || I("ngf") is not { } ngf || S("norm") is not { } norm
            || I("input_nc") is not { } inNc || I("output_nc") is not { } outNc
            || I("size_multiple") is not { } multiple || S("checkpoint_sha256") is not { } sha)
            return null;
        return new GeneratorMetadata
        {
            NetG = netG, Ngf = ngf, Norm = norm, InputNc = inNc, OutputNc = outNc, SizeMultiple = multiple,
            CheckpointSha256 = sha,
        };
    }
}
