using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Distributed;
using CycleGan.Models;
using CycleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Training;

/// <summary>
/// The ranks of a data-parallel MPI job (docs/distributed.md): what they exchange outside the training step — the
/// seed and rank 0's weights at the start, every rank's image pools when rank 0 saves the training state (gathered)
/// and when a run resumes (scattered), a stop request, a final check that all ranks hold the same weights. Only rank
/// 0 reads and writes the run folder, so the other ranks need no shared file system.
/// </summary>
public sealed class MpiTrainingWorld(MpiWorld world) : TrainingWorld
{
    const int PoolTag = 11, StateTag = 12;

    public override int Rank => world.Rank;
    public override int Size => world.Size;

    // One GPU per rank: without an index, rank k of a node takes CUDA device k (modulo the count).
    public override string DeviceSpec(string spec) => spec is "" or "cuda" && cuda.is_available()
        ? $"cuda:{LaunchEnvironment.LocalRank() % cuda.device_count()}" : spec;

    public override int AgreeOnSeed(int seed) =>
        BitConverter.ToInt32(world.Broadcast(world.IsRoot ? BitConverter.GetBytes(seed) : null));

    public override bool AnyStop(bool stop) => world.AllreduceMax(stop ? 1 : 0) > 0;

    public override DistributedSampler? Sampler => new(world.Rank, world.Size);

    public override void Join(GanModel model)
    {
        var name = model.Opt.Model;
        if (!ModelRegistry.Get(name).DataParallel)
            throw new UserError($"--model {name} does not train over MPI (" +
                string.Join(", ", ModelRegistry.Names.Where(n => ModelRegistry.Get(n).DataParallel)) +
                " do); run it as one process or with --distributed none");
        model.GradientSync = new FusedGradientAverager(world);
    }

    /// <summary>Every rank takes rank 0's parameters and buffers (BatchNorm running statistics included).</summary>
    public override void ShareWeights(GanModel model)
    {
        using var scope = NewDisposeScope();
        var tensors = model.Networks.Values.SelectMany(n => ModuleState.Ordered(n).Select(kv => kv.Value)).ToList();
        var bytes = world.Broadcast(world.IsRoot ? StateBytes(tensors) : null);
        if (world.IsRoot) return;
        var flat = tensor(MemoryMarshal.Cast<byte, double>(bytes).ToArray());
        long at = 0;
        using var _ = no_grad();
        foreach (var t in tensors)
        {
            t.copy_(flat.narrow(0, at, t.numel()).view(t.shape).to(t.dtype).to(t.device));
            at += t.numel();
        }
    }

    // float64 holds float32 weights and int64 counters exactly.
    static byte[] StateBytes(IEnumerable<Tensor> tensors) => MemoryMarshal.AsBytes(
        cat(tensors.Select(t => t.detach().to(ScalarType.Float64).cpu().reshape(-1)).ToList(), 0).data<double>().ToArray().AsSpan())
        .ToArray();

    public override void CheckInSync(GanModel model)
    {
        using var scope = NewDisposeScope();
        var state = StateBytes(model.Networks.Values.SelectMany(n => ModuleState.Ordered(n).Select(kv => kv.Value)));
        var hash = BitConverter.ToInt64(SHA256.HashData(state));
        // Equal on every rank exactly when the largest hash and the largest negated hash are each other's negation.
        if (world.AllreduceMax(hash) != -world.AllreduceMax(-hash))
            throw new InvalidOperationException($"the ranks' weights diverged (rank {world.Rank} of {world.Size}); please report this");
    }

    /// <summary>
    /// Collective: ranks 1 … N−1 send their pools to rank 0, which gets them as <c>rank&lt;r&gt;.pool&lt;p&gt;.&lt;k&gt;</c>
    /// tensors for <see cref="TrainingState.Save"/>; the other ranks get null.
    /// </summary>
    public override List<KeyValuePair<string, Tensor>>? GatherPools(GanModel model)
    {
        var all = world.Gather(world.IsRoot ? [] : Serialize(model.Pools.Select(p => p.Images.ToList()).ToList()), PoolTag);
        if (all is null) return null;
        var result = new List<KeyValuePair<string, Tensor>>();
        for (int r = 1; r < all.Length; r++)
        {
            var pools = PoolsFromBytes(all[r]);
            for (int p = 0; p < pools.Count; p++)
                for (int k = 0; k < pools[p].Count; k++)
                    result.Add(new($"rank{r}.pool{p}.{k}", pools[p][k]));
        }
        return result;
    }

