using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// Coupled GANs (Liu &amp; Tuzel 2016): G_A(z) and G_B(z) share their latent-side layers (G_shared), D_A and D_B share
/// their decision-side layers (D_shared); trained as two GANs from the same z ~ N(0, I) (--nz), G step then D step.
/// Translation as in the CycleGAN paper: z* = argmin_z |G_A(z) − x|₁ by --cogan_inference_steps Adam steps on z
/// (from z ~ N(0, I), learning rate <see cref="InferenceLr"/>), output G_B(z*); rec_A = G_A(z*) shows the fit.
/// Small DCGAN-style networks (<see cref="CoupledDcgan"/>) sized from --crop_size, with --ngf, --ndf, --norm.
/// </summary>
public sealed class CoGanModel : GanModel
{
    /// <summary>Adam's learning rate for the latent search at test time (z has unit scale; 0.05 converges in ~100 steps).</summary>
    public const double InferenceLr = 0.05;

    readonly Module<Tensor, Tensor> _gShared, _gA, _gB;
    readonly Training? _training;

    readonly CoGanOptions _flags;

    public CoGanModel(ModelContext c) : base(c)
    {
        var opt = c.Opt;
        _flags = c.Flags<CoGanOptions>();
        CoupledDcgan.CheckSize(opt.CropSize);
        if (_flags.Nz < 1) throw new UserError("--nz must be at least 1");
        var norm = NormLayer.Get(opt.Norm);
        int s = opt.CropSize;
        _gShared = AddNetwork("G_shared", OnDevice(CoupledDcgan.GeneratorTrunk(_flags.Nz, opt.Ngf, s, norm, opt.InitType,
            opt.InitGain)));
        _gA = AddNetwork("G_A", OnDevice(CoupledDcgan.GeneratorHead(opt.InputNc, opt.Ngf, s, norm, opt.InitType, opt.InitGain)));
        _gB = AddNetwork("G_B", OnDevice(CoupledDcgan.GeneratorHead(opt.OutputNc, opt.Ngf, s, norm, opt.InitType, opt.InitGain)));
        if (c.Train is { } t) _training = new Training(this, t, norm);
    }

    /// <summary>What exists only when training: D_A, D_B and D_shared, the GAN loss and the two optimizers.</summary>
    sealed class Training
    {
        public Training(CoGanModel m, TrainOptions t, NormLayer norm)
        {
            if (t.GanMode == "wgangp")
                throw new UserError("--model cogan trains with --gan_mode vanilla (its default) or lsgan; "
                    + "wgangp is not supported with its batch-norm discriminators");
            int s = t.CropSize;
            DA = m.AddNetwork("D_A", m.OnDevice(CoupledDcgan.DiscriminatorHead(t.InputNc, t.Ndf, s, norm, t.InitType, t.InitGain)));
            DB = m.AddNetwork("D_B", m.OnDevice(CoupledDcgan.DiscriminatorHead(t.OutputNc, t.Ndf, s, norm, t.InitType, t.InitGain)));
            DShared = m.AddNetwork("D_shared", m.OnDevice(CoupledDcgan.DiscriminatorTrunk(t.Ndf, s, norm, t.InitType, t.InitGain)));
            Gan = GanLoss.For(t);
            OptG = m.Adam(t, m._gShared, m._gA, m._gB);
            OptD = m.Adam(t, DShared, DA, DB);
        }

        public Module<Tensor, Tensor> DA { get; }
        public Module<Tensor, Tensor> DB { get; }
        public Module<Tensor, Tensor> DShared { get; }
        public GanLoss Gan { get; }
        public OptimizerGroup OptG { get; }
        public OptimizerGroup OptD { get; }

        public Tensor DiscriminateA(Tensor x) => DShared.forward(DA.forward(x));
        public Tensor DiscriminateB(Tensor x) => DShared.forward(DB.forward(x));
    }

    Training Train => _training ?? throw BuiltForTesting();

    public override IReadOnlyList<string> LossNames { get; } = ["G_A", "G_B", "D_A", "D_B"];
    public override IReadOnlyList<string> VisualNames =>
        IsTrain ? ["real_A", "fake_A", "real_B", "fake_B"] : ["real_A", "rec_A", "fake_B", "real_B"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths,
            IsTrain ? "--model cogan needs images from both domains to train (use --dataset_mode unaligned)" : null);

    Tensor Latent(long n) => randn([n, _flags.Nz, 1, 1], device: Device);

    /// <summary>Translation: fit z to x (gradients on z only, under enable_grad), then G_B(z*) and G_A(z*).</summary>
    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals()
    {
        var realA = RealA;
        SetRequiresGrad(false, _gShared, _gA, _gB);
        var z = new TorchSharp.Modules.Parameter(Latent(realA.shape[0]));
        using (enable_grad())
        using (var adam = new AdamOptimizer([z], InferenceLr))
            for (int i = 0; i < _flags.CoganInferenceSteps; i++)
            {
                using var step = NewDisposeScope();
                adam.ZeroGrad();
                functional.l1_loss(_gA.forward(_gShared.forward(z)), realA).backward();
                adam.Step();
            }
        using var _ = no_grad();
        var h = _gShared.forward(z);
        return [("real_A", realA), ("rec_A", _gA.forward(h)), ("fake_B", _gB.forward(h)), ("real_B", RealBIfAny)];
    }

    public override void OptimizeParameters(Rng rng)
    {
        var p = Train;
        using var scope = NewDisposeScope();
        // One z for both domains: the coupling is what lets G_B(z*) translate G_A's fit of x.
        var (fakeA, fakeB) = Phase("G forward", () =>
        {
            var h = _gShared.forward(Latent(RealA.shape[0]));
            return (_gA.forward(h), _gB.forward(h));
        });

        StepGenerator(p.OptG, p.OptD, () =>
        {
            var lossGA = p.Gan.Compute(p.DiscriminateA(fakeA), true);
            var lossGB = p.Gan.Compute(p.DiscriminateB(fakeB), true);
            Scalars.Sum(lossGA, lossGB).backward();
            RecordLoss("G_A", lossGA);
            RecordLoss("G_B", lossGB);
        });
        StepDiscriminator(p.OptD, () =>
        {
            var lossDA = Scalars.Sum(p.Gan.Compute(p.DiscriminateA(RealA), true),
                p.Gan.Compute(p.DiscriminateA(fakeA.detach()), false)).mul(Scalars.Half);
            var lossDB = Scalars.Sum(p.Gan.Compute(p.DiscriminateB(RealB), true),
                p.Gan.Compute(p.DiscriminateB(fakeB.detach()), false)).mul(Scalars.Half);
            Scalars.Sum(lossDA, lossDB).backward();
            RecordLoss("D_A", lossDA);
            RecordLoss("D_B", lossDB);
        });
        Phase("record visuals", () => RecordVisuals([("real_A", RealA), ("fake_A", fakeA), ("real_B", RealB), ("fake_B", fakeB)]));
    }
}
