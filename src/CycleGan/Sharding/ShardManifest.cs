using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CycleGan.Sharding;

/// <summary>
/// The files of a sharded run in <c>&lt;output&gt;/_shards/</c>: <c>shard-I-of-N.jsonl</c> (a <see cref="ManifestHeader"/>
/// line, then one <see cref="ManifestEntry"/> per line) and <c>shard-I-of-N._SUCCESS</c> (a <see cref="ShardMarker"/>).
/// While a shard runs, entries are appended as outputs land; at the end the manifest is rewritten in input order
/// (temp + rename) and the marker written, so a complete manifest is never torn.
/// </summary>
public static class ShardManifest
{
    public const string Folder = "_shards";
    public const string ManifestSuffix = ".jsonl";
    public const string MarkerSuffix = "._SUCCESS";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ManifestPath(string dir, ShardSpec spec) => Path.Combine(dir, Folder, spec.Name + ManifestSuffix);

    public static string MarkerPath(string dir, ShardSpec spec) => Path.Combine(dir, Folder, spec.Name + MarkerSuffix);

    /// <summary>SHA-256 (lower-case hex) of the input names, one per line, in list order.</summary>
    public static string Fingerprint(IEnumerable<string> names) =>
        Sha256(Encoding.UTF8.GetBytes(string.Concat(names.Select(n => n + "\n"))));

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>SHA-256 of a file's bytes, or null when it cannot be read.</summary>
    public static string? Sha256OfFile(string path)
    {
        try
        {
            using var s = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(s));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public static string Line<T>(T value) => JsonSerializer.Serialize(value, Json);

    /// <summary>
    /// A manifest's header and entries. A last line cut short (a process killed while appending) is dropped, as is a
    /// file whose only line is; any other unreadable line is a <see cref="UserError"/>.
    /// </summary>
    public static (ManifestHeader? Header, List<ManifestEntry> Entries) Read(string path)
    {
        var lines = File.ReadAllText(path).Split('\n');
        var entries = new List<ManifestEntry>();
        ManifestHeader? header = null;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var torn = i == lines.Length - 1; // every complete line ends with a newline
            try
            {
                if (header == null) header = JsonSerializer.Deserialize<ManifestHeader>(lines[i], Json);
                else entries.Add(JsonSerializer.Deserialize<ManifestEntry>(lines[i], Json)!);
            }
            catch (JsonException) when (torn) { break; }
            catch (JsonException e)
            {
                throw new UserError($"{path} line {i + 1} is not a manifest line ({e.Message}); remove the file to redo the shard");
            }
        }
        return (header, entries);
    }

    public static ShardMarker? ReadMarker(string path)
    {
        try { return JsonSerializer.Deserialize<ShardMarker>(File.ReadAllText(path), Json); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }
}
