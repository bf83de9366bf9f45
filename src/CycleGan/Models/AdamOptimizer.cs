using CycleGan.Networks;
using System.Diagnostics.CodeAnalysis;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>
/// <c>torch.optim.Adam</c> (no weight decay, no amsgrad), per element at step t:
/// <c>m = β1·m + (1−β1)·g</c>, <c>v = β2·v + (1−β2)·g²</c>, <c>w −= (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + eps)</c>,
/// computed with the same libtorch calls as TorchSharp's <c>optim.Adam</c>, so its numbers are identical to the bit.
/// Our own because TorchSharp's step makes Scalars that only a finalizer frees, which a GC on another thread can free
/// while libtorch reads them; here every Scalar is held until its call returns. Parameters without a gradient are
/// skipped (their step count stays). <see cref="Save"/> and <see cref="Load"/> read and write the bytes of TorchSharp's
/// <c>OptimizerHelper.save_state_dict</c> for an Adam, so training states written with it still resume exactly.
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    /// <summary>The optimizer type name that TorchSharp's state format starts with.</summary>
    const string TypeName = "Adam";

    readonly List<ParameterState> _states;
    Scalar _beta1S, _oneMinusBeta1S, _beta2S, _oneMinusBeta2S, _epsS;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (lr < 0) throw new ArgumentException($"invalid learning rate: {lr}", nameof(lr));
        if (eps < 0) throw new ArgumentException($"invalid eps: {eps}", nameof(eps));
        if (beta1 is < 0 or >= 1) throw new ArgumentException($"invalid beta1: {beta1}", nameof(beta1));
        if (beta2 is < 0 or >= 1) throw new ArgumentException($"invalid beta2: {beta2}", nameof(beta2));
        _states = parameters.Select(p => new ParameterState(p)).ToList();
        LearningRate = InitialLearningRate = lr;
        SetHyperparameters(beta1, beta2, eps);
    }

    /// <summary>The rate the next <see cref="Step"/> uses; schedulers set it between steps.</summary>
    public double LearningRate { get; set; }

    /// <summary>The rate it was built with (or that the loaded state was built with); kept only for the saved format.</summary>
    public double InitialLearningRate { get; private set; }

    public double Beta1 { get; private set; }
    public double Beta2 { get; private set; }
    public double Eps { get; private set; }

    public IReadOnlyList<Parameter> Parameters => _states.Select(s => s.Parameter).ToList();

    /// <summary>One <c>optimizer.step()</c> over every parameter that has a gradient, under no_grad.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Every parameter normally has the same step count: the bias-correction Scalars are made once per count.
        long scalarsStep = -1;
        Scalar? bc2Sqrt = null, negStepSize = null;
        try
        {
            foreach (var s in _states)
            {
                var grad = s.Parameter.grad;
                if (grad is null) continue;
                s.Step++;
                if (s.Step != scalarsStep)
                {
                    bc2Sqrt?.Dispose();
                    negStepSize?.Dispose();
                    bc2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, s.Step)).ToScalar();
                    negStepSize = (-(LearningRate / (1 - Math.Pow(Beta1, s.Step)))).ToScalar();
                    scalarsStep = s.Step;
                }
                s.ExpAvg.mul_(_beta1S).add_(grad, _oneMinusBeta1S);
                s.ExpAvgSq.mul_(_beta2S).addcmul_(grad, grad, _oneMinusBeta2S);
                var denom = s.ExpAvgSq.sqrt().div_(bc2Sqrt!).add_(_epsS, Scalars.One);
                s.Parameter.addcdiv_(s.ExpAvg, denom, negStepSize!);
            }
        }
        finally
        {
            bc2Sqrt?.Dispose();
            negStepSize?.Dispose();
        }
    }

    /// <summary>Zeroes every gradient in place (TorchSharp's <c>Optimizer.zero_grad()</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var s in _states)
        {
            using var grad = s.Parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>
    /// TorchSharp's layout: the type name, LEB128 counts of option groups (1) and states, the group's options
    /// (initial lr, lr, β1, β2, eps, weight decay, amsgrad, maximize), then per parameter its step, exp_avg and exp_avg_sq
    /// (TorchSharp's tensor encoding) and false for the absent amsgrad maximum.
    /// </summary>
    public void Save(BinaryWriter w)
    {
        w.Write(TypeName);
        // BinaryWriter's 7-bit encoding of a non-negative int is TorchSharp's LEB128.
        w.Write7BitEncodedInt(1);
        w.Write7BitEncodedInt(_states.Count);
        w.Write(InitialLearningRate);
        w.Write(LearningRate);
        w.Write(Beta1);
        w.Write(Beta2);
        w.Write(Eps);
        w.Write(0.0);
        w.Write(false);
        w.Write(false);
        foreach (var s in _states)
        {
            w.Write(s.Step);
            s.ExpAvg.Save(w);
            s.ExpAvgSq.Save(w);
            w.Write(false);
        }
    }

    /// <summary>
    /// Reads what <see cref="Save"/> (or TorchSharp's Adam) wrote, options included, as PyTorch's
    /// <c>load_state_dict</c> restores them. Throws <see cref="InvalidDataException"/> on a state that does not fit,
    /// and then leaves this optimizer as it was.
    /// </summary>
    public void Load(BinaryReader r)
    {
        var name = r.ReadString();
        if (name != TypeName) throw new InvalidDataException($"optimizer type '{name}', expected '{TypeName}'");
        var groups = r.Read7BitEncodedInt();
        var count = r.Read7BitEncodedInt();
        if (groups != 1) throw new InvalidDataException($"{groups} parameter groups, expected 1");
        if (count != _states.Count) throw new InvalidDataException($"{count} parameter states, expected {_states.Count}");
        var (initialLr, lr, beta1, beta2, eps) = (r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        var (weightDecay, amsgrad, maximize) = (r.ReadDouble(), r.ReadBoolean(), r.ReadBoolean());
        if (weightDecay != 0 || amsgrad || maximize)
            throw new InvalidDataException($"weight decay {weightDecay}, amsgrad {amsgrad}, maximize {maximize}: not supported");
        var loaded = new List<(long Step, Tensor ExpAvg, Tensor ExpAvgSq)>(count);
        try
        {
            foreach (var s in _states)
            {
                var step = r.ReadInt64();
                var expAvg = zeros_like(s.Parameter).DetachFromDisposeScope();
                var expAvgSq = zeros_like(s.Parameter).DetachFromDisposeScope();
                loaded.Add((step, expAvg, expAvgSq));
                expAvg.Load(r);
                expAvgSq.Load(r);
                if (r.ReadBoolean()) throw new InvalidDataException("an amsgrad maximum is stored: not supported");
            }
        }
        catch (Exception e)
        {
            foreach (var (_, m, v) in loaded) { m.Dispose(); v.Dispose(); }
            // TorchSharp's tensor Load reports another dtype or shape as an ArgumentException.
            if (e is ArgumentException) throw new InvalidDataException(e.Message, e);
            throw;
        }
        for (int i = 0; i < count; i++) _states[i].Replace(loaded[i].Step, loaded[i].ExpAvg, loaded[i].ExpAvgSq);
        (InitialLearningRate, LearningRate) = (initialLr, lr);
        DisposeHyperparameters();
        SetHyperparameters(beta1, beta2, eps);
    }

    /// <summary>β1, β2, eps and the Scalars made from them once, held in fields until replaced or disposed.</summary>
    [MemberNotNull(nameof(_beta1S), nameof(_oneMinusBeta1S), nameof(_beta2S), nameof(_oneMinusBeta2S), nameof(_epsS))]
    void SetHyperparameters(double beta1, double beta2, double eps)
    {
        (Beta1, Beta2, Eps) = (beta1, beta2, eps);
        _beta1S = beta1.ToScalar();
        _oneMinusBeta1S = (1 - beta1).ToScalar();
        _beta2S = beta2.ToScalar();
        _oneMinusBeta2S = (1 - beta2).ToScalar();
        _epsS = eps.ToScalar();
    }

    void DisposeHyperparameters()
    {
        foreach (var s in new[] { _beta1S, _oneMinusBeta1S, _beta2S, _oneMinusBeta2S, _epsS }) s.Dispose();
    }

    public void Dispose()
    {
        foreach (var s in _states) s.Dispose();
        DisposeHyperparameters();
    }

    /// <summary>Adam's per-parameter state (PyTorch's <c>step</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>).</summary>
    sealed class ParameterState(Parameter parameter) : IDisposable
    {
        public Parameter Parameter { get; } = parameter;
        public long Step { get; set; }
        public Tensor ExpAvg { get; private set; } = zeros_like(parameter).DetachFromDisposeScope();
        public Tensor ExpAvgSq { get; private set; } = zeros_like(parameter).DetachFromDisposeScope();

        public void Replace(long step, Tensor expAvg, Tensor expAvgSq)
        {
            Dispose();
            (Step, ExpAvg, ExpAvgSq) = (step, expAvg, expAvgSq);
        }

        public void Dispose()
        {
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
        }
    }
}
