using System.Diagnostics;
using CycleGan.Data;
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
/// The loop reads the same on one process or many: in an MPI job (<see cref="TrainingWorld"/>, docs/distributed.md)
/// every rank trains a copy of the model on its share of each epoch with averaged gradients; rank 0 alone writes the
/// run folder and publishes to the observers, and an iteration counts the samples of all ranks.
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

    /// <summary>What a run holds while it trains: the model, its data, the world, and where the loop stands.</summary>
    sealed class Run_(TrainingWorld world, GanModel model, TrainingData data, TrainingProgress start, bool resumed) : IDisposable
    {
        public TrainingWorld World => world;
        public GanModel Model => model;
        public TrainingData Data => data;
        public TrainingProgress Start => start;
        public bool Resumed => resumed;
        public int Seed => start.Seed;
        public void Dispose() => model.Dispose();
    }

    /// <param name="cancel">Aborts with <see cref="OperationCanceledException"/>; nothing is saved.</param>
    /// <param name="stop">Ends training cleanly before the next iteration: <c>latest</c> and the training state are saved.</param>
    public TrainingOutcome Run(CancellationToken cancel = default, CancellationToken stop = default)
    {
        TorchRuntime.EnsureLoaded();
        TrainingValidation.Check(_opt);
        var world = TrainingWorld.Current;
        using var runLock = world.IsRoot ? AcquireRunDir() : null;
        using var run = Setup(world);
        var lastEpoch = _opt.NEpochs + _opt.NEpochsDecay;
        Publish(o => o.OnStart(new TrainingStart(RunDir, run.Start.Epoch, lastEpoch, run.Data.Loader.BatchCount, run.Data.Loader.Count,
            _opt.BatchSize, run.Start.TotalIters, run.Start.EpochBatches, run.Model.LossNames, run.Resumed, world.Size)));
        long totalIters = run.Start.TotalIters;
        for (int epoch = run.Start.Epoch; epoch <= lastEpoch; epoch++)
        {
            var skip = epoch == run.Start.Epoch ? run.Start.EpochBatches : 0;
            if (TrainEpoch(run, epoch, skip, ref totalIters, cancel, stop) is { } stoppedAt)
                return new TrainingOutcome(totalIters, stoppedAt, StoppedEarly: true);
        }
        // Like the official loop's last save_epoch_freq save, but always: the final weights and state are kept
        // (unless the last epoch's own save just wrote them).
        if (lastEpoch % _opt.SaveEpochFreq != 0 || lastEpoch < run.Start.Epoch)
            SaveCheckpoint(run, "latest", new TrainingProgress(lastEpoch + 1, 0, totalIters, run.Seed, world.Size));
        world.CheckInSync(run.Model);
        return new TrainingOutcome(totalIters, lastEpoch, StoppedEarly: false);
    }

    /// <summary>
    /// The official setup: the seed, the model (and its place in the world), <c>--continue_train</c> (the full state,
    /// or the official <c>&lt;epoch&gt;_net_*.pth</c>), the data, <c>train_opt.txt</c>.
    /// </summary>
    Run_ Setup(TrainingWorld world)
    {
        var device = TorchRuntime.ResolveDevice(world.DeviceSpec(_opt.DeviceSpec()));
        var seed = world.AgreeOnSeed(_opt.Seed >= 0 ? _opt.Seed : Environment.TickCount & 0x7FFFFFFF);
        torch.manual_seed(seed);
        var model = ModelRegistry.Create(_opt, isTrain: true, device);
        try
        {
            model.SetTrainMode(true);
            world.Join(model);
            if (Networks.ConvKernels.Shared.RemedySummary() is { } remedies) Publish(o => o.OnMessage(remedies));
            var progress = new TrainingProgress(_opt.EpochCount, 0, 0, seed, world.Size);
            var resumed = false;
            if (_opt.ContinueTrain)
            {
                var stateDir = world.IsRoot && _opt.Epoch == "latest" && _opt.LoadIter == 0 ? TrainingState.Find(RunDir) : null;
                if (world.Resume(model, stateDir) is { } loaded)
                {
                    progress = loaded;
                    resumed = true;
                    Publish(o => o.OnMessage($"resuming from the full training state in {stateDir}: epoch {loaded.Epoch}, " +
                        $"{loaded.EpochBatches} batches into it, {loaded.TotalIters} iterations done"));
                }
                else
                {
                    // Official behaviour: load <epoch>_net_*.pth (or iter_<load_iter>), start at --epoch_count with fresh optimizers.
                    var label = _opt.LoadIter > 0 ? $"iter_{_opt.LoadIter}" : _opt.Epoch;
                    if (world.IsRoot) model.LoadNetworks(RunDir, label);
                    Publish(o => o.OnMessage($"continuing from {label}_net_*.pth without a training state: fresh optimizers, " +
                        $"starting at epoch {_opt.EpochCount}"));
                }
            }
            world.ShareWeights(model);
            // Built once the seed is known (a resumed run takes the saved one): every file is validated here, once.
            var data = TrainingData.Create(_opt, progress.Seed, Publish, world.Sampler);
            if (world.IsRoot)
                TrainOptFile.Write(RunDir, _opt, ModelRegistry.NewOptions<TrainOptions>(_opt.Model));
            return new Run_(world, model, data, progress, resumed);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>One epoch of the official loop from batch <paramref name="skip"/>; returns the epoch when stopped early.</summary>
    int? TrainEpoch(Run_ run, int epoch, int skip, ref long totalIters, CancellationToken cancel, CancellationToken stop)
    {
        var (world, model, loader) = (run.World, run.Model, run.Data.Loader);
        var lastEpoch = _opt.NEpochs + _opt.NEpochsDecay;
        var epochStart = Stopwatch.StartNew();
        var waitBefore = loader.WaitSeconds;
        int batchIndex = skip;
        int epochIter = skip * _opt.BatchSize;
        var iterClock = Stopwatch.StartNew();
        var lastEnd = Stopwatch.GetTimestamp();
        foreach (var batch in loader.Epoch(epoch, skip))
        {
            cancel.ThrowIfCancellationRequested();
            if (world.AnyStop(stop.IsCancellationRequested))
            {
                SaveCheckpoint(run, "latest", new TrainingProgress(epoch, batchIndex, totalIters, run.Seed, world.Size));
                var (at, done) = (batchIndex, totalIters);
                Publish(o => o.OnMessage($"stopped as requested at epoch {epoch}, {at} of {loader.BatchCount} batches into " +
                    $"it, {done} iterations done"));
                return epoch;
            }
            var t0 = Stopwatch.GetTimestamp();
            // Official t_data: how long this iteration waited for its batch (the loader prefetches in the background).
            var dataSeconds = Stopwatch.GetElapsedTime(lastEnd, t0).TotalSeconds;
            totalIters += _opt.BatchSize * world.Size;
            epochIter += _opt.BatchSize * world.Size;
            batchIndex++;
            using (var scope = NewDisposeScope())
                model.SetInput(batch.A.ToTensor(), batch.B?.ToTensor(), batch.APaths, batch.BPaths);
            Step(model, run.Seed, totalIters, world.Rank);
            var computeSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            CheckFinite(model, epoch, epochIter, totalIters);

            var (iters, index, inEpoch) = (totalIters, batchIndex, epochIter);
            var secondsPerIter = iterClock.Elapsed.TotalSeconds / Math.Max(1, batchIndex - skip);
            Publish(o => o.OnIteration(new IterationInfo(epoch, inEpoch, iters, index, loader.BatchCount, secondsPerIter)));
            if (world.IsRoot && totalIters % _opt.DisplayFreq == 0)
            {
                var save = totalIters % _opt.UpdateHtmlFreq == 0;
                // Colorization's visuals convert Lab → RGB through temporaries: scoped, so none is left to the GC.
                IReadOnlyDictionary<string, RgbImage> images;
                using (NewDisposeScope()) images = model.CurrentVisualImages();
                Publish(o => o.OnVisuals(new VisualsReport(epoch, iters, images, save)));
            }
            if (world.IsRoot && totalIters % _opt.PrintFreq == 0)
            {
                var losses = model.CurrentLosses();
                Publish(o => o.OnLosses(new LossReport(epoch, inEpoch, iters, computeSeconds / _opt.BatchSize, dataSeconds, losses)));
            }
            if (totalIters % _opt.SaveLatestFreq == 0)
                SaveCheckpoint(run, _opt.SaveByIter ? $"iter_{totalIters}" : "latest",
                    new TrainingProgress(epoch, batchIndex, totalIters, run.Seed, world.Size));
            lastEnd = Stopwatch.GetTimestamp();
        }
        // The learning-rate step comes first so that a state saved at the epoch's end already includes it.
        var (oldLr, newLr) = model.UpdateLearningRate();
        if (epoch % _opt.SaveEpochFreq == 0)
        {
            var label = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
            SaveCheckpoint(run, "latest", new TrainingProgress(epoch + 1, 0, totalIters, run.Seed, world.Size));
            if (world.IsRoot) model.SaveNetworks(RunDir, label);
            var done = totalIters;
            Publish(o => o.OnCheckpoint(label, done));
        }
        var wait = loader.WaitSeconds - waitBefore;
        Publish(o => o.OnEpochEnd(new EpochEnd(epoch, lastEpoch, epochStart.Elapsed.TotalSeconds, oldLr, newLr, wait)));
        return null;
    }

    /// <summary>One <c>optimize_parameters()</c>: every random draw (dropout, pool, gradient penalty) from (seed, iteration, rank).</summary>
    static void Step(GanModel model, int seed, long totalIters, int rank)
    {
        torch.manual_seed((long)((rank == 0 ? Rng.Mix(seed, totalIters) : Rng.Mix(seed, totalIters, -rank)) >> 1));
        model.OptimizeParameters(new Rng(rank == 0 ? Rng.Mix(seed, totalIters, 1) : Rng.Mix(seed, totalIters, 1, rank)));
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

    void SaveCheckpoint(Run_ run, string label, TrainingProgress progress)
    {
        // Collective in an MPI job: every rank hands its pools to rank 0, which alone writes.
        var otherPools = run.World.GatherPools(run.Model);
        if (!run.World.IsRoot) return;
        try { SaveCheckpoint(run.Model, label, progress, otherPools); }
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
