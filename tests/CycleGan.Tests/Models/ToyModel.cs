using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Tests.Models;

/// <summary>
/// A model as a newcomer would add one: one generator trained with lambda_toy · L1 towards B, its flag and default
/// inside it; registered with one line, <c>ModelRegistry.Register("toy_l1", new(c => new ToyModel(c), () => new ToyModel.Flags()))</c>.
/// </summary>
public sealed class ToyModel : GanModel
{
    /// <summary>The toy's own flag and default.</summary>
    public sealed record Flags : ModelOptions
    {
        [Option("lambda_toy", "toy_l1: weight of the L1 loss")]
        public double LambdaToy { get; set; } = 1.0;

        public override void SetDefaults(BaseOptions o) => o.DatasetMode = "aligned";
    }

    readonly Module<Tensor, Tensor> _g;
    readonly OptimizerGroup? _opt;
    readonly double _lambda;

    public ToyModel(ModelContext c) : base(c)
    {
        _lambda = c.Flags<Flags>().LambdaToy;
        _g = AddNetwork("G", Generator(c.Opt.InputNc, c.Opt.OutputNc));
        if (c.Train is { } t) _opt = Adam(t, _g);
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
        var loss = functional.l1_loss(fakeB, RealB).Times(_lambda);
        loss.backward();
        Step(opt);
        RecordLoss("L1", loss);
        RecordVisuals([("real_A", RealA), ("fake_B", fakeB)]);
    }
}
