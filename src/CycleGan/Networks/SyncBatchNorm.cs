using CycleGan.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official <c>--norm syncbatch</c> (PyTorch's <c>nn.SyncBatchNorm</c>): BatchNorm2d whose training-mode batch
/// statistics are those of the global batch, all ranks together; the same state_dict keys as <c>BatchNorm2d</c>
/// (weight, bias, running_mean, running_var, num_batches_tracked). Mean and biased variance are computed in two
/// passes (sum, then the sum of squared deviations), each reduced across ranks by <see cref="AllreduceFunction"/>,
/// so autograd gives the exact gradient of the sum of all ranks' losses: the cross-rank terms arrive through the
/// allreduce in backward. Eval mode normalises with the running statistics, like BatchNorm2d.
/// </summary>
public sealed class SyncBatchNorm : Module<Tensor, Tensor>
{
    const double Eps = 1e-5, Momentum = 0.1;
    static readonly long[] StatDims = [0, 2, 3];
    readonly MpiWorld _world;
    readonly Parameter _weight, _bias;
    readonly Tensor _runningMean, _runningVar, _numBatchesTracked;
    readonly Scalar _eps, _momentum, _decay;   // held by the module for every forward (see Networks.Scalars)

    public SyncBatchNorm(long channels, MpiWorld world) : base("SyncBatchNorm")
    {
        _world = world;
        _eps = Eps.ToScalar();
        _momentum = Momentum.ToScalar();
        _decay = (1 - Momentum).ToScalar();
        _weight = new Parameter(ones(channels));
        _bias = new Parameter(zeros(channels));
        _runningMean = zeros(channels);
        _runningVar = ones(channels);
        _numBatchesTracked = zeros([], ScalarType.Int64);
        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
        register_buffer("running_mean", _runningMean);
        register_buffer("running_var", _runningVar);
        register_buffer("num_batches_tracked", _numBatchesTracked);
    }

    public Parameter Weight => _weight;
    public Parameter Bias => _bias;

    public override Tensor forward(Tensor input)
    {
        if (!training)
            return functional.batch_norm(input, _runningMean, _runningVar, _weight, _bias, false, Momentum, Eps);
        var channels = input.shape[1];
        var localCount = input.numel() / channels;
        var counts = new[] { (float)localCount };
        _world.AllreduceSum(counts);
        double count = counts[0];
        using var n = count.ToScalar();
        using var unbiased = (count / Math.Max(1, count - 1)).ToScalar();
        var mean = AllreduceFunction.Apply(_world, input.sum(StatDims)).div(n);
        var centered = input - mean.view(1, channels, 1, 1);
        var variance = AllreduceFunction.Apply(_world, centered.pow(Scalars.Two).sum(StatDims)).div(n);
        using (no_grad())
        {
            _runningMean.mul_(_decay).add_(mean.detach(), _momentum);
            _runningVar.mul_(_decay).add_(variance.detach().mul(unbiased), _momentum);
            _numBatchesTracked.add_(Scalars.One, Scalars.One);
        }
        var scale = variance.add(_eps, Scalars.One).rsqrt() * _weight;
        return (centered * scale.view(1, channels, 1, 1)).add(_bias.view(1, channels, 1, 1), Scalars.One);
    }
}
