using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace CycleGan.Inference;

/// <summary>
/// Decode → network → encode and write, as three stages on three threads with bounded queues between them: a
/// background thread decodes up to <see cref="Depth"/> items ahead, the caller's thread runs the network (torch stays
/// on one thread), another background thread encodes and writes up to <see cref="Depth"/> items behind. Items reach the
/// writer in input order. An input that cannot be decoded (a <see cref="UserError"/> or an I/O error) is handed to the
/// writer as a failure and the rest go on, unless fail-fast: then what came before it is written and its error thrown.
/// Any other error stops all three stages and is rethrown on the caller's thread.
/// </summary>
public static class InferencePipeline
{
    public const int Depth = 3;

    sealed record Slot<TItem, TIn, TOut>(TItem Item, TIn? Decoded, TOut? Result, Exception? Failure);

    public static void Run<TItem, TIn, TOut>(IEnumerable<TItem> items, Func<TItem, TIn> decode, Func<TItem, TIn, TOut> infer,
        Action<TItem, TOut> write, Action<TItem, Exception> failed, bool failFast)
    {
        using var decodedQueue = new BlockingCollection<Slot<TItem, TIn, TOut>>(Depth);
        using var writeQueue = new BlockingCollection<Slot<TItem, TIn, TOut>>(Depth);
        using var abort = new CancellationTokenSource();
        using var stopDecoding = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
        ExceptionDispatchInfo? fatal = null;
        void Fatal(Exception e)
        {
            Interlocked.CompareExchange(ref fatal, ExceptionDispatchInfo.Capture(e), null);
            abort.Cancel();
        }

        var decoder = new Thread(() =>
        {
            try
            {
                foreach (var item in items)
                {
                    stopDecoding.Token.ThrowIfCancellationRequested();
                    Slot<TItem, TIn, TOut> slot;
                    try { slot = new(item, decode(item), default, null); }
                    catch (Exception e) when (IsInputFailure(e)) { slot = new(item, default, default, e); }
                    decodedQueue.Add(slot, stopDecoding.Token);
                }
            }
            catch (OperationCanceledException) when (stopDecoding.IsCancellationRequested) { }
            catch (Exception e) { Fatal(e); }
            finally { decodedQueue.CompleteAdding(); }
        }) { IsBackground = true, Name = "cyclegan-decode" };
        var writer = new Thread(() =>
        {
            try
            {
                foreach (var slot in writeQueue.GetConsumingEnumerable(abort.Token))
                    if (slot.Failure != null) failed(slot.Item, slot.Failure);
                    else write(slot.Item, slot.Result!);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
            catch (Exception e) { Fatal(e); }
        }) { IsBackground = true, Name = "cyclegan-encode" };
        decoder.Start();
        writer.Start();

        Exception? stoppedBy = null;
        try
        {
            foreach (var slot in decodedQueue.GetConsumingEnumerable(abort.Token))
            {
                if (slot.Failure != null && failFast) { stoppedBy = slot.Failure; break; }
                var next = slot.Failure != null ? slot : slot with { Decoded = default, Result = infer(slot.Item, slot.Decoded!) };
                writeQueue.Add(next, abort.Token);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
        catch (Exception e) { Fatal(e); }
        finally
        {
            stopDecoding.Cancel();
            writeQueue.CompleteAdding();
            writer.Join();
            decoder.Join();
        }
        fatal?.Throw();
        if (stoppedBy != null) ExceptionDispatchInfo.Capture(stoppedBy).Throw();
    }

    /// <summary>What makes one input unusable without saying anything about the others.</summary>
    public static bool IsInputFailure(Exception e) => e is UserError or IOException or UnauthorizedAccessException;
}
