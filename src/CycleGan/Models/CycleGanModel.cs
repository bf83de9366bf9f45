using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
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
    readonly Module<Tensor, Tensor>? _dA, _dB;
    readonly Dictionary<string, Module<Tensor, Tensor>> _nets;
    readonly GanLoss? _gan;
    readonly ImagePool? _fakeAPool, _fakeBPool;
    readonly optim.Optimizer? _optG, _optD;
    readonly TrainOptions? _t;

    public CycleGanModel(BaseOptions opt, bool isTrain, Device device) : base(opt, isTrain, device)
    {
        _gA = OnDevice(NetworkRegistry.CreateGenerator(Spec(!opt.NoDropout)));
        _gB = OnDevice(NetworkRegistry.CreateGenerator(Spec(!opt.NoDropout) with { InputNc = opt.OutputNc, OutputNc = opt.InputNc }));
        _nets = new() { ["G_A"] = _gA, ["G_B"] = _gB };
        if (isTrain)
        {
            _t = (TrainOptions)opt;
            if (_t.LambdaIdentity > 0 && opt.InputNc != opt.OutputNc)
                throw new UserError($"--lambda_identity {_t.LambdaIdentity} needs --input_nc equal to --output_nc (got {opt.InputNc} and {opt.OutputNc}); set --lambda_identity 0");
            _dA = OnDevice(NetworkRegistry.CreateDiscriminator(Spec(false), opt.OutputNc));
            _dB = OnDevice(NetworkRegistry.CreateDiscriminator(Spec(false), opt.InputNc));
            _nets["D_A"] = _dA;
            _nets["D_B"] = _dB;
            _fakeAPool = new ImagePool(_t.PoolSize);
            _fakeBPool = new ImagePool(_t.PoolSize);
            _gan = new GanLoss(_t.GanMode);
            _optG = Adam(_gA.parameters().Concat(_gB.parameters()), _t);
            _optD = Adam(_dA.parameters().Concat(_dB.parameters()), _t);
        }
    }

    bool UseIdentity => IsTrain && _t!.LambdaIdentity > 0;

    /// <summary>Independent passes through one network may run as one batch: nothing in it mixes images or draws randomness.</summary>
    bool Batched => Compute.FastKernels && Opt.Norm is not ("batch" or "syncbatch") && Opt.NoDropout;

    /// <summary><paramref name="net"/> on all <paramref name="inputs"/> as one batch; the results in the same order.</summary>
    static Tensor[] Batch(Module<Tensor, Tensor> net, params Tensor[] inputs)
    {
        var all = net.forward(cat(inputs, 0));
        var results = new Tensor[inputs.Length];
        long at = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            results[i] = all.narrow(0, at, inputs[i].shape[0]);
            at += inputs[i].shape[0];
        }
        return results;
    }

    static (Tensor, Tensor) Pair(Module<Tensor, Tensor> net, Tensor x, Tensor y)
    {
        var r = Batch(net, x, y);
        return (r[0], r[1]);
    }

    public override IReadOnlyList<string> LossNames { get; } = ["D_A", "G_A", "cycle_A", "idt_A", "D_B", "G_B", "cycle_B", "idt_B"];

    public override IReadOnlyList<string> VisualNames => UseIdentity
        ? ["real_A", "fake_B", "rec_A", "idt_B", "real_B", "fake_A", "rec_B", "idt_A"]
        : ["real_A", "fake_B", "rec_A", "real_B", "fake_A", "rec_B"];

    public override IReadOnlyDictionary<string, Module<Tensor, Tensor>> Networks => _nets;

    public override IReadOnlyList<ImagePool> Pools => _fakeAPool is null ? [] : [_fakeAPool, _fakeBPool!];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, "--model cycle_gan needs images from both domains (use --dataset_mode unaligned, or --model test with --dataset_mode single)");

    public override void Test()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var fakeB = _gA.forward(RealA!);
        var recA = _gB.forward(fakeB);
        var fakeA = _gB.forward(RealB!);
        var recB = _gA.forward(fakeA);
        RecordVisual("real_A", RealA!);
        RecordVisual("fake_B", fakeB);
        RecordVisual("rec_A", recA);
        RecordVisual("real_B", RealB!);
        RecordVisual("fake_A", fakeA);
        RecordVisual("rec_B", recB);
    }

    public override void OptimizeParameters(Rng rng)
    {
        var t = _t ?? throw new InvalidOperationException("model was built for testing");
        using var scope = NewDisposeScope();
        var realA = RealA!;
        var realB = RealB!;
        // forward(): nothing detached. Batched, the identity passes ride along with the first two.
        Tensor? idtA = null, idtB = null;
        Tensor fakeB, fakeA, recA;
        if (Batched && realA.shape.SequenceEqual(realB.shape))
        {
            if (t.LambdaIdentity > 0)
            {
                (fakeB, idtA) = Pair(_gA, realA, realB);
                var b = Batch(_gB, realB, realA, fakeB);
                (fakeA, idtB, recA) = (b[0], b[1], b[2]);
            }
            else
            {
                fakeB = _gA.forward(realA);
                (fakeA, recA) = Pair(_gB, realB, fakeB);
            }
        }
        else
        {
            fakeB = _gA.forward(realA);
            recA = _gB.forward(fakeB);
            fakeA = _gB.forward(realB);
        }
        var recB = _gA.forward(fakeA);
        PhaseEnded("G forward");

        // G_A and G_B: D frozen (no .grad for D, gradients still flow through it).
        SetRequiresGrad(false, _dA!, _dB!);
        ClearGradients(_gA, _gB);
        Tensor lossIdtA, lossIdtB;
        if (t.LambdaIdentity > 0)
        {
            idtA ??= _gA.forward(realB);
            lossIdtA = functional.l1_loss(idtA, realB) * (t.LambdaB * t.LambdaIdentity);
            idtB ??= _gB.forward(realA);
            lossIdtB = functional.l1_loss(idtB, realA) * (t.LambdaA * t.LambdaIdentity);
        }
        else
        {
            lossIdtA = zeros([], device: Device);
            lossIdtB = zeros([], device: Device);
        }
        // --lambda_GAN 0 is the paper's "Cycle alone": no discriminator is run, in this step or the D step below.
        var useGan = t.LambdaGan > 0;
        var lossGA = useGan ? _gan!.Compute(_dA!.forward(fakeB), true) * t.LambdaGan : zeros([], device: Device);
        var lossGB = useGan ? _gan!.Compute(_dB!.forward(fakeA), true) * t.LambdaGan : zeros([], device: Device);
        var lossCycleA = functional.l1_loss(recA, realA) * t.LambdaA;
        var lossCycleB = functional.l1_loss(recB, realB) * t.LambdaB;
        var lossG = lossGA + lossGB + lossCycleA + lossCycleB + lossIdtA + lossIdtB;
        PhaseEnded("G identity, D(fake), losses");
        lossG.backward();
        PhaseEnded("G backward");
        GradientSync?.Average([.. _gA.parameters().Concat(_gB.parameters()).Select(p => p.grad).OfType<Tensor>()]);
        _optG!.step();
        PhaseEnded("G optimizer");

        // D_A and D_B on pooled fakes made before the G update.
        SetRequiresGrad(true, _dA!, _dB!);
        Tensor lossDA, lossDB;
        if (useGan)
        {
            ClearGradients(_dA!, _dB!);
            var poolB = _fakeBPool!.Query(fakeB, rng);
            lossDA = BackwardD(_dA!, realB, poolB, t);
            var poolA = _fakeAPool!.Query(fakeA, rng);
            lossDB = BackwardD(_dB!, realA, poolA, t);
            GradientSync?.Average([.. _dA!.parameters().Concat(_dB!.parameters()).Select(p => p.grad).OfType<Tensor>()]);
            _optD!.step();
            PhaseEnded("D optimizer");
        }
        else
        {
            lossDA = zeros([], device: Device);
            lossDB = zeros([], device: Device);
        }

        RecordLoss("G_A", lossGA);
        RecordLoss("G_B", lossGB);
        RecordLoss("cycle_A", lossCycleA);
        RecordLoss("cycle_B", lossCycleB);
        RecordLoss("idt_A", lossIdtA);
        RecordLoss("idt_B", lossIdtB);
        RecordLoss("D_A", lossDA);
        RecordLoss("D_B", lossDB);
        RecordVisual("real_A", realA);
        RecordVisual("fake_B", fakeB);
        RecordVisual("rec_A", recA);
        RecordVisual("real_B", realB);
        RecordVisual("fake_A", fakeA);
        RecordVisual("rec_B", recB);
        if (idtA is not null) RecordVisual("idt_A", idtA);
        if (idtB is not null) RecordVisual("idt_B", idtB);
        PhaseEnded("record losses, visuals");
    }

    Tensor BackwardD(Module<Tensor, Tensor> netD, Tensor real, Tensor fake, TrainOptions t)
    {
        PhaseEnded("pool");
        var fakeDetached = fake.detach();
        var (predReal, predFake) = Batched && real.shape.SequenceEqual(fakeDetached.shape)
            ? Pair(netD, real, fakeDetached)
            : (netD.forward(real), netD.forward(fakeDetached));
        var lossReal = _gan!.Compute(predReal, true);
        var lossFake = _gan.Compute(predFake, false);
        var loss = (lossReal + lossFake) * 0.5;
        if (t.GanMode == "wgangp" && t.LambdaGp > 0)
            loss = loss + GanLoss.GradientPenalty(netD, real, fakeDetached, t.LambdaGp);
        PhaseEnded("D forward");
        loss.backward();
        PhaseEnded("D backward");
        return loss;
    }

    public override void Dispose()
    {
        _fakeAPool?.Dispose();
        _fakeBPool?.Dispose();
        base.Dispose();
    }
}
