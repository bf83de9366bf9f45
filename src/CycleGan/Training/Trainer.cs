using System.Diagnostics;
using CycleGan.Data;
using CycleGan.Distributed;
using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Training;

/// <summary>
/// The official <c>train.py</c> loop (commit 2a7afba): epochs epoch_count … n_epochs + n_epochs_decay, one
/// <c>optimize_parameters()</c> per batch, visuals every display_freq, losses every print_freq, <c>latest</c> (or
/// <c>iter_N</c>) every save_latest_freq, <c>latest</c> and <c>&lt;epoch&gt;</c> every save_epoch_freq epochs, then the
/// learning-rate update after the epoch. Saves the full training state with every checkpoint so that
/// <c>--continue_train</c> resumes exactly. A <c>stop</c> request (e.g. a time budget) ends the run at the next
/// iteration boundary with <c>latest</c> and the training state saved, so that it can be resumed or tested.
/// In an MPI job (<see cref="MpiWorld.Current"/> of more than one rank, see docs/distributed.md) every rank trains
/// a copy of the model on its share of each epoch with averaged gradients; rank 0 alone writes the run folder and
/// publishes to the observers, and an iteration counts the samples of all ranks.
/// </summary>
public sealed class Trainer
{
    readonly TrainOptions _opt;
    readonly IReadOnlyList<ITrainingObserver> _observers;

    public Trainer(TrainOptions opt, IEnumerable<ITrainingObserver> observers)
    {
        _opt = opt;
        _observers = observers.ToList();
    }

    public string RunDir => Path.Combine(_opt.CheckpointsDir, _opt.Name);

    /// <summary>Test aid: a folder where every rank writes its final weights, <c>rank&lt;r&gt;_net_&lt;name&gt;.safetensors</c>.</summary>
    public const string RankWeightsVariable = "CYCLEGAN_RANK_WEIGHTS_DIR";

