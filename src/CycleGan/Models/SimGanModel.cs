using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// SimGAN (Shrivastava et al. 2017) as the CycleGAN paper's baseline: G: A→B trained with GAN + the
/// self-regularisation lambda_reg · |G(x) − x|₁ (mean over pixels) and an image history pool for D. As in the
/// CycleGAN paper's use of it, x and G(x) are in different domains, so the L1 ties the output to the input's pixels.
/// </summary>
public sealed class SimGanModel : OneSidedGanModel
{
    readonly SimGanOptions _flags;

    public SimGanModel(ModelContext c) : base(c)
    {
        var opt = c.Opt;
        _flags = c.Flags<SimGanOptions>();
        if (opt.InputNc != opt.OutputNc)
            throw new UserError($"--model simgan compares G(x) with x pixel by pixel and needs --input_nc equal to --output_nc " +
                $"(got {opt.InputNc} and {opt.OutputNc})");
    }

    protected override string RegularizerName => "G_reg";

    protected override Tensor Regularizer(Tensor realA, Tensor fakeB) =>
        functional.l1_loss(fakeB, realA).Times(_flags.LambdaReg);
}
