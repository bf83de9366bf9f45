using CycleGan.Networks;

namespace CycleGan.Options;

/// <summary>
/// The generator flags of the official base options (what <c>define_G</c> takes from the command line): all that
/// <c>translate</c> and <c>export</c> need to rebuild a generator for a checkpoint, and the base of <see cref="BaseOptions"/>.
/// </summary>
public record GeneratorOptions
{
    [Option("input_nc", "# of input image channels: 3 for RGB and 1 for grayscale")]
    public int InputNc { get; set; } = 3;
    [Option("output_nc", "# of output image channels: 3 for RGB and 1 for grayscale")]
    public int OutputNc { get; set; } = 3;
    [Option("ngf", "# of gen filters in the last conv layer")]
    public int Ngf { get; set; } = 64;
    [Option("netG", "specify generator architecture", ChoicesFrom = typeof(NetworkRegistry),
        ChoicesMember = nameof(NetworkRegistry.GeneratorNames))]
    public string NetG { get; set; } = "resnet_9blocks";
    [Option("norm", "instance normalization or batch normalization (syncbatch: batch statistics over all ranks of an MPI run)",
        ChoicesFrom = typeof(NormLayer),
        ChoicesMember = nameof(NormLayer.Kinds))]
    public string Norm { get; set; } = "instance";
    [Option("no_dropout", "no dropout for the generator")]
    public bool NoDropout { get; set; }
    [Option("verbose", "if specified, print more debugging information (and stack traces on errors)")]
    public bool Verbose { get; set; }
}
