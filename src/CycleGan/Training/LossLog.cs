using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CycleGan.Training;

/// <summary>
/// The official <c>loss_log.txt</c> (header line per run, then
/// <c>(epoch: E, iters: I, time: T, data: D) name: v.vvv ...</c>) and <c>loss_log.jsonl</c> with one JSON object per
/// printed iteration at full precision. Both are rewritten atomically at every print, so a crash never leaves a
/// torn line; on an exact resume, lines logged after the saved state are dropped (they will be logged again).
/// </summary>
public sealed class LossLog : ITrainingObserver
{
    readonly string _txtPath, _jsonPath;
    readonly StringBuilder _txt = new();
    readonly List<string> _json = [];

    public LossLog(string runDir)
    {
        _txtPath = Path.Combine(runDir, "loss_log.txt");
        _jsonPath = Path.Combine(runDir, "loss_log.jsonl");
    }

    /// <summary>Everything logged so far, as (total_iters, losses) — used by the training page's loss plot.</summary>
    public List<(long TotalIters, IReadOnlyDictionary<string, double> Losses)> History { get; } = [];

    public void OnStart(TrainingStart start)
    {
        if (File.Exists(_txtPath)) _txt.Append(File.ReadAllText(_txtPath));
        if (File.Exists(_jsonPath))
        {
            foreach (var line in File.ReadAllLines(_jsonPath))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    var total = doc.RootElement.TryGetProperty("total_iters", out var t) ? t.GetInt64() : 0;
                    if (start.Resumed && total > start.TotalIters) continue;
                    _json.Add(line);
                    History.Add((total, doc.RootElement.EnumerateObject()
                        .Where(p => p.Name is not ("epoch" or "iters" or "total_iters" or "time" or "data"))
                        .ToDictionary(p => p.Name, p => p.Value.GetDouble())));
                }
                catch (JsonException) { /* a torn line from an older writer: drop it */ }
            }
        }
        _txt.Append($"================ Training Loss " +
            $"({DateTime.Now.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture)}) ================\n");
        Flush();
    }

    public void OnLosses(LossReport r)
    {
        var sb = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"(epoch: {r.Epoch}, iters: {r.EpochIter}, " +
            $"time: {r.ComputeSeconds:F3}, data: {r.DataSeconds:F3}) "));
        foreach (var (k, v) in r.Losses) sb.Append(CultureInfo.InvariantCulture, $"{k}: {v:F3} ");
        _txt.Append(sb).Append('\n');
        var obj = new Dictionary<string, object> { ["epoch"] = r.Epoch, ["iters"] = r.EpochIter, ["total_iters"] = r.TotalIters };
        foreach (var (k, v) in r.Losses) obj[k] = v;
        _json.Add(JsonSerializer.Serialize(obj));
        History.Add((r.TotalIters, r.Losses));
        Flush();
    }

    /// <summary>The printed line as the official visualizer prints it (without the trailing space).</summary>
    public string LastLine => _txt.ToString().TrimEnd('\n').Split('\n')[^1];

    void Flush()
    {
        AtomicFile.WriteAllText(_txtPath, _txt.ToString());
        AtomicFile.WriteAllText(_jsonPath, _json.Count == 0 ? "" : string.Join("\n", _json) + "\n");
    }
}
