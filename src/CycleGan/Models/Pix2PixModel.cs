using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
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
    readonly Module<Tensor, Tensor>? _d;
    readonly Dictionary<string, Module<Tensor, Tensor>> _nets;
    readonly GanLoss? _gan;
    readonly optim.Optimizer? _optG, _optD;
    readonly TrainOptions? _t;

    public Pix2PixModel(BaseOptions opt, bool isTrain, Device device) : base(opt, isTrain, device)
    {
        _g = OnDevice(NetworkRegistry.CreateGenerator(Spec(!opt.NoDropout)));
        _nets = new() { ["G"] = _g };
        if (isTrain)
        {
            _t = (TrainOptions)opt;
            _d = OnDevice(NetworkRegistry.CreateDiscriminator(Spec(false), opt.InputNc + opt.OutputNc));
            _nets["D"] = _d;
            _gan = new GanLoss(_t.GanMode);
            _optG = Adam(_g.parameters(), _t);
            _optD = Adam(_d.parameters(), _t);
        }
    }

    public override IReadOnlyList<string> LossNames { get; } = ["G_GAN", "G_L1", "D_real", "D_fake"];
    public override IReadOnlyList<string> VisualNames => ["real_A", "fake_B", "real_B"];
    public override IReadOnlyDictionary<string, Module<Tensor, Tensor>> Networks => _nets;

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, "--model pix2pix needs paired images (use --dataset_mode aligned)");

    public override void Test()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        RecordVisual("real_A", RealA!);
        RecordVisual("fake_B", _g.forward(RealA!));
        RecordVisual("real_B", RealB!);
    }

    public override void OptimizeParameters(Rng rng)
    {
        var t = _t ?? throw new InvalidOperationException("model was built for testing");
        using var scope = NewDisposeScope();
        var realA = RealA!;
        var realB = RealB!;
        var fakeB = _g.forward(realA);
        PhaseEnded("G forward");

        SetRequiresGrad(true, _d!);
        ClearGradients(_d!);
        var fakeAB = cat([realA, fakeB], 1);
        var lossDFake = _gan!.Compute(_d!.forward(fakeAB.detach()), false);
        var realAB = cat([realA, realB], 1);
        var lossDReal = _gan.Compute(_d.forward(realAB), true);
        var lossD = (lossDFake + lossDReal) * 0.5;
        if (t.GanMode == "wgangp" && t.LambdaGp > 0)
            lossD = lossD + GanLoss.GradientPenalty(_d, realAB, fakeAB.detach(), t.LambdaGp);
        PhaseEnded("D forward");
        lossD.backward();
        PhaseEnded("D backward");
        GradientSync?.Average([.. _d.parameters().Select(p => p.grad).OfType<Tensor>()]);
        _optD!.step();
        PhaseEnded("D optimizer");

        SetRequiresGrad(false, _d);
        ClearGradients(_g);
        var lossGGan = _gan.Compute(_d.forward(cat([realA, fakeB], 1)), true);
        var lossGL1 = functional.l1_loss(fakeB, realB) * t.LambdaL1;
        var lossG = lossGGan + lossGL1;
        PhaseEnded("G: D(fake), losses");
        lossG.backward();
        PhaseEnded("G backward");
        GradientSync?.Average([.. _g.parameters().Select(p => p.grad).OfType<Tensor>()]);
        _optG!.step();
        PhaseEnded("G optimizer");

        RecordLoss("G_GAN", lossGGan);
        RecordLoss("G_L1", lossGL1);
        RecordLoss("D_real", lossDReal);
        RecordLoss("D_fake", lossDFake);
        RecordVisual("real_A", realA);
        RecordVisual("fake_B", fakeB);
        RecordVisual("real_B", realB);
        PhaseEnded("record losses, visuals");
    }
}
