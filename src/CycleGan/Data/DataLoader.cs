using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace CycleGan.Data;

/// <summary>
/// The official <c>torch.utils.data.DataLoader(dataset, batch_size, shuffle = not serial_batches)</c> with
/// drop_last False (the last batch may be smaller), loading and augmenting on a background thread up to
/// <see cref="PrefetchBatches"/> batches ahead of the consumer.
/// </summary>
/// <remarks>
/// All randomness derives from one seed through <see cref="Rng"/>: epoch e's order from (seed, e), item k's crops,
/// flips and pairing from (seed, e, k). The same seed gives the same batches however the threads are scheduled. The worker creates no
/// native tensors (items are managed float arrays); the consumer makes tensors in its own dispose scope.
/// </remarks>
public sealed class DataLoader
{
    readonly int _seed;
    long _waitTicks;

    public IImageDataset Dataset { get; }
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public int PrefetchBatches { get; }

    /// <summary>In a data-parallel run, which share of each epoch this process serves; null: all of it.</summary>
    public DistributedSampler? Sampler { get; init; }

    public DataLoader(IImageDataset dataset, int batchSize, bool shuffle, int seed, int prefetchBatches = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(prefetchBatches, 1);
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        _seed = seed;
        PrefetchBatches = prefetchBatches;
    }

    /// <summary>The dataset named by the options with the official loader settings (shuffle unless serial_batches).</summary>
    public static DataLoader Create(DataOptions o) =>
        new(DatasetRegistry.Create(o), o.BatchSize, !o.SerialBatches, o.Seed, o.PrefetchBatches);

    /// <summary>Number of items, official <c>len(dataset)</c>.</summary>
    public int Count => Dataset.Count;

    /// <summary>Items this process serves per epoch: all, or its rank's share.</summary>
    public int LocalCount => Sampler?.SamplesPerRank(Dataset.Count) ?? Dataset.Count;

    /// <summary>Batches per epoch (the last one may be partial).</summary>
    public int BatchCount => (LocalCount + BatchSize - 1) / BatchSize;

    /// <summary>Total seconds the consumer has spent waiting for a batch that was not ready yet, over all epochs.</summary>
    public double WaitSeconds => Interlocked.Read(ref _waitTicks) / (double)Stopwatch.Frequency;

    /// <summary>The dataset indices of epoch <paramref name="epoch"/>, in the order they are served.</summary>
    public int[] Order(int epoch) => Schedule(epoch).Select(s => s.Index).ToArray();

    /// <summary>
    /// The epoch's (dataset index, position) pairs this process serves; an item's random stream comes from its
    /// position in the whole epoch, so N ranks see the same items, augmented alike, as one process does.
    /// </summary>
    (int Index, int Position)[] Schedule(int epoch)
    {
        var order = Enumerable.Range(0, Dataset.Count).ToArray();
        if (Shuffle) Stream(epoch, -1).Shuffle(order);
        if (Sampler is null) return order.Select((index, position) => (index, position)).ToArray();
        if (order.Length == 0) return [];
        return Sampler.Positions(order.Length).Select(p => (DistributedSampler.IndexAt(order, p), p)).ToArray();
    }

    /// <summary>
    /// The batches of one epoch. Loading starts when enumeration starts and stops when the enumerator is disposed
    /// (also on an early break). A loading error (a bad image) is rethrown here, on the consumer's thread.
    /// </summary>
    public IEnumerable<DataBatch> Epoch(int epoch, int skipBatches = 0)
    {
        var order = Schedule(epoch);
        var first = Math.Min(order.Length, skipBatches * BatchSize);
        using var queue = new BlockingCollection<Produced>(PrefetchBatches);
        using var cts = new CancellationTokenSource();
        var worker = new Thread(() => Produce(order, first, epoch, queue, cts.Token)) { IsBackground = true,
            Name = "cyclegan-data-loader" };
        worker.Start();
        try
        {
            while (true)
            {
                long t0 = Stopwatch.GetTimestamp();
                Produced? next;
                bool got;
                if (queue.TryTake(out next)) got = true;
                else
                {
                    got = queue.TryTake(out next, Timeout.Infinite);
                    Interlocked.Add(ref _waitTicks, Stopwatch.GetTimestamp() - t0);
                }
                if (!got || next == null) yield break;
                if (next.Error != null) next.Error.Throw();
                yield return next.Batch!;
            }
        }
        finally
        {
            cts.Cancel();
            worker.Join();
        }
    }

    sealed record Produced(DataBatch? Batch, ExceptionDispatchInfo? Error);

    void Produce((int Index, int Position)[] order, int first, int epoch, BlockingCollection<Produced> queue, CancellationToken token)
    {
        try
        {
            for (int start = first; start < order.Length; start += BatchSize)
            {
                var items = new List<DataItem>(BatchSize);
                for (int k = start; k < Math.Min(order.Length, start + BatchSize); k++)
                {
                    token.ThrowIfCancellationRequested();
                    items.Add(Dataset.GetItem(order[k].Index, Stream(epoch, order[k].Position)));
                }
                queue.Add(new Produced(DataBatch.Collate(items), null), token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            try { queue.Add(new Produced(null, ExceptionDispatchInfo.Capture(e)), token); }
            catch (OperationCanceledException) { return; }
        }
        queue.CompleteAdding();
    }

    /// <summary>The generator of (seed, epoch, position); position −1 is the epoch's order, item k of epoch e is drawn
    /// from <c>ItemRng(seed, e, k)</c>, so a caller that loads one item alone gets what the loader gives. The trailing
    /// tag keeps these streams apart from the trainer's (seed, iteration[, 1]).</summary>
    public static Rng ItemRng(int seed, int epoch, int position) => new(Rng.Mix(seed, epoch, position, DataStreamTag));

    Rng Stream(int epoch, int position) => ItemRng(_seed, epoch, position);

    const long DataStreamTag = 0x64617461; // "data"
}
