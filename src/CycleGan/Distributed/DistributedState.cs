using System.Runtime.InteropServices;
using CycleGan.Checkpoints;
using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Training;
using static TorchSharp.torch;

namespace CycleGan.Distributed;

/// <summary>
/// What the ranks of a data-parallel run exchange outside the training step: the seed and rank 0's weights at the
/// start, every rank's image pools when rank 0 saves the training state (gathered) and when a run resumes (scattered).
/// Only rank 0 reads and writes the run folder, so the other ranks need no shared file system.
/// </summary>
public static class DistributedState
{
    const int PoolTag = 11, StateTag = 12;

    public static int BroadcastSeed(MpiWorld world, int seed) =>
        BitConverter.ToInt32(world.Broadcast(world.IsRoot ? BitConverter.GetBytes(seed) : null));

    /// <summary>Every rank takes rank 0's parameters and buffers (BatchNorm running statistics included).</summary>
    public static void BroadcastNetworks(MpiWorld world, GanModel model)
    {
        using var scope = NewDisposeScope();
        var tensors = model.Networks.Values.SelectMany(n => ModuleState.Ordered(n).Select(kv => kv.Value)).ToList();
        // float64 holds float32 weights and int64 counters exactly.
        var values = world.IsRoot
            ? cat(tensors.Select(t => t.detach().to(ScalarType.Float64).cpu().reshape(-1)).ToList(), 0).data<double>().ToArray()
            : null;
        var bytes = world.Broadcast(values is null ? null : MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
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

    /// <summary>
    /// Collective: ranks 1 … N−1 send their pools to rank 0, which gets them as <c>rank&lt;r&gt;.pool&lt;p&gt;.&lt;k&gt;</c>
    /// tensors for <see cref="TrainingState.Save"/>; the other ranks get null.
    /// </summary>
    public static List<KeyValuePair<string, Tensor>>? GatherPools(MpiWorld world, GanModel model)
    {
        var all = world.Gather(world.IsRoot ? [] : PoolBytes(model), PoolTag);
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
    /// Collective resume from the training state rank 0 found (<paramref name="stateDir"/>, null when none): rank 0
    /// loads it; the others get its files (without the pools) into a private temporary folder, load them the same
    /// way, and receive their own pools. Returns the counters, or null on every rank when there is no state.
    /// </summary>
    public static TrainingProgress? Resume(MpiWorld world, GanModel model, string? stateDir)
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
            files = PackFiles(stateDir);
            pools = RankPools(stateDir, world.Size, model.Pools.Count);
        }
        var shared = world.Broadcast(world.IsRoot ? files ?? [] : null);
        if (shared.Length == 0) return null;
        var mine = world.Scatter(pools, StateTag);
        if (world.IsRoot) return progress;
        var tmp = Path.Combine(Path.GetTempPath(), $"cyclegan-rank{world.Rank}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            UnpackFiles(shared, tmp);
            SafeTensorsFile.Write(Path.Combine(tmp, "pools.safetensors"), []);
            progress = TrainingState.Load(tmp, model);
        }
        finally
        {
            Directory.Delete(tmp, true);
        }
        var restored = PoolsFromBytes(mine);
        for (int p = 0; p < model.Pools.Count; p++)
            model.Pools[p].Restore(p < restored.Count ? restored[p].Select(t => t.to(model.Device)) : []);
        return progress;
    }

    static byte[] PackFiles(string dir)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
            foreach (var file in Directory.GetFiles(dir).Where(f => Path.GetFileName(f) != "pools.safetensors")
                         .Order(StringComparer.Ordinal))
            {
                w.Write(Path.GetFileName(file));
                var bytes = File.ReadAllBytes(file);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        return ms.ToArray();
    }

    static void UnpackFiles(byte[] packed, string dir)
    {
        Directory.CreateDirectory(dir);
        using var r = new BinaryReader(new MemoryStream(packed));
        while (r.BaseStream.Position < r.BaseStream.Length)
        {
            var name = Path.GetFileName(r.ReadString());
            File.WriteAllBytes(Path.Combine(dir, name), r.ReadBytes(r.ReadInt32()));
        }
    }

    /// <summary>Each rank's pools from a saved <c>pools.safetensors</c>, serialised for the scatter (rank 0's unused).</summary>
    static byte[][] RankPools(string stateDir, int size, int poolCount)
    {
        var result = new byte[size][];
        result[0] = [];
        using var saved = SafeTensorsFile.Read(Path.Combine(stateDir, "pools.safetensors"));
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

    static byte[] PoolBytes(GanModel model) => Serialize(model.Pools.Select(p => p.Images.ToList()).ToList());

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
