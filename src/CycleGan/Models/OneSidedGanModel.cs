using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// The one-generator baselines of the CycleGAN paper (SimGAN, feature loss + GAN): G: A→B (the --netG options), a D
/// on B (the --netD options) fed from an image history pool, and G's loss = GAN + a regulariser that keeps G(x) close
/// to x (<see cref="Regularizer"/>). Step order as in CycleGAN: G (D frozen), then D on the pooled fake made before
/// the G update.
/// </summary>
public abstract class OneSidedGanModel : GanModel
{
    readonly Module<Tensor, Tensor> _g;
    readonly Training? _training;

    protected OneSidedGanModel(ModelContext c) : base(c)
    {
        _g = AddNetwork("G", Generator(c.Opt.InputNc, c.Opt.OutputNc));
        if (c.Train is { } t) _training = new Training(this, t);
    }

    /// <summary>What exists only when training: D, its image pool, the GAN loss and the two optimizers.</summary>
    sealed class Training
    {
        public Training(OneSidedGanModel m, TrainOptions t)
        {
            D = m.AddNetwork("D", m.Discriminator(t.OutputNc));
            Pool = m.AddPool(t.PoolSize);
            Gan = GanLoss.For(t);
            OptG = m.Adam(t, m._g);
            OptD = m.Adam(t, D);
        }

        public Module<Tensor, Tensor> D { get; }
        public ImagePool Pool { get; }
        public GanLoss Gan { get; }
        public OptimizerGroup OptG { get; }
        public OptimizerGroup OptD { get; }
    }

    Training Train => _training ?? throw BuiltForTesting();

    /// <summary>The regulariser's loss name (logged next to G_GAN and D).</summary>
    protected abstract string RegularizerName { get; }

    /// <summary>The weighted regulariser of G's loss for the input x (real_A) and its translation G(x) (fake_B).</summary>
    protected abstract Tensor Regularizer(Tensor realA, Tensor fakeB);

    public override IReadOnlyList<string> LossNames => ["G_GAN", RegularizerName, "D"];
    public override IReadOnlyList<string> VisualNames { get; } = ["real_A", "fake_B", "real_B"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths,
            IsTrain ? $"--model {Opt.Model} needs images from both domains to train (use --dataset_mode unaligned)" : null);

    /// <summary>forward(): fake_B = G(real_A).</summary>
    Tensor Forward() => _g.forward(RealA);

    IEnumerable<(string, Tensor?)> Visuals(Tensor fakeB) => [("real_A", RealA), ("fake_B", fakeB), ("real_B", RealBIfAny)];

    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals() => Visuals(Forward());

    public override void OptimizeParameters(Rng rng)
    {
        var p = Train;
        using var scope = NewDisposeScope();
        var fakeB = Phase("G forward", Forward);

        StepGenerator(p.OptG, p.OptD, () => BackwardG(p, fakeB));
        StepDiscriminator(p.OptD, () => BackwardD(p, fakeB, rng), "D pool, losses, backward");
        Phase("record visuals", () => RecordVisuals(Visuals(fakeB)));
    }

    /// <summary>G's loss: GAN on D(G(x)) + the regulariser, one backward.</summary>
    void BackwardG(Training p, Tensor fakeB)
    {
        var lossGan = p.Gan.Compute(p.D.forward(fakeB), true);
        var lossReg = Regularizer(RealA, fakeB);
        Scalars.Sum(lossGan, lossReg).backward();
        RecordLoss("G_GAN", lossGan);
        RecordLoss(RegularizerName, lossReg);
    }

    /// <summary>D's loss on real B and a pooled fake, (real + fake) / 2 (+ WGAN-GP's penalty), one backward.</summary>
    void BackwardD(Training p, Tensor fakeB, Rng rng)
    {
        var fake = p.Pool.Query(fakeB, rng).detach();
        var lossD = Scalars.Sum(p.Gan.Compute(p.D.forward(RealB), true), p.Gan.Compute(p.D.forward(fake), false)).mul(Scalars.Half);
        lossD = p.Gan.WithGradientPenalty(lossD, p.D, RealB, fake);
        lossD.backward();
        RecordLoss("D", lossD);
    }
}
