using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Models;
using CycleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Training;

/// <summary>Where a run stands: the loop counters saved with the full training state, and how many ranks ran it.</summary>
public sealed record TrainingProgress(int Epoch, int EpochBatches, long TotalIters, int Seed, int WorldSize = 1);

/// <summary>
/// The full training state the official code does not save: every network, both optimizers (Adam moments and step
/// counts), the schedulers, the image pools and the loop counters, so that <c>--continue_train</c> resumes exactly.
/// It lives in <c>&lt;checkpoints&gt;/&lt;name&gt;/train_state/</c> and is replaced as a whole: written to a fresh
/// folder, then swapped in by two renames; a crash between them leaves <c>train_state.old</c>, which is read instead.
/// </summary>
public static class TrainingState
{
    /// <summary>The layout of <c>state.json</c> and its files this build writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    public const string FolderName = "train_state";

    /// <summary>The image pools' file in a state folder (every rank's, in an MPI run).</summary>
    public const string PoolsFile = "pools.safetensors";

    /// <param name="otherPools">In an N-rank run, the pools of ranks 1 … N−1 (<c>rank&lt;r&gt;.pool&lt;p&gt;.&lt;k&gt;</c>).</param>
    public static void Save(string runDir, GanModel model, TrainingProgress progress,
        IEnumerable<KeyValuePair<string, Tensor>>? otherPools = null)
    {
        var final = Path.Combine(runDir, FolderName);
        var tmp = Path.Combine(runDir, $"{FolderName}.tmp-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        var old = Path.Combine(runDir, FolderName + ".old");
        try
        {
            Directory.CreateDirectory(tmp);
            using (var scope = NewDisposeScope())
            {
                foreach (var (name, net) in model.Networks)
                    SafeTensorsFile.Write(Path.Combine(tmp, $"net_{name}.safetensors"),
                        ModuleState.Ordered(net).Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu())).ToList());
                for (int i = 0; i < model.Optimizers.Count; i++)
                {
                    using var ms = new MemoryStream();
                    using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
                        model.Optimizers[i].Save(w);
                    AtomicFile.WriteAllBytes(Path.Combine(tmp, $"optimizer_{i}.bin"), ms.ToArray());
                }
                var pools = new List<KeyValuePair<string, Tensor>>();
                for (int p = 0; p < model.Pools.Count; p++)
                    for (int k = 0; k < model.Pools[p].Images.Count; k++)
                        pools.Add(new($"pool{p}.{k}", model.Pools[p].Images[k].cpu()));
                pools.AddRange(otherPools ?? []);
                SafeTensorsFile.Write(Path.Combine(tmp, PoolsFile), pools);
            }
            var doc = new StateDocument
            {
                Epoch = progress.Epoch,
                EpochBatches = progress.EpochBatches,
                TotalIters = progress.TotalIters,
                Seed = progress.Seed,
                WorldSize = progress.WorldSize,
                Model = model.Opt.Model,
                Schedulers = model.Schedulers.Select(s => new SchedulerState(s.Steps, s.Lr, double.IsInfinity(s.Best) ? null : s.Best,
                    s.NumBadEpochs)).ToList(),
            };
            AtomicFile.WriteAllText(Path.Combine(tmp, "state.json"), JsonSerializer.Serialize(doc,
                new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(final))
            {
                if (Directory.Exists(old)) Directory.Delete(old, true);
                Directory.Move(final, old);
            }
            Directory.Move(tmp, final);
            if (Directory.Exists(old)) Directory.Delete(old, true);
        }
        catch (Exception e)
        {
            // Also after a UserError from AtomicFile (disk full): no half-written state folder stays behind.
            try { if (Directory.Exists(tmp)) Directory.Delete(tmp, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException)
                throw new UserError($"cannot write the training state in {runDir}: {e.Message}", e);
            throw;
        }
    }

    /// <summary>Removes state folders that a killed run left half-written (<c>train_state.tmp-&lt;pid&gt;-&lt;id&gt;</c>).</summary>
    public static void RemoveStale(string runDir)
    {
        if (!Directory.Exists(runDir)) return;
        foreach (var dir in Directory.EnumerateDirectories(runDir, FolderName + ".tmp-*"))
        {
            var pid = Path.GetFileName(dir)[(FolderName.Length + 5)..].Split('-')[0];
            if (int.TryParse(pid, out var p) && p == Environment.ProcessId) continue;
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The folder holding the last complete state, or null when the run has none.</summary>
    public static string? Find(string runDir)
    {
        foreach (var name in new[] { FolderName, FolderName + ".old" })
        {
            var dir = Path.Combine(runDir, name);
            if (File.Exists(Path.Combine(dir, "state.json"))) return dir;
        }
        return null;
    }

    /// <summary>Restores networks, optimizers, schedulers and pools into <paramref name="model"/>; returns the counters.</summary>
    public static TrainingProgress Load(string stateDir, GanModel model) => Load(StateFiles.Folder(stateDir), model, withPools: true);

    /// <summary>
    /// <see cref="Load(string, GanModel)"/> from a folder or from the bytes rank 0 sent; without
    /// <paramref name="withPools"/> the pools are left as they are (each rank of an MPI job gets its own).
    /// </summary>
    public static TrainingProgress Load(StateFiles files, GanModel model, bool withPools)
    {
        var stateDir = files.Where;
        StateDocument doc;
        try { doc = JsonSerializer.Deserialize<StateDocument>(files.Read("state.json")) ?? throw new JsonException("empty"); }
        catch (JsonException e) { throw new UserError($"{stateDir}/state.json is not a valid training state: {e.Message}", e); }
        if (doc.Version > FormatVersion)
            throw new UserError($"the training state in {stateDir} has format version {doc.Version}, newer than this build reads "
                + $"({FormatVersion}): continue it with the cyclegan that wrote it, or start a new run (another --name)");
        if (doc.Version < 1) throw new UserError($"{stateDir}/state.json is not a valid training state: format version {doc.Version}");
        if (doc.Model != model.Opt.Model)
            throw new UserError($"the training state in {stateDir} is for --model {doc.Model}, not {model.Opt.Model}");
        foreach (var (name, net) in model.Networks)
        {
            var file = $"net_{name}.safetensors";
            using var sd = SafeTensorsFile.Read(files.Read(file), Path.Combine(stateDir, file));
            CheckpointLoader.Load(net, sd, Path.Combine(stateDir, file));
        }
        if (doc.Schedulers.Count != model.Optimizers.Count)
            throw new UserError($"the training state in {stateDir} has {doc.Schedulers.Count} optimizers, the " +
                $"model {model.Optimizers.Count}");
        for (int i = 0; i < model.Optimizers.Count; i++)
        {
            var bytes = files.Read($"optimizer_{i}.bin");
            using var r = new BinaryReader(new MemoryStream(bytes));
            try { model.Optimizers[i].Load(r); }
            catch (Exception e) when (e is not UserError) { throw new UserError($"{stateDir}/optimizer_{i}.bin does not fit this model's " +
                $"optimizer ({e.Message})", e); }
            var s = doc.Schedulers[i];
            model.Schedulers[i].Restore(s.Steps, s.Lr, s.Best ?? double.PositiveInfinity, s.NumBadEpochs);
        }
        model.ApplySchedulerRates();
        if (withPools && model.Pools.Count > 0)
        {
            using var pools = SafeTensorsFile.Read(files.Read(PoolsFile), Path.Combine(stateDir, PoolsFile));
            for (int p = 0; p < model.Pools.Count; p++)
            {
                var images = new List<Tensor>();
                for (int k = 0; pools.TryGetValue($"pool{p}.{k}", out var t); k++)
                    images.Add(t.to(model.Device).clone());
                model.Pools[p].Restore(images);
            }
        }
        return new TrainingProgress(doc.Epoch, doc.EpochBatches, doc.TotalIters, doc.Seed, doc.WorldSize);
    }

    sealed class StateDocument
    {
        public int Version { get; set; } = FormatVersion;
        public string Model { get; set; } = "";
        public int Epoch { get; set; }
        public int EpochBatches { get; set; }
        public long TotalIters { get; set; }
        public int Seed { get; set; }
        public int WorldSize { get; set; } = 1;
        public List<SchedulerState> Schedulers { get; set; } = [];
    }

    sealed record SchedulerState(int Steps, double Lr, double? Best, int NumBadEpochs);
}
