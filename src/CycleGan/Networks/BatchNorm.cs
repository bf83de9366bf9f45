using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official <c>nn.BatchNorm2d(c, affine=True, track_running_stats=True)</c>: eps 1e-5, momentum 0.1, libtorch's
/// batch-norm kernel (batch statistics in training, running ones in eval), the same state_dict keys in the same order
/// (weight, bias, running_mean, running_var, num_batches_tracked: int64, 0-dim). Ours rather than TorchSharp's, whose
/// forward counts batches with an implicit Scalar (see <see cref="Scalars"/>).
/// </summary>
public sealed class BatchNorm : Module<Tensor, Tensor>
{
    public const double Eps = 1e-5, Momentum = 0.1;

    // named for their keys, so that Module.to() (which replaces tensors by key) updates these fields too
    [ComponentName(Name = "weight")] Parameter _weight;
    [ComponentName(Name = "bias")] Parameter _bias;
    [ComponentName(Name = "running_mean")] Tensor _runningMean;
    [ComponentName(Name = "running_var")] Tensor _runningVar;
    [ComponentName(Name = "num_batches_tracked")] Tensor _numBatchesTracked;

    public BatchNorm(long channels) : base("BatchNorm2d")
    {
        Channels = channels;
        // outside any dispose scope, as TorchSharp's modules keep theirs: the module owns them
        _weight = new Parameter(ones(channels).DetachFromDisposeScope());
        _bias = new Parameter(zeros(channels).DetachFromDisposeScope());
        _runningMean = zeros(channels).DetachFromDisposeScope();
        _runningVar = ones(channels).DetachFromDisposeScope();
        _numBatchesTracked = tensor(0L).DetachFromDisposeScope();
        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
        register_buffer("running_mean", _runningMean);
        register_buffer("running_var", _runningVar);
        register_buffer("num_batches_tracked", _numBatchesTracked);
    }

    public long Channels { get; }
    public Parameter Weight => _weight;
    public Parameter Bias => _bias;
    public Tensor RunningMean => _runningMean;
    public Tensor RunningVar => _runningVar;
    public Tensor NumBatchesTracked => _numBatchesTracked;

    public override Tensor forward(Tensor input)
    {
        if (input.Dimensions != 4) throw new ArgumentException($"expected 4D input (got {input.Dimensions}D input)");
        if (training) _numBatchesTracked.add_(Scalars.One, Scalars.One);
        return functional.batch_norm(input, _runningMean, _runningVar, _weight, _bias, training, Momentum, Eps);
    }
}
