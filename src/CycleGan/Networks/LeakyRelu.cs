using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// <c>nn.LeakyReLU(negative_slope, inplace)</c>: libtorch's kernel, as TorchSharp's module calls it, but with the slope's
/// Scalar held by the module (TorchSharp's converts the double on every call, see <see cref="Scalars"/>).
/// No parameters or buffers, so the state_dict keys around it are the official ones.
/// </summary>
public sealed class LeakyRelu : Module<Tensor, Tensor>
{
    readonly Scalar _slope;

    public double NegativeSlope { get; }
    public bool Inplace { get; }

    public LeakyRelu(double negativeSlope, bool inplace = false) : base("LeakyReLU")
    {
        NegativeSlope = negativeSlope;
        Inplace = inplace;
        _slope = negativeSlope.ToScalar();
    }

    // the in-place result is an alias of the input, as TorchSharp's functional.leaky_relu returns it
    public override Tensor forward(Tensor input) => Inplace ? input.leaky_relu_(_slope).alias() : input.leaky_relu(_slope);
}
