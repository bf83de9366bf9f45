using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// The official <c>CUTModel</c> (contrastive-unpaired-translation, CUT and FastCUT): one anti-aliased generator G,
/// one discriminator D, and the PatchNCE loss between patches of G's encoder features of the input and of the
/// output, sampled and projected by F. Per step: forward (real_A, with <c>--nce_idt</c> real_A and real_B as one
/// batch; with <c>--flip_equivariance</c> flipped with probability ½), the D step on fake_B detached, then G and F
/// stepped together on λ_GAN·GAN + NCE (with <c>--nce_idt</c> the mean of NCE(real_A, fake_B) and NCE(real_B,
/// idt_B)). F's MLPs and optimizer exist from the start, where officially the first batch makes them
/// (<c>data_dependent_initialize</c>: a forward and backward whose gradients every step clears), so that the
/// training state holds them and a resume restores them; their channels are read from G.
/// </summary>
public sealed class CutModel : GanModel
{
    readonly CutOptions _f;
    readonly CutResnetGenerator _g;
    readonly IReadOnlyList<int> _nceLayers;
    readonly Training? _training;

    public CutModel(ModelContext c) : base(c)
    {
        _f = c.Flags<CutOptions>();
        if (c.Opt.Norm != "instance")
            throw new UserError($"--model cut takes --normG and --normD (the CUT code's flags), not --norm " +
                c.Opt.Norm);
        _nceLayers = _f.NceLayerIds();
        _g = CutNetworks.CreateGenerator(Spec(!c.Opt.NoDropout) with { Norm = _f.NormG }, _f.NoAntialias,
            _f.NoAntialiasUp);
        AddNetwork("G", OnDevice(_g));
        if (c.Train is { } t) _training = new Training(this, t, _f);
    }

    /// <summary>What exists only when training: F and D (saved as G, F, D, as officially), the losses, the
    /// optimizers.</summary>
    sealed class Training
    {
        public Training(CutModel m, TrainOptions t, CutOptions f)
        {
            F = CutNetworks.CreateFeatureNetwork(f.NetF, f.NetFNc, t.InitType, t.InitGain);
            m.AddNetwork("F", m.OnDevice(F));
            D = m.AddNetwork("D", m.OnDevice(CutNetworks.CreateDiscriminator(m.Spec(false) with { Norm = f.NormD },
                t.OutputNc, f.NoAntialias)));
            Gan = GanLoss.For(t);
            Nce = new PatchNceLoss(f.NceT, f.NceIncludesAllNegativesFromMinibatch, t.BatchSize);
            OptG = m.Adam(t, m._g);
            OptD = m.Adam(t, D);
            // Officially F's MLPs are made (and initialised, after G and D) by its first forward, and its Adam after
            // that, only with lambda_NCE > 0; netF sample has no parameters to train.
            if (f.LambdaNce > 0 && F.UseMlp)
            {
                F.CreateMlp(m._g.FeatureChannels(m._nceLayers), m.Device);
                OptF = m.Adam(t, F);
            }
            else m._g.CheckLayers(m._nceLayers);
        }

        public PatchSampleF F { get; }
        public Module<Tensor, Tensor> D { get; }
        public GanLoss Gan { get; }
        public PatchNceLoss Nce { get; }
        public OptimizerGroup OptG { get; }
        public OptimizerGroup OptD { get; }
        public OptimizerGroup? OptF { get; }
    }

    Training Train => _training ?? throw BuiltForTesting();

    /// <summary>Test seam: the patch ids of each NCE loss, one per layer (null, or a null answer: drawn from the
    /// step's random source, as in training).</summary>
    public Func<IReadOnlyList<Tensor>?>? PatchIdSource { get; set; }

    /// <summary>Test seam: each step's flip decision with <c>--flip_equivariance</c> (null: the step's random source,
    /// probability ½).</summary>
    public Func<bool>? FlipSource { get; set; }

    bool UseNceIdt => IsTrain && _f.NceIdt;

    public override IReadOnlyList<string> LossNames => UseNceIdt
        ? ["G_GAN", "D_real", "D_fake", "G", "NCE", "NCE_Y"]
        : ["G_GAN", "D_real", "D_fake", "G", "NCE"];

    public override IReadOnlyList<string> VisualNames => UseNceIdt
        ? ["real_A", "fake_B", "real_B", "idt_B"]
        : ["real_A", "fake_B", "real_B"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, IsTrain ? "--model cut needs images from both domains (use --dataset_mode " +
            "unaligned)" : null);

