using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// The fastest <see cref="InferenceRoute"/> of each convolution of a network that only infers (<c>--kernels fast</c>;
/// <see cref="Compute.Apply"/> with gradients off): the first time a layer meets an input shape, every checked candidate
/// computes it once, each is timed, the fastest one's output is returned (so later calls give the same values) and the
/// choice is kept for the process and remembered per machine in <see cref="DefaultCachePath"/>. Which route is
/// fastest depends on the CPU (oneDNN's weight reorders cost 50 ms per call on one, little on another) and on the
/// layer's shape, so it is measured, never assumed. Training never comes here (its kernels stay as checked).
/// </summary>
public sealed class InferenceRoutes
{
    /// <summary>The process-wide instance every <see cref="Conv"/> uses unless set otherwise.</summary>
    public static InferenceRoutes Shared { get; } = new();

    /// <summary>Where choices are remembered: <c>$CYCLEGAN_CACHE_DIR/conv-routes.json</c>, else <c>~/.cache/cyclegan/</c>.</summary>
    public static string DefaultCachePath => Path.Combine(Environment.GetEnvironmentVariable("CYCLEGAN_CACHE_DIR") is { Length: > 0 } d
        ? d : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "cyclegan"), "conv-routes.json");

    /// <summary>The cache file; null keeps choices in memory only (tests).</summary>
    public string? CachePath { get; init; } = DefaultCachePath;

    /// <summary>Tests only: the seconds a candidate is said to take, instead of its measured time.</summary>
    public Func<ConvConfig, InferenceRoute, double>? FakeSeconds { get; init; }

    /// <summary>One timed call is noisy: candidates taking less than this are timed again (a repeated pass), up to
    /// <see cref="RepeatBudgetSeconds"/> in all for the layer.</summary>
    const double RepeatBudgetSeconds = 0.15;

    readonly ConcurrentDictionary<string, InferenceRoute> _chosen = new();
    readonly Lock _file = new();
    bool _loaded;

    /// <summary>Every choice made or read so far: key (CPU, libtorch, threads, configuration, input shape) → route.</summary>
    public IReadOnlyDictionary<string, InferenceRoute> Choices
    {
        get { Load(); return _chosen; }
    }

    /// <summary>How many choices this instance measured (not read from the cache).</summary>
    public int Measured { get; private set; }

    /// <summary>
    /// <paramref name="run"/> by the route chosen for (<paramref name="config"/>, <paramref name="input"/>'s shape),
    /// measuring the <paramref name="candidates"/> on this very input the first time.
    /// </summary>
    public Tensor Run(ConvConfig config, Tensor input, IReadOnlyList<InferenceRoute> candidates, Func<InferenceRoute, Tensor> run)
    {
        if (candidates.Count == 1) return run(candidates[0]);
        Load();
        var key = Key(config, input);
        if (_chosen.TryGetValue(key, out var known) && candidates.Contains(known)) return run(known);
        lock (_file)
        {
            if (_chosen.TryGetValue(key, out known) && candidates.Contains(known)) return run(known);
            var (route, output) = Choose(config, candidates, run);
            TorchRuntime.TrimNativeHeap(); // the losers' outputs and copies are freed: the heap keeps none of them
            _chosen[key] = route;
            Measured++;
            Save();
            return output;
        }
    }

    (InferenceRoute, Tensor) Choose(ConvConfig config, IReadOnlyList<InferenceRoute> candidates, Func<InferenceRoute, Tensor> run)
    {
        // The output of the fastest so far is kept, the others freed at once: at most two outputs live at a time. A
        // repeated pass (short layers only) can change the ranking; the output kept is then computed again by the winner.
        var seconds = new double[candidates.Count];
        Tensor? kept = null;
        int keptIndex = -1;
        double spent = 0;
        try
        {
            for (int pass = 0; pass == 0 || spent < RepeatBudgetSeconds && pass < 3; pass++)
                for (int i = 0; i < candidates.Count; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var y = run(candidates[i]);
                    var t = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    spent += t;
                    t = FakeSeconds?.Invoke(config, candidates[i]) ?? t;
                    seconds[i] = pass == 0 ? t : Math.Min(seconds[i], t);
                    if (pass == 0 && (kept is null || t < seconds[keptIndex]))
                    {
                        kept?.Dispose();
                        (kept, keptIndex) = (y, i);
                    }
                    else y.Dispose();
                }
            int best = Array.IndexOf(seconds, seconds.Min());
            if (best != keptIndex)
            {
                kept!.Dispose();
                kept = run(candidates[best]);
            }
            var output = kept!;
            kept = null;
            return (candidates[best], output);
        }
        finally
        {
            kept?.Dispose();
        }
    }

    string Key(ConvConfig config, Tensor input) =>
        $"{Machine}|t{get_num_threads()}|{config}|{string.Join("x", input.shape)}";

    static readonly Lazy<string> MachineKey = new(() => $"{CpuInfo.Read().Model}|libtorch {__version__}");
    static string Machine => MachineKey.Value;

    void Load()
    {
        if (_loaded) return;
        lock (_file)
        {
            if (_loaded) return;
            _loaded = true;
            if (CachePath is null || !File.Exists(CachePath)) return;
            try
            {
                var saved = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(CachePath)) ?? [];
                foreach (var (k, v) in saved)
                    if (Enum.TryParse<InferenceRoute>(v, out var r)) _chosen.TryAdd(k, r);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException) { } // measured again
        }
    }

    void Save()
    {
        if (CachePath is null) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
            var all = _chosen.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
            AtomicFile.WriteAllText(CachePath, JsonSerializer.Serialize(all, new JsonSerializerOptions { WriteIndented = true }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UserError) { } // measured again next time
    }
}
