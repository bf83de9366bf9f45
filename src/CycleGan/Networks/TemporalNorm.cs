using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// The frames of one clip as the instance-norm layers of a generator see them (<c>--temporal norm</c>): each layer
/// normalises with an exponential moving average of its per-channel mean and variance over the frames so far instead
/// of the frame's own, so a frame's tint no longer jumps with its content. The first layer of each frame decides
/// whether the scene cut (its statistics moved by more than <see cref="CutThreshold"/> standard deviations, averaged
/// over channels); at a cut every layer starts again from the frame's own statistics.
/// </summary>
public sealed class TemporalNorm : IDisposable
{
    /// <summary>Mean jump of the first layer's channel means, in its standard deviations, that counts as a scene cut.</summary>
    public const double CutThreshold = 1.0;

    readonly Scalar _keep, _take, _eps;
    readonly Dictionary<InstanceNorm, (Tensor Mean, Tensor Var)> _state = [];
    InstanceNorm? _first;
    long _frame, _decided = -1;
    bool _cut;

    /// <param name="momentum">weight of the earlier frames' statistics, in [0, 1); 0 is the per-frame behaviour.</param>
    public TemporalNorm(double momentum)
    {
        Momentum = CheckMomentum(momentum);
        _keep = momentum.ToScalar();
        _take = (1.0 - momentum).ToScalar();
        _eps = InstanceNorm.Eps.ToScalar();
    }

    public double Momentum { get; }

    /// <summary><paramref name="momentum"/> if it is in [0, 1) (both engines check it here), else UserError.</summary>
    public static double CheckMomentum(double momentum) => momentum is >= 0 and < 1
        ? momentum
        : throw new UserError($"--temporal_momentum {momentum} must be at least 0 and below 1 (e.g. 0.9)");

    /// <summary>Scene cuts found since the clip began.</summary>
    public int Cuts { get; private set; }

    /// <summary>Called before each frame's forward pass.</summary>
    public void NextFrame() => _frame++;

    /// <summary>Forgets every layer's statistics: the next frame starts a new clip.</summary>
    public void Reset()
    {
        foreach (var (m, v) in _state.Values)
        {
            m.Dispose();
            v.Dispose();
        }
        _state.Clear();
        _first = null;
        _cut = false;
        Cuts = 0;
    }

    /// <summary>One layer's normalisation of <paramref name="x"/> [N, C, H, W] with the carried statistics.</summary>
    public Tensor Normalize(InstanceNorm layer, Tensor x)
    {
        var mean = x.mean([2, 3], keepdim: true);
        var variance = x.var([2, 3], unbiased: false, keepdim: true);
        _first ??= layer;
        if (_state.TryGetValue(layer, out var prev) && prev.Mean.shape.SequenceEqual(mean.shape))
        {
            if (_decided != _frame && layer == _first)
            {
                using var jump = mean.sub(prev.Mean).abs().div(prev.Var.add(_eps, Scalars.One).sqrt()).mean();
                _cut = jump.Value() > CutThreshold;
                _decided = _frame;
                if (_cut) Cuts++;
            }
            if (!_cut)
            {
                mean = prev.Mean.mul(_keep).add(mean.mul(_take), Scalars.One);
                variance = prev.Var.mul(_keep).add(variance.mul(_take), Scalars.One);
            }
            prev.Mean.Dispose();
            prev.Var.Dispose();
        }
        else if (layer == _first) _decided = _frame;
        _state[layer] = (mean.detach().DetachFromDisposeScope(), variance.detach().DetachFromDisposeScope());
        return x.sub(mean).div(variance.add(_eps, Scalars.One).sqrt());
    }

    public void Dispose()
    {
        Reset();
        _keep.Dispose();
        _take.Dispose();
        _eps.Dispose();
    }
}