    /// <summary>One forward: fake_B (and idt_B), from the flipped input when <see cref="Flipped"/>.</summary>
    sealed record Pass(Tensor FakeB, Tensor? IdtB, bool Flipped);

    /// <summary>The official <c>forward()</c> of a training step.</summary>
    Pass Forward(Rng rng)
    {
        var real = UseNceIdt ? cat([RealA, RealB], 0) : RealA;
        var flipped = _f.FlipEquivariance && (FlipSource?.Invoke() ?? rng.Chance(0.5));
        if (flipped) real = real.flip(3);
        var fake = _g.forward(real);
        var n = RealA.shape[0];
        return new(fake.narrow(0, 0, n), UseNceIdt ? fake.narrow(0, n, fake.shape[0] - n) : null, flipped);
    }

    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals() =>
        [("real_A", RealA), ("fake_B", _g.forward(RealA)), ("real_B", RealBIfAny)];

    public override void OptimizeParameters(Rng rng)
    {
        var p = Train;
        using var scope = NewDisposeScope();
        var f = Phase("G forward", () => Forward(rng));

        StepDiscriminator(p.OptD, () => BackwardD(p, f));
        StepGenerator(p.OptG, p.OptD, () => BackwardG(p, f, rng), alsoStepping: p.OptF);
        Phase("record visuals", () => RecordVisuals([("real_A", RealA), ("fake_B", f.FakeB), ("real_B", RealB),
            ("idt_B", f.IdtB)]));
    }

    /// <summary>The official <c>compute_D_loss</c>: (fake + real) / 2, fake_B detached, then its backward.</summary>
    void BackwardD(Training p, Pass f)
    {
        var lossFake = p.Gan.Compute(p.D.forward(f.FakeB.detach()), false);
        var lossReal = p.Gan.Compute(p.D.forward(RealB), true);
        var loss = Scalars.Sum(lossFake, lossReal).mul(Scalars.Half);
        loss.backward();
        RecordLoss("D_fake", lossFake);
        RecordLoss("D_real", lossReal);
    }

    /// <summary>The official <c>compute_G_loss</c>: λ_GAN·GAN + NCE (averaged with NCE_Y under --nce_idt), then its
    /// backward.</summary>
    void BackwardG(Training p, Pass f, Rng rng)
    {
        var lossGan = _f.LambdaGan > 0 ? p.Gan.Compute(p.D.forward(f.FakeB), true).Times(_f.LambdaGan) : ZeroLoss();
        var useNce = _f.LambdaNce > 0;
        var lossNce = useNce ? NceLoss(p, RealA, f.FakeB, f.Flipped, rng) : ZeroLoss();
        var lossNceBoth = lossNce;
        if (UseNceIdt)
        {
            var lossNceY = useNce ? NceLoss(p, RealB, f.IdtB!, f.Flipped, rng) : ZeroLoss();
            if (useNce) lossNceBoth = Scalars.Sum(lossNce, lossNceY).mul(Scalars.Half);
            RecordLoss("NCE_Y", lossNceY);
        }
        var loss = Scalars.Sum(lossGan, lossNceBoth);
        loss.backward();
        RecordLoss("G_GAN", lossGan);
        RecordLoss("NCE", lossNce);
        RecordLoss("G", loss);
    }

    /// <summary>
    /// The official <c>calculate_NCE_loss(src, tgt)</c>: queries from G's features of <paramref name="tgt"/> (flipped
    /// back if the input was flipped), keys from those of <paramref name="src"/>, F sampling the same positions of
    /// both; the mean over layers of each layer's mean PatchNCE · λ_NCE.
    /// </summary>
    Tensor NceLoss(Training p, Tensor src, Tensor tgt, bool flipped, Rng rng)
    {
        var featQ = _g.EncodeOnly(tgt, _nceLayers);
        if (flipped) featQ = [.. featQ.Select(q => q.flip(3))];
        var featK = _g.EncodeOnly(src, _nceLayers);
        var (poolK, ids) = p.F.Forward(featK, _f.NumPatches, PatchIdSource?.Invoke(), rng);
        var (poolQ, _) = p.F.Forward(featQ, _f.NumPatches, ids);
        var perLayer = new Tensor[_nceLayers.Count];
        for (int i = 0; i < perLayer.Length; i++)
            perLayer[i] = p.Nce.Forward(poolQ[i], poolK[i]).Times(_f.LambdaNce).mean();
        using var layers = ((double)perLayer.Length).ToScalar();
        return Scalars.Sum(perLayer).div(layers);
    }
}
