using System.Globalization;
using System.Text.RegularExpressions;

namespace CycleGan.Sharding;

/// <summary>
/// <c>cyclegan shards check DIR</c>: every shard of <c>DIR/_shards</c> finished (all N markers, each matching its
/// manifest), the manifests agree on the input list, every input position is in exactly one manifest, in the shard the
/// split gives it, none failed, and every output exists with its recorded SHA-256 and belongs to one input only.
/// </summary>
public static partial class ShardCheck
{
    [GeneratedRegex(@"^shard-(\d+)-of-(\d+)\.jsonl$")]
    private static partial Regex ManifestName();

    public static ShardCheckResult Run(string dir)
    {
        if (!Directory.Exists(dir)) throw new UserError($"{dir} does not exist");
        var problems = new List<string>();
        var folder = Path.Combine(dir, ShardManifest.Folder);
        var found = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Select(f => ManifestName().Match(Path.GetFileName(f))).Where(m => m.Success)
                .Select(m => (I: Int(m.Groups[1].Value), N: Int(m.Groups[2].Value)))
                .ToList()
            : [];
        if (found.Count == 0)
            return new ShardCheckResult(dir, 0, 0, 0, [$"no shard manifests in {folder} (run translate or test with --shard I/N first)"]);
        var counts = found.GroupBy(f => f.N).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).ToList();
        int n = counts[0].Key;
        foreach (var other in counts.Skip(1))
            problems.Add($"manifests of another split into {other.Key} shards "
                         + $"({string.Join(", ", other.Select(o => $"shard-{o.I}-of-{o.N}"))}); one folder holds one split");

        ManifestHeader? reference = null;
        var owner = new Dictionary<int, int>();          // input position -> shard
        var outputOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        int outputs = 0;
        var shardEntries = new List<(ShardSpec Spec, Dictionary<int, ManifestEntry> Entries)>();
        for (int i = 0; i < n; i++)
        {
            var spec = new ShardSpec(i, n, "check");
            var path = ShardManifest.ManifestPath(dir, spec);
            if (!File.Exists(path)) { problems.Add($"shard {spec}: no manifest (the shard never ran)"); continue; }
            var marker = ShardManifest.ReadMarker(ShardManifest.MarkerPath(dir, spec));
            if (marker == null) problems.Add($"shard {spec}: no {spec.Name}{ShardManifest.MarkerSuffix} marker (not finished)");
            else if (marker.ManifestSha256 != ShardManifest.Sha256OfFile(path))
                problems.Add($"shard {spec}: the manifest changed after its marker was written");
            ManifestHeader? header;
            List<ManifestEntry> list;
            try { (header, list) = ShardManifest.Read(path); }
            catch (UserError e) { problems.Add($"shard {spec}: {e.Message}"); continue; }
            if (header == null) { problems.Add($"shard {spec}: the manifest has no header"); continue; }
            reference ??= header;
            if (header.Shard != i || header.Shards != n)
                problems.Add($"shard {spec}: its manifest says shard {header.Shard}/{header.Shards}");
            if (header.Settings != reference.Settings)
                problems.Add($"shard {spec}: made with another checkpoint or other flags than shard 0");
            if (header.Command != reference.Command || header.Total != reference.Total || header.Fingerprint != reference.Fingerprint)
                problems.Add($"shard {spec}: made from another input list "
                             + $"({header.Command}, {header.Total} inputs, {header.Fingerprint[..12]}) "
                             + $"than shard 0's ({reference.Command}, {reference.Total}, {reference.Fingerprint[..12]})");
            var entries = new Dictionary<int, ManifestEntry>();
            foreach (var e in list) entries[e.Index] = e;
            shardEntries.Add((spec, entries));
        }
        int total = reference?.Total ?? 0;
        foreach (var (spec, entries) in shardEntries)
        {
            var (start, end) = spec.Range(total);
            foreach (var e in entries.Values.OrderBy(e => e.Index))
            {
                if (e.Index < start || e.Index >= end)
                    problems.Add($"{e.Input} (input {e.Index}) is in shard {spec}'s manifest but the split gives it to another shard");
                if (owner.TryGetValue(e.Index, out var first))
                {
                    problems.Add($"{e.Input} (input {e.Index}) is in shards {first} and {spec.Index}");
                    continue;
                }
                owner[e.Index] = spec.Index;
                if (!e.Ok) { problems.Add($"{e.Input} failed: {e.Error}"); continue; }
                foreach (var o in e.Outputs)
                {
                    outputs++;
                    if (outputOwner.TryGetValue(o.File, out var by)) problems.Add($"{o.File} is the output of both {by} and {e.Input}");
                    else outputOwner[o.File] = e.Input;
                    var sha = ShardManifest.Sha256OfFile(Path.Combine(dir, o.File));
                    if (sha == null) problems.Add($"{o.File} (from {e.Input}) is missing");
                    else if (sha != o.Sha256)
                        problems.Add($"{o.File} (from {e.Input}) does not match its manifest "
                                     + $"(sha256 {sha[..12]}, recorded {o.Sha256[..12]})");
                }
            }
        }
        for (int i = 0; i < n && total > 0; i++)
        {
            var (start, end) = new ShardSpec(i, n, "check").Range(total);
            var missing = Enumerable.Range(start, end - start).Where(p => !owner.ContainsKey(p)).ToList();
            if (missing.Count > 0)
                problems.Add($"shard {i}/{n}: {missing.Count} of its {end - start} input(s) not translated "
                             + $"(positions {Positions(missing)} of {total})");
        }
        return new ShardCheckResult(dir, n, owner.Count, outputs, problems);
    }

    static int Int(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);

    static string Positions(List<int> p) => p.Count <= 5 ? string.Join(", ", p) : $"{string.Join(", ", p.Take(5))}, ...";
}
