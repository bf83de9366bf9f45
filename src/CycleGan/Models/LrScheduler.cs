namespace CycleGan.Models;

/// <summary>
/// The official <c>get_scheduler</c> policies, stepped once per epoch after its iterations (train.py at 2a7afba):
/// <c>linear</c> (LambdaLR, 1 − max(0, e + epoch_count − n_epochs)/(n_epochs_decay + 1)),
/// <c>step</c> (StepLR, step_size lr_decay_iters epochs, γ 0.1), <c>cosine</c> (CosineAnnealingLR, T_max n_epochs,
/// PyTorch's recursive form), <c>plateau</c> (ReduceLROnPlateau min, factor 0.2, threshold 0.01 rel, patience 5).
/// The state is a few numbers so that training can save and restore it.
/// </summary>
public sealed class LrScheduler
{
    public static readonly string[] Policies = ["linear", "step", "plateau", "cosine"];

    public string Policy { get; }
    public double BaseLr { get; }
    public int NEpochs { get; }
    public int NEpochsDecay { get; }
    public int EpochCount { get; }
    public int LrDecayIters { get; }

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's last_epoch).</summary>
    public int Steps { get; private set; }
    public double Lr { get; private set; }
    // ReduceLROnPlateau state.
    public double Best { get; private set; } = double.PositiveInfinity;
    public int NumBadEpochs { get; private set; }

    public LrScheduler(string policy, double lr, int nEpochs, int nEpochsDecay, int epochCount, int lrDecayIters)
    {
        if (!Policies.Contains(policy)) throw new UserError($"learning rate policy [{policy}] is not implemented (use " +
            $"linear, step, plateau or cosine)");
        if (policy == "step" && lrDecayIters < 1) throw new UserError("--lr_decay_iters must be at least 1 with --lr_policy step");
        if (policy == "cosine" && nEpochs < 1) throw new UserError("--n_epochs must be at least 1 with --lr_policy cosine");
        Policy = policy;
        BaseLr = lr;
        NEpochs = nEpochs;
        NEpochsDecay = nEpochsDecay;
        EpochCount = epochCount;
        LrDecayIters = lrDecayIters;
        Lr = policy == "linear" ? lr * LinearFactor(0) : lr;
    }

    double LinearFactor(int e) => 1.0 - Math.Max(0, e + EpochCount - NEpochs) / (double)(NEpochsDecay + 1);

    /// <summary>One scheduler step; <paramref name="metric"/> is used by plateau only (the official models pass 0).</summary>
    public double Step(double metric = 0)
    {
        Steps++;
        switch (Policy)
        {
            case "linear":
                Lr = BaseLr * LinearFactor(Steps);
                break;
            case "step":
                if (Steps % LrDecayIters == 0) Lr *= 0.1;
                break;
            case "cosine":
                Lr = CosineNext(Steps, Lr);
                break;
            case "plateau":
                // mode min, threshold_mode rel: improvement when metric < best * (1 - threshold).
                if (metric < Best * (1 - 0.01)) { Best = metric; NumBadEpochs = 0; }
                else NumBadEpochs++;
                if (NumBadEpochs > 5)
                {
                    var newLr = Lr * 0.2;
                    if (Lr - newLr > 1e-8) Lr = newLr;
                    NumBadEpochs = 0;
                }
                break;
        }
        return Lr;
    }

    double CosineNext(int t, double lr)
    {
        double tMax = NEpochs, etaMin = 0;
        if ((t - 1 - tMax) % (2 * tMax) == 0)
            return lr + (BaseLr - etaMin) * (1 - Math.Cos(Math.PI / tMax)) / 2;
        return (1 + Math.Cos(Math.PI * t / tMax)) / (1 + Math.Cos(Math.PI * (t - 1) / tMax)) * (lr - etaMin) + etaMin;
    }

    /// <summary>Restores a saved state (training-state files).</summary>
    public void Restore(int steps, double lr, double best, int numBadEpochs)
    {
        Steps = steps;
        Lr = lr;
        Best = best;
        NumBadEpochs = numBadEpochs;
    }
}
