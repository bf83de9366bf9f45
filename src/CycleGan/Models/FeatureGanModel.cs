using CycleGan.Evaluation;
using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// The CycleGAN paper's "feature loss + GAN" baseline: G: A→B trained with GAN + lambda_feat · |φ(G(x)) − φ(x)|₁
/// (mean over the 512 features), φ = the ImageNet ResNet18 pooled features of the FD/KD evaluation, run in TorchSharp
/// from the same ONNX weights (<see cref="ResNet18Torch"/>) so that the loss is differentiable. φ is frozen and not saved.
/// </summary>
public sealed class FeatureGanModel : OneSidedGanModel
{
    readonly ResNet18Torch? _phi;
    readonly FeatureGanOptions _flags;

    public FeatureGanModel(ModelContext c) : base(c)
    {
        var opt = c.Opt;
        _flags = c.Flags<FeatureGanOptions>();
        if (!c.IsTrain) return;
        foreach (var (flag, nc) in new[] { ("input_nc", opt.InputNc), ("output_nc", opt.OutputNc) })
            if (nc != 1 && nc != 3) throw new UserError($"--model feature_gan feeds images to an RGB ResNet18 and " +
                $"needs --{flag} 1 or 3, not {nc}");
        _phi = new ResNet18Torch();
        _phi.to(c.Device);
        _phi.eval();
    }

    protected override string RegularizerName => "G_feat";

    protected override Tensor Regularizer(Tensor realA, Tensor fakeB)
    {
        var phi = _phi ?? throw BuiltForTesting();
        Tensor target;
        using (no_grad()) target = phi.forward(realA);
        return functional.l1_loss(phi.forward(fakeB), target).Times(_flags.LambdaFeat);
    }

    public override void Dispose()
    {
        _phi?.Dispose();
        base.Dispose();
    }
}
