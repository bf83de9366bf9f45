using CycleGan.Data;
using CycleGan.Distributed;
using CycleGan.Models;
using static TorchSharp.torch;

namespace CycleGan.Training;

/// <summary>
/// The processes a run trains on: this process alone (<see cref="Local"/>, rank 0 of 1, where every exchange is a
/// no-op) or the ranks of an MPI job (<see cref="MpiTrainingWorld"/>). The trainer talks only to this, so its loop is
/// the official one whether it runs on one process or many.
/// </summary>
public abstract class TrainingWorld
{
    /// <summary>This process alone.</summary>
    public static TrainingWorld Local { get; } = new LocalWorld();

    /// <summary>The MPI job this process belongs to (<see cref="MpiWorld.Current"/> of more than one rank), else <see cref="Local"/>.</summary>
    public static TrainingWorld Current => MpiWorld.Current is { Size: > 1 } w ? new MpiTrainingWorld(w) : Local;

    public abstract int Rank { get; }
    public abstract int Size { get; }
    /// <summary>Rank 0 alone writes the run folder and publishes to the observers.</summary>
    public bool IsRoot => Rank == 0;

    /// <summary>The device of this rank for <c>--device</c> <paramref name="spec"/>.</summary>
    public virtual string DeviceSpec(string spec) => spec;

    /// <summary>Rank 0's seed on every rank.</summary>
    public virtual int AgreeOnSeed(int seed) => seed;

    /// <summary>Whether any rank asked to stop (every rank must stop at the same iteration).</summary>
    public virtual bool AnyStop(bool stop) => stop;

    /// <summary>Makes <paramref name="model"/> train in this world (averaged gradients across ranks).</summary>
    public virtual void Join(GanModel model) { }

    /// <summary>Every rank takes rank 0's weights (fresh, resumed or loaded).</summary>
    public virtual void ShareWeights(GanModel model) { }

    /// <summary>The share of each epoch this rank trains on (null: all of it).</summary>
    public virtual DistributedSampler? Sampler => null;

    /// <summary>Resumes from the training state rank 0 found (<paramref name="stateDir"/>; null: none, on every rank).</summary>
    public abstract TrainingProgress? Resume(GanModel model, string? stateDir);

    /// <summary>Collective: the pools of the other ranks for rank 0 to save with the state (null when there are none).</summary>
    public virtual List<KeyValuePair<string, Tensor>>? GatherPools(GanModel model) => null;

    /// <summary>Collective, at the end: an internal error unless every rank holds the same weights.</summary>
    public virtual void CheckInSync(GanModel model) { }

    sealed class LocalWorld : TrainingWorld
    {
        public override int Rank => 0;
        public override int Size => 1;

        public override TrainingProgress? Resume(GanModel model, string? stateDir)
        {
            if (stateDir is null) return null;
            var progress = TrainingState.Load(stateDir, model);
            if (progress.WorldSize != 1)
                throw new UserError($"the training state in {stateDir} was saved by a {progress.WorldSize}-process run; "
                    + $"resume it with {progress.WorldSize} processes (mpirun -np {progress.WorldSize})");
            return progress;
        }
    }
}
