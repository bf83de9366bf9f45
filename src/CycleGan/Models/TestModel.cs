using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>
/// The official <c>TestModel</c>: one generator applied in one direction (<c>--dataset_mode single</c>), loaded from
/// <c>&lt;epoch&gt;_net_G&lt;model_suffix&gt;.pth</c>. Visuals: real, fake.
/// </summary>
public sealed class TestModel : GanModel
{
    readonly nn.Module<Tensor, Tensor> _g;

    public TestModel(ModelContext c) : base(c)
    {
        var opt = c.Opt;
        if (opt.DatasetMode != "single")
            throw new UserError("--model test needs --dataset_mode single (it applies one generator to the images in --dataroot)");
        _g = AddNetwork("G" + c.Flags<TestModelOptions>().ModelSuffix, Generator(opt.InputNc, opt.OutputNc));
    }

    public override IReadOnlyList<string> LossNames { get; } = [];
    public override IReadOnlyList<string> VisualNames { get; } = ["real", "fake"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, null, aPaths, null, null);

    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals() => [("real", RealA), ("fake", _g.forward(RealA))];

    public override void OptimizeParameters(Rng rng) =>
        throw new UserError("--model test cannot be trained; use --model cycle_gan or pix2pix");
}
