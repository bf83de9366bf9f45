namespace CycleGan.Sharding;

/// <summary>
/// The bookkeeping of one shard in an output folder: which of its inputs are already done (an entry in its manifest
/// whose output files exist with the recorded SHA-256), which are pending, the entries of this run, and at the end the
/// manifest rewritten in input order and the <c>_SUCCESS</c> marker. A finished shard (marker matching its manifest,
/// every output verified) has nothing pending and writes nothing.
/// </summary>
public sealed class ShardLedger : IDisposable
{
    readonly string _dir;
    readonly ManifestHeader _header;
    readonly SortedDictionary<int, ManifestEntry> _entries = [];
    readonly object _gate = new();
    StreamWriter? _append;

    public ShardSpec Spec { get; }
    public int Start { get; }
    public int End { get; }

    /// <summary>Positions of the input list still to do, in order (never done, failed, or with a missing or changed output).</summary>
    public IReadOnlyList<int> Pending { get; }

    /// <summary>The shard's entries verified complete when it was opened, in input order.</summary>
    public IReadOnlyList<ManifestEntry> Done { get; }

    /// <summary>The marker is present, matches the manifest, and every output was verified: there is nothing to do.</summary>
    public bool Finished { get; }

    public string ManifestPath => ShardManifest.ManifestPath(_dir, Spec);
    public string MarkerPath => ShardManifest.MarkerPath(_dir, Spec);

    ShardLedger(string dir, ShardSpec spec, ManifestHeader header, int start, int end,
        List<ManifestEntry> done, List<int> pending, bool finished)
    {
        (_dir, Spec, _header, Start, End, Done, Pending, Finished) = (dir, spec, header, start, end, done, pending, finished);
        foreach (var e in done) _entries[e.Index] = e;
    }

    /// <summary>
    /// Reads what a previous run of this shard left in <paramref name="dir"/> (reading only). A manifest written for
    /// another input list or command is a <see cref="UserError"/>: its outputs belong to another split.
    /// </summary>
    public static ShardLedger Open(string dir, ShardSpec spec, string command, int total, string fingerprint, string settings)
    {
        var header = new ManifestHeader(command, spec.Index, spec.Count, total, fingerprint, settings);
        var (start, end) = spec.Range(total);
        var path = ShardManifest.ManifestPath(dir, spec);
        var previous = new Dictionary<int, ManifestEntry>();
        if (File.Exists(path))
        {
            var (old, entries) = ShardManifest.Read(path);
            if (old != null && old.Settings != settings && old with { Settings = settings } == header)
                throw new UserError($"{path} was written with another checkpoint or other flags; "
                                    + $"use another output folder, or remove {Path.GetDirectoryName(path)} to start the shard again");
            if (old != null && old != header)
                throw new UserError($"{path} was written by {old.Command} for {old.Total} inputs ({old.Fingerprint[..12]}), not this "
                                    + $"{command} of {total} inputs ({fingerprint[..12]}): the input list changed; "
                                    + $"use another output folder or remove {Path.GetDirectoryName(path)}");
            foreach (var e in entries)
                if (e.Index >= start && e.Index < end) previous[e.Index] = e;
        }
        var done = new List<ManifestEntry>();
        var pending = new List<int>();
        for (int i = start; i < end; i++)
        {
            if (previous.TryGetValue(i, out var e) && e.Ok
                && e.Outputs.All(o => ShardManifest.Sha256OfFile(Path.Combine(dir, o.File)) == o.Sha256))
                done.Add(e);
            else pending.Add(i);
        }
        var marker = ShardManifest.ReadMarker(ShardManifest.MarkerPath(dir, spec));
        var finished = pending.Count == 0 && marker != null && File.Exists(path)
                       && marker.ManifestSha256 == ShardManifest.Sha256OfFile(path);
        return new ShardLedger(dir, spec, header, start, end, done, pending, finished);
    }

    /// <summary>Before the first output: drops a marker that no longer holds and makes sure the manifest has its header.</summary>
    public void Begin()
    {
        if (File.Exists(MarkerPath)) File.Delete(MarkerPath);
        if (!File.Exists(ManifestPath) || ShardManifest.Read(ManifestPath).Header == null)
            AtomicFile.WriteAllText(ManifestPath, ShardManifest.Line(_header) + "\n");
    }

    /// <summary>Appends one input's outcome (after its outputs are in place), so a killed run keeps what it finished.</summary>
    public void Record(ManifestEntry entry)
    {
        lock (_gate)
        {
            _entries[entry.Index] = entry;
            _append ??= new StreamWriter(new FileStream(ManifestPath, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                NewLine = "\n",
            };
            _append.WriteLine(ShardManifest.Line(entry));
            _append.Flush();
        }
    }

    /// <summary>
    /// The manifest in input order (temp + rename); then, when every input of the shard has an output, the marker.
    /// Returns the failed entries.
    /// </summary>
    public IReadOnlyList<ManifestEntry> Complete()
    {
        lock (_gate)
        {
            _append?.Dispose();
            _append = null;
            var lines = new[] { ShardManifest.Line(_header) }.Concat(_entries.Values.Select(ShardManifest.Line));
            var text = string.Concat(lines.Select(l => l + "\n"));
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            AtomicFile.WriteAllBytes(ManifestPath, bytes);
            var failed = _entries.Values.Where(e => !e.Ok).ToList();
            if (failed.Count == 0 && _entries.Count == End - Start)
            {
                var outputs = _entries.Values.Sum(e => e.Outputs.Count);
                var marker = new ShardMarker(Spec.Index, Spec.Count, _entries.Count, outputs, ShardManifest.Sha256(bytes));
                AtomicFile.WriteAllText(MarkerPath, ShardManifest.Line(marker) + "\n");
            }
            return failed;
        }
    }

    public void Dispose()
    {
        lock (_gate) { _append?.Dispose(); _append = null; }
    }
}
