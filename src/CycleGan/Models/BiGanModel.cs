using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// BiGAN / ALI (Donahue et al. 2017; Dumoulin et al. 2017) as the CycleGAN paper used it for translation: the latent
/// code is replaced by the source image. G: A→B plays BiGAN's generator (z = a source image), E: B→A its encoder, and
/// one conditional PatchGAN D judges the joint pair cat(a, b): (E(b), b) from the data side is "real", (a, G(a)) from
/// the generator side is "fake". G and E are trained together with the labels swapped. Translation is G(a). G and E
/// use the --netG options, D the --netD options on input_nc + output_nc channels.
/// </summary>
public sealed class BiGanModel : GanModel
{
    readonly Module<Tensor, Tensor> _g;
    readonly Module<Tensor, Tensor>? _e, _d;
    readonly Dictionary<string, Module<Tensor, Tensor>> _nets;
    readonly GanLoss? _gan;
    readonly optim.Optimizer? _optG, _optD;
    readonly TrainOptions? _t;

    public BiGanModel(BaseOptions opt, bool isTrain, Device device) : base(opt, isTrain, device)
    {
        _g = OnDevice(NetworkRegistry.CreateGenerator(Spec(!opt.NoDropout)));
        _nets = new() { ["G"] = _g };
        if (isTrain)
        {
            _t = (TrainOptions)opt;
            _e = OnDevice(NetworkRegistry.CreateGenerator(Spec(!opt.NoDropout) with { InputNc = opt.OutputNc, OutputNc = opt.InputNc }));
            _d = OnDevice(NetworkRegistry.CreateDiscriminator(Spec(false), opt.InputNc + opt.OutputNc));
            _nets["E"] = _e;
            _nets["D"] = _d;
            _gan = new GanLoss(_t.GanMode);
            _optG = Adam(_g.parameters().Concat(_e.parameters()), _t);
            _optD = Adam(_d.parameters(), _t);
        }
    }

    public override IReadOnlyList<string> LossNames { get; } = ["G", "E", "D_real", "D_fake"];
    public override IReadOnlyList<string> VisualNames => IsTrain ? ["real_A", "fake_B", "real_B", "fake_A"] : ["real_A", "fake_B", "real_B"];
    public override IReadOnlyDictionary<string, Module<Tensor, Tensor>> Networks => _nets;

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths, IsTrain ? "--model bigan needs images from both domains to train (use --dataset_mode unaligned)" : null);

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
        var fakeA = _e!.forward(realB);
        var generated = cat([realA, fakeB], 1);
        var encoded = cat([fakeA, realB], 1);

        // G and E: D frozen, BiGAN's generator/encoder objective (the labels of the D step swapped).
        SetRequiresGrad(false, _d!);
        _optG!.zero_grad();
        var lossG = _gan!.Compute(_d!.forward(generated), true);
        var lossE = _gan.Compute(_d.forward(encoded), false);
        (lossG + lossE).backward();
        _optG.step();

        SetRequiresGrad(true, _d);
        _optD!.zero_grad();
        var lossDReal = _gan.Compute(_d.forward(encoded.detach()), true);
        var lossDFake = _gan.Compute(_d.forward(generated.detach()), false);
        var lossD = (lossDReal + lossDFake) * 0.5;
        if (t.GanMode == "wgangp" && t.LambdaGp > 0)
            lossD = lossD + GanLoss.GradientPenalty(_d, encoded.detach(), generated.detach(), t.LambdaGp);
        lossD.backward();
        _optD.step();

        RecordLoss("G", lossG);
        RecordLoss("E", lossE);
        RecordLoss("D_real", lossDReal);
        RecordLoss("D_fake", lossDFake);
        RecordVisual("real_A", realA);
        RecordVisual("fake_B", fakeB);
        RecordVisual("real_B", realB);
        RecordVisual("fake_A", fakeA);
    }
}
