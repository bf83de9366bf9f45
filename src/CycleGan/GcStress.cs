namespace CycleGan;

/// <summary>
/// A diagnostic that proves tensors and Scalars stay alive across their native calls: a background thread runs
/// <c>GC.Collect(); GC.WaitForPendingFinalizers();</c> without pause, so anything libtorch reads that only a finalizer
/// frees is freed mid-call at once instead of once a week. <c>CYCLEGAN_GC_STRESS=1</c> turns it on for any command (the
/// CLI starts it) and any program on the library (<see cref="TorchRuntime.EnsureLoaded"/>); a GC must never change a
/// number, so results stay bit-identical.
/// </summary>
public sealed class GcStress : IDisposable
{
    /// <summary>The environment variable that turns the stress on for a whole process.</summary>
    public const string Variable = "CYCLEGAN_GC_STRESS";

    static GcStress? _process;
    readonly Thread _thread;
    volatile bool _stop;
    long _collections;

    GcStress()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "gc-stress", Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>Full blocking collections completed so far.</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>Whether <see cref="Variable"/> asks for the stress (1, true, yes, on).</summary>
    public static bool Requested =>
        Environment.GetEnvironmentVariable(Variable)?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    static readonly Lock Gate = new();

    /// <summary>Starts the process-wide stress when <see cref="Variable"/> asks for it (once; later calls do nothing).</summary>
    public static void StartIfRequested()
    {
        if (!Requested) return;
        lock (Gate)
        {
            if (_process != null) return;
            var stress = _process = Begin();
            // Says on stderr that the stress ran and how hard, so a clean exit under it means something.
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                Console.Error.WriteLine($"gc stress: {stress.Collections} full collections while the command ran");
        }
    }

    /// <summary>Starts a stress thread that runs until disposed (tests scope it around the work they check).</summary>
    public static GcStress Begin() => new();

    void Loop()
    {
        while (!_stop)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Interlocked.Increment(ref _collections);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
