using CycleGan.Models;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Tests.Models;

/// <summary>A model as a newcomer would add one: one generator trained with L1 towards B, nothing else.</summary>
public sealed class ToyModel : GanModel
{
    readonly Module<Tensor, Tensor> _g;
    readonly OptimizerGroup? _opt;

    public ToyModel(BaseOptions opt, bool isTrain, Device device) : base(opt, isTrain, device)
    {
        _g = AddNetwork("G", Generator(opt.InputNc, opt.OutputNc));
        if (isTrain) _opt = Adam((TrainOptions)opt, _g);
    }

    public override IReadOnlyList<string> LossNames { get; } = ["L1"];
    public override IReadOnlyList<string> VisualNames { get; } = ["real_A", "fake_B"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, "the toy model needs B images");

    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals() => [("real_A", RealA), ("fake_B", _g.forward(RealA))];

    public override void OptimizeParameters(CycleGan.Rng rng)
    {
        var opt = _opt ?? throw BuiltForTesting();
        using var scope = NewDisposeScope();
        var fakeB = _g.forward(RealA);
        ClearGradients(opt);
        var loss = functional.l1_loss(fakeB, RealB);
        loss.backward();
        Step(opt);
        RecordLoss("L1", loss);
        RecordVisuals([("real_A", RealA), ("fake_B", fakeB)]);
    }
}
