using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// The official <c>CycleGANModel</c>: G_A: A→B, G_B: B→A, D_A judges B, D_B judges A; LSGAN/vanilla/WGAN(-GP) adversarial
/// losses, cycle L1 weighted by lambda_A / lambda_B, identity L1 (crossed lambdas, as official), image pools for the
/// discriminators. Step order: G_A and G_B (D frozen), then D_A and D_B on pooled fakes made before the G update.
/// The adversarial terms are weighted by --lambda_GAN (1 = the official step, bit for bit); at 0 the discriminators
/// are neither run nor trained (the paper's "Cycle alone" ablation), but still created and saved.
/// With <c>--kernels fast</c> (and instance or no norm, no dropout) passes through one network run as one batch where
/// their inputs are ready — G_A on [real_A, real_B] gives fake_B and idt_A, G_B on [real_B, real_A, fake_B] gives
/// fake_A, idt_B and rec_A, G_A on fake_A gives rec_B, each D on [real, pooled fake] — the same per-image computation
/// (the norms are per image) in 3 generator calls instead of 6, with fewer, larger convolutions.
/// <c>--kernels official</c> keeps the official call sequence.
/// </summary>
public sealed class CycleGanModel : GanModel
{
    readonly Module<Tensor, Tensor> _gA, _gB;
    readonly Training? _training;

    public CycleGanModel(ModelContext c) : base(c)
    {
        _gA = AddNetwork("G_A", Generator(c.Opt.InputNc, c.Opt.OutputNc));
        _gB = AddNetwork("G_B", Generator(c.Opt.OutputNc, c.Opt.InputNc));
        if (c.Train is { } t) _training = new Training(this, t, c.Flags<CycleGanOptions>());
    }

    /// <summary>What exists only when training: D_A, D_B, the GAN loss, the two image pools and the two optimizers.</summary>
    sealed class Training
    {
        public Training(CycleGanModel m, TrainOptions t, CycleGanOptions f)
        {
            if (f.LambdaIdentity > 0 && t.InputNc != t.OutputNc)
                throw new UserError($"--lambda_identity {f.LambdaIdentity} needs --input_nc equal to --output_nc "
                    + $"(got {t.InputNc} and {t.OutputNc}); set --lambda_identity 0");
            F = f;
            DA = m.AddNetwork("D_A", m.Discriminator(t.OutputNc));
            DB = m.AddNetwork("D_B", m.Discriminator(t.InputNc));
            FakeAPool = m.AddPool(t.PoolSize);
            FakeBPool = m.AddPool(t.PoolSize);
            Gan = GanLoss.For(t);
            OptG = m.Adam(t, m._gA, m._gB);
            OptD = m.Adam(t, DA, DB);
        }

        public CycleGanOptions F { get; }
        public Module<Tensor, Tensor> DA { get; }
        public Module<Tensor, Tensor> DB { get; }
        public ImagePool FakeAPool { get; }
        public ImagePool FakeBPool { get; }
        public GanLoss Gan { get; }
        public OptimizerGroup OptG { get; }
        public OptimizerGroup OptD { get; }
    }

    Training Train => _training ?? throw BuiltForTesting();

    /// <summary>The tensors of one forward pass (the official fake_B, rec_A, fake_A, rec_B, idt_A, idt_B).</summary>
    sealed record Pass(Tensor FakeB, Tensor RecA, Tensor FakeA, Tensor RecB)
    {
        public Tensor? IdtA { get; set; }
        public Tensor? IdtB { get; set; }
    }

    bool UseIdentity => _training is { F.LambdaIdentity: > 0 };

    public override IReadOnlyList<string> LossNames { get; } = ["D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B"];

    public override IReadOnlyList<string> VisualNames => UseIdentity
        ? ["real_A", "fake_B", "rec_A", "idt_B", "real_B", "fake_A", "rec_B", "idt_A"]
        : ["real_A", "fake_B", "rec_A", "real_B", "fake_A", "rec_B"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, "--model cycle_gan needs images from both domains "
            + "(use --dataset_mode unaligned, or --model test with --dataset_mode single)");

    /// <summary>The official <c>forward()</c>: nothing detached.</summary>
    Pass Forward()
    {
        var fakeB = _gA.forward(RealA);
        var recA = _gB.forward(fakeB);
        var fakeA = _gB.forward(RealB);
        return new(fakeB, recA, fakeA, _gA.forward(fakeA));
    }

    IEnumerable<(string, Tensor?)> Visuals(Pass f) =>
        [("real_A", RealA), ("fake_B", f.FakeB), ("rec_A", f.RecA), ("real_B", RealB), ("fake_A", f.FakeA), ("rec_B", f.RecB),
         ("idt_A", f.IdtA), ("idt_B", f.IdtB)];

    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals() => Visuals(Forward());