    /// <summary>
    /// Collective resume: rank 0 loads the state it found; the others load the same files from the bytes rank 0 sends
    /// (without the pools) and receive their own pools. Returns the counters, or null on every rank when there is none.
    /// </summary>
    public override TrainingProgress? Resume(GanModel model, string? stateDir)
    {
        TrainingProgress? progress = null;
        byte[][]? pools = null;
        byte[]? files = null;
        if (world.IsRoot && stateDir != null)
        {
            progress = TrainingState.Load(stateDir, model);
            if (progress.WorldSize != world.Size)
                throw new UserError($"the training state in {stateDir} was saved by a {progress.WorldSize}-process run; "
                    + $"resume it with {progress.WorldSize} processes (this run has {world.Size})");
            files = StateFiles.Pack(stateDir, skip: name => name == TrainingState.PoolsFile);
            pools = RankPools(stateDir, world.Size, model.Pools.Count);
        }
        var shared = world.Broadcast(world.IsRoot ? files ?? [] : null);
        if (shared.Length == 0) return null;
        var mine = world.Scatter(pools, StateTag);
        if (world.IsRoot) return progress;
        progress = TrainingState.Load(StateFiles.Unpack(shared, $"rank 0's {TrainingState.FolderName}"), model, withPools: false);
        var restored = PoolsFromBytes(mine);
        for (int p = 0; p < model.Pools.Count; p++)
            model.Pools[p].Restore(p < restored.Count ? restored[p].Select(t => t.to(model.Device)) : []);
        return progress;
    }

    /// <summary>Each rank's pools from a saved <c>pools.safetensors</c>, serialised for the scatter (rank 0's unused).</summary>
    static byte[][] RankPools(string stateDir, int size, int poolCount)
    {
        var result = new byte[size][];
        result[0] = [];
        using var saved = SafeTensorsFile.Read(Path.Combine(stateDir, TrainingState.PoolsFile));
        for (int r = 1; r < size; r++)
        {
            var pools = new List<List<Tensor>>();
            for (int p = 0; p < poolCount; p++)
            {
                var images = new List<Tensor>();
                for (int k = 0; saved.TryGetValue($"rank{r}.pool{p}.{k}", out var t); k++) images.Add(t);
                pools.Add(images);
            }
            result[r] = Serialize(pools);
        }
        return result;
    }

    static byte[] Serialize(List<List<Tensor>> pools)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(pools.Count);
            foreach (var pool in pools)
            {
                w.Write(pool.Count);
                foreach (var image in pool)
                {
                    w.Write(image.shape.Length);
                    foreach (var d in image.shape) w.Write(d);
                    var values = image.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
                    w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
                }
            }
        }
        return ms.ToArray();
    }

    static List<List<Tensor>> PoolsFromBytes(byte[] bytes)
    {
        var result = new List<List<Tensor>>();
        if (bytes.Length == 0) return result;
        using var r = new BinaryReader(new MemoryStream(bytes));
        var poolCount = r.ReadInt32();
        for (int p = 0; p < poolCount; p++)
        {
            var images = new List<Tensor>();
            var n = r.ReadInt32();
            for (int k = 0; k < n; k++)
            {
                var shape = new long[r.ReadInt32()];
                for (int d = 0; d < shape.Length; d++) shape[d] = r.ReadInt64();
                var count = shape.Aggregate(1L, (a, b) => a * b);
                var values = MemoryMarshal.Cast<byte, float>(r.ReadBytes(checked((int)(count * sizeof(float))))).ToArray();
                images.Add(tensor(values).reshape(shape));
            }
            result.Add(images);
        }
        return result;
    }
}
