using CycleGan.Options;
using CycleGan.Sharding;

namespace CycleGan.Inference;

/// <summary>
/// <c>cyclegan translate</c> over a file or folder: the sorted inputs (or one shard of them, with a manifest, a marker
/// and resume), decoded ahead and written behind the generator (<see cref="InferencePipeline"/>), byte for byte what
/// <see cref="Translator.TranslateFile"/> writes. Unreadable inputs are recorded and skipped unless <c>--fail_fast</c>.
/// </summary>
public static class BatchTranslation
{
    public const string Command = "translate";

    /// <param name="shard">null: every input, no manifest (files are replaced); else that shard, resumable.</param>
    /// <param name="start">called with the number of inputs to translate, before the first.</param>
    /// <param name="progress">called after each input, with a line for an input that failed (else null).</param>
    public static BatchResult Run(TranslateOptions opt, ShardSpec? shard, Action<int>? start = null, Action<string?>? progress = null)
    {
        if (string.IsNullOrEmpty(opt.Output)) throw new UserError("--output is required");
        if (opt.Temporal == "flow")
            throw new UserError($"--temporal flow blends consecutive frames of a video; --input {opt.Input} holds images");
        var output = Path.GetFullPath(opt.Output);
        var all = Translator.Inputs(opt.Input).Where(p => !IsUnder(Path.GetFullPath(p), output)).ToList();
        if (all.Count == 0) throw new UserError($"--input {opt.Input} has no images outside --output {opt.Output}");
        var root = Directory.Exists(opt.Input) ? Path.GetFullPath(opt.Input) : Path.GetDirectoryName(Path.GetFullPath(opt.Input))!;
        var names = all.Select(p => Path.GetRelativePath(root, p).Replace('\\', '/')).ToList();

        using var ledger = shard is null ? null : ShardLedger.Open(opt.Output, shard, Command, all.Count, ShardManifest.Fingerprint(names),
            ShardSettings.Fingerprint(opt, new[] { opt.Checkpoint, opt.Onnx }.Where(File.Exists)));
        IReadOnlyList<int> pending = ledger?.Pending ?? Enumerable.Range(0, all.Count).ToList();
        var skipped = ledger?.Done.Count ?? 0;
        if (ledger is { Finished: true }) return new BatchResult(opt.Output, shard, 0, skipped, []);
        var failed = new List<ManifestEntry>();
        int written = 0;
        EngineChoice.Decision? engine = null;
        if (pending.Count > 0)
        {
            using var translator = new Translator(opt);
            engine = translator.Engine;
            AtomicFile.CreateDirectory(opt.Output);
            ledger?.Begin();
            start?.Invoke(pending.Count);
            InferencePipeline.Run(pending,
                i => translator.Load(all[i]),
                (_, image) => translator.Translate(image),
                (i, image) =>
                {
                    var bytes = image.EncodePng();
                    var file = Translator.OutputName(all[i]);
                    AtomicFile.WriteAllBytes(Path.Combine(opt.Output, file), bytes);
                    ledger?.Record(new ManifestEntry(i, names[i], [new ManifestOutput(file, ShardManifest.Sha256(bytes))]));
                    written++;
                    progress?.Invoke(null);
                },
                (i, e) =>
                {
                    var entry = new ManifestEntry(i, names[i], [], e.Message);
                    ledger?.Record(entry);
                    failed.Add(entry);
                    progress?.Invoke($"cannot translate {e.Message}");
                },
                opt.Sharding.FailFast);
        }
        if (ledger != null) failed = [.. ledger.Complete()];
        return new BatchResult(opt.Output, shard, written, skipped, failed) { Engine = engine };
    }

    static bool IsUnder(string path, string dir) =>
        path.StartsWith(dir.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
