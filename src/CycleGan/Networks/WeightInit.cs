using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// The official <c>init_weights</c>: Conv/ConvTranspose/Linear weights by init type (bias 0), BatchNorm weight ~ N(1, gain)
/// and bias 0 whatever the type; everything else untouched. Modules are visited in state_dict order.
/// </summary>
public static class WeightInit
{
    public static readonly string[] Types = ["normal", "xavier", "kaiming", "orthogonal"];

    public static void Apply(nn.Module net, string initType, double gain)
    {
        if (!Types.Contains(initType))
            throw new UserError($"initialization method [{initType}] is not implemented (use {string.Join(", ", Types)})");
        using var _ = no_grad();
        foreach (var (_, m) in net.named_modules())
        {
            switch (m)
            {
                case Convolution or Linear: // the official init_weights: classes named *Conv* or *Linear*
                    var w = ((nn.Module)m).get_parameter("weight")!;
                    switch (initType)
                    {
                        case "normal": nn.init.normal_(w, 0.0, gain); break;
                        case "xavier": nn.init.xavier_normal_(w, gain); break;
                        case "kaiming": nn.init.kaiming_normal_(w, 0, nn.init.FanInOut.FanIn); break;
                        case "orthogonal": nn.init.orthogonal_(w, gain); break;
                    }
                    var b = ((nn.Module)m).get_parameter("bias");
                    if (b is not null) nn.init.constant_(b, Scalars.Zero);
                    break;
                case BatchNorm bn:
                    nn.init.normal_(bn.Weight, 1.0, gain);
                    nn.init.constant_(bn.Bias, Scalars.Zero);
                    break;
                case SyncBatchNorm sbn:
                    nn.init.normal_(sbn.Weight, 1.0, gain);
                    nn.init.constant_(sbn.Bias, Scalars.Zero);
                    break;
            }
        }
    }
}
