namespace CycleGan.Networks;

/// <summary>Everything <c>define_G</c> / <c>define_D</c> take, with the official option names.</summary>
public sealed record NetworkSpec
{
    public int InputNc { get; init; } = 3;
    public int OutputNc { get; init; } = 3;
    public int Ngf { get; init; } = 64;
    public int Ndf { get; init; } = 64;
    public string NetG { get; init; } = "resnet_9blocks";
    public string NetD { get; init; } = "basic";
    public int NLayersD { get; init; } = 3;
    public string Norm { get; init; } = "instance";
    public bool UseDropout { get; init; }
    public string InitType { get; init; } = "normal";
    public double InitGain { get; init; } = 0.02;
}
