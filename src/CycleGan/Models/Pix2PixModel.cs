using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// The official <c>Pix2PixModel</c>: G maps A to B; a conditional PatchGAN D judges cat(A, B). Step order: D first
/// (fake then real, which matters for BatchNorm statistics), then G with GAN + lambda_L1 · L1 against the updated D.
/// </summary>
public class Pix2PixModel : GanModel
{
    readonly Module<Tensor, Tensor> _g;
    readonly Training? _training;

    public Pix2PixModel(ModelContext c) : base(c)
    {
        _g = AddNetwork("G", Generator(c.Opt.InputNc, c.Opt.OutputNc));
        if (c.Train is { } t) _training = new Training(this, t, c.Flags<Pix2PixOptions>());
    }

    /// <summary>What exists only when training: the conditional D, the GAN loss and the two optimizers.</summary>
    sealed class Training
    {
        public Training(Pix2PixModel m, TrainOptions t, Pix2PixOptions f)
        {
            F = f;
            D = m.AddNetwork("D", m.Discriminator(t.InputNc + t.OutputNc));
            Gan = GanLoss.For(t);
            OptG = m.Adam(t, m._g);
            OptD = m.Adam(t, D);
        }

        public Pix2PixOptions F { get; }
        public Module<Tensor, Tensor> D { get; }
        public GanLoss Gan { get; }
        public OptimizerGroup OptG { get; }
        public OptimizerGroup OptD { get; }
    }

    Training Train => _training ?? throw BuiltForTesting();

    public override IReadOnlyList<string> LossNames { get; } = ["G_GAN", "G_L1", "D_real", "D_fake"];
    public override IReadOnlyList<string> VisualNames => ["real_A", "fake_B", "real_B"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, "--model pix2pix needs paired images (use --dataset_mode aligned)");

    /// <summary>The official <c>forward()</c>: fake_B = G(real_A).</summary>
    Tensor Forward() => _g.forward(RealA);

    IEnumerable<(string, Tensor?)> Visuals(Tensor fakeB) => [("real_A", RealA), ("fake_B", fakeB), ("real_B", RealBIfAny)];

    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals() => Visuals(Forward());

    public override void OptimizeParameters(Rng rng)
    {
        var p = Train;
        using var scope = NewDisposeScope();
        var fakeB = Phase("G forward", Forward);

        StepDiscriminator(p.OptD, () => BackwardD(p, fakeB));
        StepGenerator(p.OptG, p.OptD, () => BackwardG(p, fakeB));
        Phase("record visuals", () => RecordVisuals(Visuals(fakeB)));
    }

    /// <summary>The official <c>backward_D</c>: D on cat(A, fake B) detached, then on cat(A, B); the mean, one backward.</summary>
    void BackwardD(Training p, Tensor fakeB)
    {
        var fakeAB = cat([RealA, fakeB], 1).detach();
        var lossDFake = p.Gan.Compute(p.D.forward(fakeAB), false);
        var realAB = cat([RealA, RealB], 1);
        var lossDReal = p.Gan.Compute(p.D.forward(realAB), true);
        var lossD = p.Gan.WithGradientPenalty(Scalars.Sum(lossDFake, lossDReal).mul(Scalars.Half), p.D, realAB, fakeAB);
        lossD.backward();
        RecordLoss("D_real", lossDReal);
        RecordLoss("D_fake", lossDFake);
    }

    /// <summary>The official <c>backward_G</c>: GAN on D(cat(A, fake B)) + lambda_L1 · L1(fake B, B), one backward.</summary>
    void BackwardG(Training p, Tensor fakeB)
    {
        var lossGGan = p.Gan.Compute(p.D.forward(cat([RealA, fakeB], 1)), true);
        var lossGL1 = functional.l1_loss(fakeB, RealB).Times(p.F.LambdaL1);
        Scalars.Sum(lossGGan, lossGL1).backward();
        RecordLoss("G_GAN", lossGGan);
        RecordLoss("G_L1", lossGL1);
    }
}
