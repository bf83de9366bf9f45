using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
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
    readonly Module<Tensor, Tensor>? _d;
    readonly Dictionary<string, Module<Tensor, Tensor>> _nets;
    readonly GanLoss? _gan;
    readonly ImagePool? _pool;
    readonly optim.Optimizer? _optG, _optD;
    readonly TrainOptions? _t;

    protected OneSidedGanModel(BaseOptions opt, bool isTrain, Device device) : base(opt, isTrain, device)
    {
        _g = OnDevice(NetworkRegistry.CreateGenerator(Spec(!opt.NoDropout)));
        _nets = new() { ["G"] = _g };
        if (isTrain)
        {
            _t = (TrainOptions)opt;
            _d = OnDevice(NetworkRegistry.CreateDiscriminator(Spec(false), opt.OutputNc));
            _nets["D"] = _d;
            _pool = new ImagePool(_t.PoolSize);
            _gan = new GanLoss(_t.GanMode);
            _optG = Adam(_g.parameters(), _t);
            _optD = Adam(_d.parameters(), _t);
        }
    }

    /// <summary>The regulariser's loss name (logged next to G_GAN and D).</summary>
    protected abstract string RegularizerName { get; }

    /// <summary>The weighted regulariser of G's loss for the input x (real_A) and its translation G(x) (fake_B).</summary>
    protected abstract Tensor Regularizer(Tensor realA, Tensor fakeB, TrainOptions t);

    public override IReadOnlyList<string> LossNames => ["G_GAN", RegularizerName, "D"];
    public override IReadOnlyList<string> VisualNames { get; } = ["real_A", "fake_B", "real_B"];
    public override IReadOnlyDictionary<string, Module<Tensor, Tensor>> Networks => _nets;
    public override IReadOnlyList<ImagePool> Pools => _pool is null ? [] : [_pool];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, IsTrain ? $"--model {Opt.Model} needs images from both domains to train (use --dataset_mode unaligned)" : null);

    public override void Test()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        RecordVisual("real_A", RealA!);
        RecordVisual("fake_B", _g.forward(RealA!));
        if (RealB is not null) RecordVisual("real_B", RealB);
    }

    public override void OptimizeParameters(Rng rng)
    {
        var t = _t ?? throw new InvalidOperationException("model was built for testing");
        using var scope = NewDisposeScope();
        var realA = RealA!;
        var realB = RealB!;
        var fakeB = _g.forward(realA);

        SetRequiresGrad(false, _d!);
        _optG!.zero_grad();
        var lossGan = _gan!.Compute(_d!.forward(fakeB), true);
        var lossReg = Regularizer(realA, fakeB, t);
        (lossGan + lossReg).backward();
        _optG.step();

        SetRequiresGrad(true, _d);
        _optD!.zero_grad();
        var fake = _pool!.Query(fakeB, rng).detach();
        var lossD = (_gan.Compute(_d.forward(realB), true) + _gan.Compute(_d.forward(fake), false)) * 0.5;
        if (t.GanMode == "wgangp" && t.LambdaGp > 0)
            lossD = lossD + GanLoss.GradientPenalty(_d, realB, fake, t.LambdaGp);
        lossD.backward();
        _optD.step();

        RecordLoss("G_GAN", lossGan);
        RecordLoss(RegularizerName, lossReg);
        RecordLoss("D", lossD);
        RecordVisual("real_A", realA);
        RecordVisual("fake_B", fakeB);
        RecordVisual("real_B", realB);
    }

    public override void Dispose()
    {
        _pool?.Dispose();
        base.Dispose();
    }
}
