using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// The official <c>GANLoss</c>: the target label (1.0 real, 0.0 fake) expanded to the PatchGAN map, then
/// <c>lsgan</c> = MSE, <c>vanilla</c> = BCE with logits, <c>wgangp</c> = −mean (real) / +mean (fake).
/// </summary>
public sealed class GanLoss
{
    public static readonly string[] Modes = ["lsgan", "vanilla", "wgangp"];

    public string Mode { get; }
    public double RealLabel { get; }
    public double FakeLabel { get; }
    /// <summary>Weight of WGAN-GP's gradient penalty (<c>--lambda_gp</c>); used with <c>wgangp</c> only.</summary>
    public double LambdaGp { get; }

    public GanLoss(string mode, double realLabel = 1.0, double fakeLabel = 0.0, double lambdaGp = 0.0)
    {
        if (!Modes.Contains(mode)) throw new UserError($"gan mode {mode} not implemented (use lsgan, vanilla or wgangp)");
        Mode = mode;
        RealLabel = realLabel;
        FakeLabel = fakeLabel;
        LambdaGp = lambdaGp;
    }

    /// <summary>The loss a training run asks for: <c>--gan_mode</c>, and <c>--lambda_gp</c> for wgangp.</summary>
    public static GanLoss For(TrainOptions t) => new(t.GanMode, lambdaGp: t.LambdaGp);

    public Tensor Compute(Tensor prediction, bool targetIsReal)
    {
        if (Mode == "wgangp") return targetIsReal ? -prediction.mean() : prediction.mean();
        using var label = (targetIsReal ? RealLabel : FakeLabel).ToScalar();
        using var target = full_like(prediction, label);
        return Mode == "lsgan"
            ? functional.mse_loss(prediction, target)
            : functional.binary_cross_entropy_with_logits(prediction, target);
    }

    /// <summary>
    /// WGAN-GP's gradient penalty (<c>cal_gradient_penalty</c>, type "mixed", constant 1):
    /// <c>λ · mean((‖∇D(αr + (1−α)f)‖₂ − 1)²)</c> with α ~ U(0,1) per sample. The official models never call it;
    /// we apply it for <c>wgangp</c> with <c>--lambda_gp</c> (0 reproduces the official step).
    /// </summary>
    public static Tensor GradientPenalty(Module<Tensor, Tensor> netD, Tensor real, Tensor fake, double lambdaGp,
        Generator? generator = null)
    {
        var n = real.shape[0];
        using var alpha = rand([n, 1, 1, 1], dtype: real.dtype, device: real.device, generator: generator);
        using var oneMinusAlpha = alpha.negative().add(Scalars.One, Scalars.One);
        using var interpolates = Scalars.Sum(alpha * real, oneMinusAlpha * fake).detach().requires_grad_(true);
        using var disc = netD.forward(interpolates);
        using var ones = ones_like(disc);
        var grads = autograd.grad([disc], [interpolates], [ones], retain_graph: true, create_graph: true);
        using var g = grads[0].view(n, -1);
        using var tiny = 1e-16.ToScalar();
        using var norms = g.add(tiny, Scalars.One).norm(1, false, 2);
        return norms.sub(Scalars.One).pow(Scalars.Two).mean().Times(lambdaGp);
    }

    /// <summary>
    /// A discriminator's loss plus <see cref="GradientPenalty"/> on (real, fake) where it applies (<c>wgangp</c> with
    /// <see cref="LambdaGp"/> &gt; 0); otherwise the loss unchanged.
    /// </summary>
    public Tensor WithGradientPenalty(Tensor lossD, Module<Tensor, Tensor> netD, Tensor real, Tensor fake) =>
        Mode == "wgangp" && LambdaGp > 0 ? Scalars.Sum(lossD, GradientPenalty(netD, real, fake, LambdaGp)) : lossD;
}
