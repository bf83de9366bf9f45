using System.Globalization;

namespace CycleGan.Serving;

/// <summary>Reads the official <c>train_opt.txt</c> (<c>name: value [default: d]</c> per line) back into values.</summary>
public static class TrainOptFile
{
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return values;
        foreach (var line in File.ReadAllLines(path))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line.StartsWith("---", StringComparison.Ordinal)) continue;
            var value = line[(colon + 1)..];
            var tab = value.IndexOf('\t');
            if (tab >= 0) value = value[..tab];
            values[line[..colon].Trim()] = value.Trim();
        }
        return values;
    }

    public static int Int(IReadOnlyDictionary<string, string> opt, string name, int fallback) =>
        opt.TryGetValue(name, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
            ? i
            : fallback;

    public static bool Bool(IReadOnlyDictionary<string, string> opt, string name) =>
        opt.TryGetValue(name, out var v) && v == "True";

    public static string Str(IReadOnlyDictionary<string, string> opt, string name, string fallback) =>
        opt.TryGetValue(name, out var v) && v.Length > 0 ? v : fallback;
}
