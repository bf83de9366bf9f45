using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
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
    readonly Module<Tensor, Tensor>? _dA, _dB, _dShared;
    readonly Dictionary<string, Module<Tensor, Tensor>> _nets;
    readonly GanLoss? _gan;
    readonly optim.Optimizer? _optG, _optD;

    public CoGanModel(BaseOptions opt, bool isTrain, Device device) : base(opt, isTrain, device)
    {
        CoupledDcgan.CheckSize(opt.CropSize);
        if (opt.CoGan.Nz < 1) throw new UserError("--nz must be at least 1");
        var norm = NormLayer.Get(opt.Norm);
        int s = opt.CropSize;
        _gShared = OnDevice(CoupledDcgan.GeneratorTrunk(opt.CoGan.Nz, opt.Ngf, s, norm, opt.InitType, opt.InitGain));
        _gA = OnDevice(CoupledDcgan.GeneratorHead(opt.InputNc, opt.Ngf, s, norm, opt.InitType, opt.InitGain));
        _gB = OnDevice(CoupledDcgan.GeneratorHead(opt.OutputNc, opt.Ngf, s, norm, opt.InitType, opt.InitGain));
        _nets = new() { ["G_shared"] = _gShared, ["G_A"] = _gA, ["G_B"] = _gB };
        if (isTrain)
        {
            var t = (TrainOptions)opt;
            if (t.GanMode == "wgangp")
                throw new UserError("--model cogan trains with --gan_mode vanilla (its default) or lsgan; wgangp is not supported with its batch-norm discriminators");
            _dA = OnDevice(CoupledDcgan.DiscriminatorHead(opt.InputNc, opt.Ndf, s, norm, opt.InitType, opt.InitGain));
            _dB = OnDevice(CoupledDcgan.DiscriminatorHead(opt.OutputNc, opt.Ndf, s, norm, opt.InitType, opt.InitGain));
            _dShared = OnDevice(CoupledDcgan.DiscriminatorTrunk(opt.Ndf, s, norm, opt.InitType, opt.InitGain));
            _nets["D_A"] = _dA;
            _nets["D_B"] = _dB;
            _nets["D_shared"] = _dShared;
            _gan = new GanLoss(t.GanMode);
            _optG = Adam(_gShared.parameters().Concat(_gA.parameters()).Concat(_gB.parameters()), t);
            _optD = Adam(_dShared.parameters().Concat(_dA.parameters()).Concat(_dB.parameters()), t);
        }
    }

    public override IReadOnlyList<string> LossNames { get; } = ["G_A", "G_B", "D_A", "D_B"];
    public override IReadOnlyList<string> VisualNames => IsTrain ? ["real_A", "fake_A", "real_B", "fake_B"] : ["real_A", "rec_A", "fake_B", "real_B"];
    public override IReadOnlyDictionary<string, Module<Tensor, Tensor>> Networks => _nets;

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, IsTrain ? "--model cogan needs images from both domains to train (use --dataset_mode unaligned)" : null);

    Tensor Latent(long n) => randn([n, Opt.CoGan.Nz, 1, 1], device: Device);

    public override void Test()
    {
        using var scope = NewDisposeScope();
        var realA = RealA!;
        SetRequiresGrad(false, _gShared, _gA, _gB);
        var z = new TorchSharp.Modules.Parameter(Latent(realA.shape[0]));
        using (enable_grad())
        using (var adam = optim.Adam([z], InferenceLr))
            for (int i = 0; i < Opt.CoGan.CoganInferenceSteps; i++)
            {
                using var step = NewDisposeScope();
                adam.zero_grad();
                functional.l1_loss(_gA.forward(_gShared.forward(z)), realA).backward();
                adam.step();
            }
        using var _ = no_grad();
        var h = _gShared.forward(z);
        RecordVisual("real_A", realA);
        RecordVisual("rec_A", _gA.forward(h));
        RecordVisual("fake_B", _gB.forward(h));
        if (RealB is not null) RecordVisual("real_B", RealB);
    }

    Tensor DiscriminateA(Tensor x) => _dShared!.forward(_dA!.forward(x));
    Tensor DiscriminateB(Tensor x) => _dShared!.forward(_dB!.forward(x));

    public override void OptimizeParameters(Rng rng)
    {
        if (_gan is null) throw new InvalidOperationException("model was built for testing");
        using var scope = NewDisposeScope();
        var realA = RealA!;
        var realB = RealB!;
        // One z for both domains: the coupling is what lets G_B(z*) translate G_A's fit of x.
        var h = _gShared.forward(Latent(realA.shape[0]));
        var fakeA = _gA.forward(h);
        var fakeB = _gB.forward(h);

        SetRequiresGrad(false, _dShared!, _dA!, _dB!);
        _optG!.zero_grad();
        var lossGA = _gan.Compute(DiscriminateA(fakeA), true);
        var lossGB = _gan.Compute(DiscriminateB(fakeB), true);
        (lossGA + lossGB).backward();
        _optG.step();

        SetRequiresGrad(true, _dShared!, _dA!, _dB!);
        _optD!.zero_grad();
        var lossDA = (_gan.Compute(DiscriminateA(realA), true) + _gan.Compute(DiscriminateA(fakeA.detach()), false)) * 0.5;
        var lossDB = (_gan.Compute(DiscriminateB(realB), true) + _gan.Compute(DiscriminateB(fakeB.detach()), false)) * 0.5;
        (lossDA + lossDB).backward();
        _optD.step();

        RecordLoss("G_A", lossGA);
        RecordLoss("G_B", lossGB);
        RecordLoss("D_A", lossDA);
        RecordLoss("D_B", lossDB);
        RecordVisual("real_A", realA);
        RecordVisual("fake_A", fakeA);
        RecordVisual("real_B", realB);
        RecordVisual("fake_B", fakeB);
    }
}