    /// <param name="cancel">Aborts with <see cref="OperationCanceledException"/>; nothing is saved.</param>
    /// <param name="stop">Ends training cleanly before the next iteration: <c>latest</c> and the training state are saved.</param>
    public TrainingOutcome Run(CancellationToken cancel = default, CancellationToken stop = default)
    {
        TorchRuntime.EnsureLoaded();
        TrainingValidation.Check(_opt);
        var world = MpiWorld.Current is { Size: > 1 } w ? w : null;
        var deviceSpec = _opt.DeviceSpec();
        // One GPU per rank: without an index, rank k of a node takes CUDA device k (modulo the count).
        if (world != null && deviceSpec is "" or "cuda" && torch.cuda.is_available())
            deviceSpec = $"cuda:{LaunchEnvironment.LocalRank() % torch.cuda.device_count()}";
        var device = TorchRuntime.ResolveDevice(deviceSpec);
        var root = world?.IsRoot ?? true;
        var seed = _opt.Seed >= 0 ? _opt.Seed : Environment.TickCount & 0x7FFFFFFF;
        if (world != null) seed = DistributedState.BroadcastSeed(world, seed);
        torch.manual_seed(seed);
        using var runLock = root ? AcquireRunDir() : null;

        using var model = ModelRegistry.Create(_opt, isTrain: true, device);
        model.SetTrainMode(true);
        if (world != null)
        {
            if (!ModelRegistry.Get(_opt.Model).DataParallel)
                throw new UserError($"--model {_opt.Model} does not train over MPI (" +
                    string.Join(", ", ModelRegistry.Names.Where(n => ModelRegistry.Get(n).DataParallel)) +
                    " do); run it as one process or with --distributed none");
            model.GradientSync = new FusedGradientAverager(world);
        }
        if (Networks.ConvKernels.Shared.RemedySummary() is { } remedies) Publish(o => o.OnMessage(remedies));

        var progress = new TrainingProgress(_opt.EpochCount, 0, 0, seed);
        var resumed = false;
        if (_opt.ContinueTrain)
        {
            var stateDir = root && _opt.Epoch == "latest" && _opt.LoadIter == 0 ? TrainingState.Find(RunDir) : null;
            var loaded = world != null ? DistributedState.Resume(world, model, stateDir)
                : stateDir != null ? TrainingState.Load(stateDir, model) : null;
            if (loaded != null)
            {
                progress = loaded;
                if (world is null && progress.WorldSize != 1)
                    throw new UserError($"the training state in {stateDir} was saved by a {progress.WorldSize}-process run; "
                        + $"resume it with {progress.WorldSize} processes (mpirun -np {progress.WorldSize})");
                seed = progress.Seed;
                resumed = true;
                Publish(o => o.OnMessage($"resuming from the full training state in {stateDir}: " +
                    $"epoch {progress.Epoch}, {progress.EpochBatches} batches into it, {progress.TotalIters} iterations done"));
            }
            else
            {
                // Official behaviour: load <epoch>_net_*.pth (or iter_<load_iter>), start at --epoch_count with fresh optimizers.
                var label = _opt.LoadIter > 0 ? $"iter_{_opt.LoadIter}" : _opt.Epoch;
                if (root) model.LoadNetworks(RunDir, label);
                Publish(o => o.OnMessage($"continuing from {label}_net_*.pth without a training state: fresh optimizers, starting " +
                    $"at epoch {_opt.EpochCount}"));
            }
        }
        // One set of weights for all ranks: rank 0's (fresh, resumed or loaded).
        if (world != null) DistributedState.BroadcastNetworks(world, model);
        // Built once the seed is known (a resumed run takes the saved one): every file is validated here, once.
        var sampler = world is null ? null : new DistributedSampler(world.Rank, world.Size);
        var data = TrainingData.Create(_opt, seed, Publish, sampler);
        if (root) AtomicFile.WriteAllText(Path.Combine(RunDir, "train_opt.txt"), OptionInfo.Format(_opt, ModelRegistry.NewOptions<TrainOptions>(_opt.Model)));
        var worldSize = world?.Size ?? 1;
        var rank = world?.Rank ?? 0;

        var lastEpoch = _opt.NEpochs + _opt.NEpochsDecay;
        var batches = data.Loader.BatchCount;
        Publish(o => o.OnStart(new TrainingStart(RunDir, progress.Epoch, lastEpoch, batches, data.Loader.Count, _opt.BatchSize,
            progress.TotalIters, progress.EpochBatches, model.LossNames, resumed, world?.Size ?? 1)));

        long totalIters = progress.TotalIters;
        var savedFinalState = false;
        for (int epoch = progress.Epoch; epoch <= lastEpoch; epoch++)
        {
            var epochStart = Stopwatch.StartNew();
            var waitBefore = data.Loader.WaitSeconds;
            int skip = epoch == progress.Epoch ? progress.EpochBatches : 0;
            int batchIndex = skip;
            int epochIter = skip * _opt.BatchSize;
            var iterClock = Stopwatch.StartNew();
            var lastEnd = Stopwatch.GetTimestamp();
            foreach (var batch in data.Loader.Epoch(epoch, skip))
            {
                cancel.ThrowIfCancellationRequested();
                // In an MPI job every rank must stop at the same iteration: the request of any rank stops all.
                var stopNow = world is null ? stop.IsCancellationRequested : world.AllreduceMax(stop.IsCancellationRequested ? 1 : 0) > 0;
                if (stopNow)
                {
                    SaveCheckpoint(model, "latest", new TrainingProgress(epoch, batchIndex, totalIters, seed, worldSize));
                    Publish(o => o.OnMessage($"stopped as requested at epoch {epoch}, {batchIndex} of {batches} batches into " +
                        $"it, {totalIters} iterations done"));
                    return new TrainingOutcome(totalIters, epoch, StoppedEarly: true);
                }
                var t0 = Stopwatch.GetTimestamp();
                // Official t_data: how long this iteration waited for its batch (the loader prefetches in the background).
                var dataSeconds = Stopwatch.GetElapsedTime(lastEnd, t0).TotalSeconds;
                totalIters += _opt.BatchSize * worldSize;
                epochIter += _opt.BatchSize * worldSize;
                batchIndex++;
                using (var scope = NewDisposeScope())
                {
                    var a = batch.A.ToTensor();
                    var b = batch.B?.ToTensor();
                    model.SetInput(a, b, batch.APaths, batch.BPaths);
                }
                // Every random draw of this iteration (dropout, pool, gradient penalty) comes from (seed, iteration, rank).
                torch.manual_seed((long)((rank == 0 ? Rng.Mix(seed, totalIters) : Rng.Mix(seed, totalIters, -rank)) >> 1));
                model.OptimizeParameters(new Rng(rank == 0 ? Rng.Mix(seed, totalIters, 1) : Rng.Mix(seed, totalIters, 1, rank)));
                var computeSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                CheckFinite(model, epoch, epochIter, totalIters);

                var secondsPerIter = iterClock.Elapsed.TotalSeconds / Math.Max(1, batchIndex - skip);
                Publish(o => o.OnIteration(new IterationInfo(epoch, epochIter, totalIters, batchIndex, batches, secondsPerIter)));
                if (root && totalIters % _opt.DisplayFreq == 0)
                {
                    var save = totalIters % _opt.UpdateHtmlFreq == 0;
                    // Colorization's visuals convert Lab → RGB through temporaries: scoped, so none is left to the GC.
                    IReadOnlyDictionary<string, RgbImage> images;
                    using (NewDisposeScope()) images = model.CurrentVisualImages();
                    Publish(o => o.OnVisuals(new VisualsReport(epoch, totalIters, images, save)));
                }
                if (root && totalIters % _opt.PrintFreq == 0)
                {
                    var losses = model.CurrentLosses();
                    Publish(o => o.OnLosses(new LossReport(epoch, epochIter, totalIters, computeSeconds / _opt.BatchSize, dataSeconds,
                        losses)));
                }
                if (totalIters % _opt.SaveLatestFreq == 0)
                {
                    var label = _opt.SaveByIter ? $"iter_{totalIters}" : "latest";
                    SaveCheckpoint(model, label, new TrainingProgress(epoch, batchIndex, totalIters, seed, worldSize));
                }
                lastEnd = Stopwatch.GetTimestamp();
            }
            // The learning-rate step comes first so that a state saved at the epoch's end already includes it.
            var (oldLr, newLr) = model.UpdateLearningRate();
            savedFinalState = epoch == lastEpoch && epoch % _opt.SaveEpochFreq == 0;
            if (epoch % _opt.SaveEpochFreq == 0)
            {
                SaveCheckpoint(model, "latest", new TrainingProgress(epoch + 1, 0, totalIters, seed, worldSize));
                if (root) model.SaveNetworks(RunDir, epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Publish(o => o.OnCheckpoint(epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), totalIters));
            }
            var wait = data.Loader.WaitSeconds - waitBefore;
            Publish(o => o.OnEpochEnd(new EpochEnd(epoch, lastEpoch, epochStart.Elapsed.TotalSeconds, oldLr, newLr, wait)));
        }
        // Like the official loop's last save_epoch_freq save, but always: the final weights and state are kept
        // (unless the last epoch's own save just wrote them).
        if (!savedFinalState)
            SaveCheckpoint(model, "latest", new TrainingProgress(lastEpoch + 1, 0, totalIters, seed, worldSize));
        if (Environment.GetEnvironmentVariable(RankWeightsVariable) is { Length: > 0 } weightsDir)
            foreach (var (name, net) in model.Networks)
                using (var scope = NewDisposeScope())
                    Checkpoints.SafeTensorsFile.Write(Path.Combine(weightsDir, $"rank{rank}_net_{name}.safetensors"),
                        Networks.ModuleState.Ordered(net).Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu()))
                            .ToList());
        return new TrainingOutcome(totalIters, lastEpoch, StoppedEarly: false);
    }

    RunLock AcquireRunDir()
    {
        AtomicFile.CreateDirectory(RunDir);
        var runLock = RunLock.Acquire(RunDir); // before anything in the folder is touched
        // What a killed run left: temp files and half-written state folders (never under a final name).
        AtomicFile.RemoveStaleTemps(RunDir);
        TrainingState.RemoveStale(RunDir);
        return runLock;
    }

    void SaveCheckpoint(GanModel model, string label, TrainingProgress progress)
    {
        // Collective in an MPI job: every rank hands its pools to rank 0, which alone writes.
        var otherPools = MpiWorld.Current is { Size: > 1 } world ? DistributedState.GatherPools(world, model) : null;
        if (MpiWorld.Current is { Size: > 1, IsRoot: false }) return;
        try { SaveCheckpoint(model, label, progress, otherPools); }
        finally { foreach (var kv in otherPools ?? []) kv.Value.Dispose(); }
    }

    void SaveCheckpoint(GanModel model, string label, TrainingProgress progress, List<KeyValuePair<string, Tensor>>? otherPools)
    {
        // The losses are computed before the step, so an optimizer step can leave non-finite weights behind finite
        // losses: checked here so that such weights never replace the last good checkpoint.
        foreach (var (name, net) in model.Networks)
            foreach (var (key, p) in net.named_parameters())
                using (var scope = NewDisposeScope())
                    if (!p.isfinite().all().IsTrue())
                        throw new UserError($"the weights of {name} ({key}) became non-finite at iteration {progress.TotalIters}; " +
                            $"stopped, the last checkpoint is kept. Try a lower --lr");
        model.SaveNetworks(RunDir, label);
        TrainingState.Save(RunDir, model, progress, otherPools);
        Publish(o => o.OnCheckpoint(label, progress.TotalIters));
    }

    static void CheckFinite(GanModel model, int epoch, int epochIter, long totalIters)
    {
        foreach (var (name, value) in model.CurrentLosses())
            if (!double.IsFinite(value))
                throw new UserError($"loss {name} became {value} at epoch {epoch}, iteration {epochIter} (total {totalIters}); stopped, " +
                    $"the last checkpoint is kept. Try a lower --lr or another --gan_mode");
    }

    void Publish(Action<ITrainingObserver> action)
    {
        foreach (var o in _observers) action(o);
    }
}