    public override void OptimizeParameters(Rng rng)
    {
        var p = Train;
        using var scope = NewDisposeScope();
        var batched = Batched && RealA.shape.SequenceEqual(RealB.shape);
        var f = Phase("G forward", () => batched ? BatchedForward(p.F.LambdaIdentity > 0) : Forward());

        StepGenerator(p.OptG, p.OptD, () => BackwardG(p, f));

        // D_A and D_B on pooled fakes made before the G update. --lambda_GAN 0 is the paper's "Cycle alone":
        // no discriminator is run, in the G step above or here.
        if (p.F.LambdaGan > 0) StepDiscriminator(p.OptD, () => BackwardD(p, f, rng), "D pools, losses, backward");
        else
        {
            SetRequiresGrad(true, p.OptD);
            RecordLoss("D_A", ZeroLoss());
            RecordLoss("D_B", ZeroLoss());
        }
        Phase("record visuals", () => RecordVisuals(Visuals(f)));
    }

    /// <summary>The official <c>backward_G</c>: identity, GAN (× --lambda_GAN) and cycle losses, one backward.</summary>
    void BackwardG(Training p, Pass f)
    {
        var t = p.F;
        Tensor lossIdtA = ZeroLoss(), lossIdtB = ZeroLoss();
        if (t.LambdaIdentity > 0)
        {
            f.IdtA ??= _gA.forward(RealB);
            lossIdtA = functional.l1_loss(f.IdtA, RealB).Times(t.LambdaB * t.LambdaIdentity);
            f.IdtB ??= _gB.forward(RealA);
            lossIdtB = functional.l1_loss(f.IdtB, RealA).Times(t.LambdaA * t.LambdaIdentity);
        }
        var useGan = t.LambdaGan > 0;
        var lossGA = useGan ? p.Gan.Compute(p.DA.forward(f.FakeB), true).Times(t.LambdaGan) : ZeroLoss();
        var lossGB = useGan ? p.Gan.Compute(p.DB.forward(f.FakeA), true).Times(t.LambdaGan) : ZeroLoss();
        var lossCycleA = functional.l1_loss(f.RecA, RealA).Times(t.LambdaA);
        var lossCycleB = functional.l1_loss(f.RecB, RealB).Times(t.LambdaB);
        Scalars.Sum(lossGA, lossGB, lossCycleA, lossCycleB, lossIdtA, lossIdtB).backward();
        RecordLoss("G_A", lossGA);
        RecordLoss("G_B", lossGB);
        RecordLoss("cycle_A", lossCycleA);
        RecordLoss("cycle_B", lossCycleB);
        RecordLoss("idt_A", lossIdtA);
        RecordLoss("idt_B", lossIdtB);
    }

    /// <summary>The official <c>backward_D_A</c> and <c>backward_D_B</c>, each on a fake drawn from its pool.</summary>
    void BackwardD(Training p, Pass f, Rng rng)
    {
        var fakeB = p.FakeBPool.Query(f.FakeB, rng);
        RecordLoss("D_A", BackwardDBasic(p, p.DA, RealB, fakeB));
        var fakeA = p.FakeAPool.Query(f.FakeA, rng);
        RecordLoss("D_B", BackwardDBasic(p, p.DB, RealA, fakeA));
    }

    /// <summary>The official <c>backward_D_basic</c>: (real + fake) / 2 (+ WGAN-GP's penalty), one backward.</summary>
    Tensor BackwardDBasic(Training p, Module<Tensor, Tensor> netD, Tensor real, Tensor fake)
    {
        var fakeDetached = fake.detach();
        var (predReal, predFake) = Discriminate(netD, real, fakeDetached);
        var loss = Scalars.Sum(p.Gan.Compute(predReal, true), p.Gan.Compute(predFake, false)).mul(Scalars.Half);
        loss = p.Gan.WithGradientPenalty(loss, netD, real, fakeDetached);
        loss.backward();
        return loss;
    }

    // --kernels fast: the batched passes (see the class summary). Same math per image, fewer and larger calls.

    /// <summary>Independent passes through one network may run as one batch: nothing in it mixes images or draws randomness.</summary>
    bool Batched => Compute.FastKernels && !NormLayer.Get(Opt.Norm).SpansBatch && Opt.NoDropout;

    /// <summary><see cref="Forward"/> batched; with <paramref name="identity"/> the identity passes ride along.</summary>
    Pass BatchedForward(bool identity)
    {
        if (!identity)
        {
            var fakeB = _gA.forward(RealA);
            var (fakeA, recA) = BatchedPasses.Pair(_gB, RealB, fakeB);
            return new(fakeB, recA, fakeA, _gA.forward(fakeA));
        }
        var (fB, idtA) = BatchedPasses.Pair(_gA, RealA, RealB);
        var b = BatchedPasses.Run(_gB, RealB, RealA, fB);
        return new(fB, b[2], b[0], _gA.forward(b[0])) { IdtA = idtA, IdtB = b[1] };
    }

    /// <summary>D on the real and the fake batch: one call when batched, else two.</summary>
    (Tensor Real, Tensor Fake) Discriminate(Module<Tensor, Tensor> netD, Tensor real, Tensor fake) =>
        Batched && real.shape.SequenceEqual(fake.shape) ? BatchedPasses.Pair(netD, real, fake) : (netD.forward(real), netD.forward(fake));
}
