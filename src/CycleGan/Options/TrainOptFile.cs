using System.Globalization;

namespace CycleGan.Options;

/// <summary>
/// A run's <c>train_opt.txt</c>, the official <c>print_options</c> text (<c>name: value [default: d]</c> per line, see
/// <see cref="OptionInfo.Format"/>): written once by <c>train</c>, read back by <c>serve</c> (its run list and
/// translation) and <c>eval epochs</c> into an options record, where a flag the file does not name keeps the
/// record's own value.
/// </summary>
public sealed class TrainOptFile
{
    public const string FileName = "train_opt.txt";

    readonly IReadOnlyDictionary<string, string> _values;

    TrainOptFile(string path, IReadOnlyDictionary<string, string> values)
    {
        Path = path;
        _values = values;
    }

    public string Path { get; }

    /// <summary>False for a run folder without the file (an official checkpoint folder) or with an empty one.</summary>
    public bool Exists => _values.Count > 0;

    /// <summary>The file of run folder <paramref name="runDir"/>; one that does not exist reads as empty.</summary>
    public static TrainOptFile Read(string runDir)
    {
        var path = System.IO.Path.Combine(runDir, FileName);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return new TrainOptFile(path, values);
        foreach (var line in File.ReadAllLines(path))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line.StartsWith("---", StringComparison.Ordinal)) continue;
            var value = line[(colon + 1)..];
            var tab = value.IndexOf('\t');
            if (tab >= 0) value = value[..tab];
            values[line[..colon].Trim()] = value.Trim();
        }
        return new TrainOptFile(path, values);
    }

    /// <summary>
    /// Writes <paramref name="options"/> as <c>&lt;runDir&gt;/train_opt.txt</c>, atomically, marking what differs from
    /// <paramref name="defaults"/> (the model's: <c>TrainOptions.For(model)</c>).
    /// </summary>
    public static void Write(string runDir, object options, object defaults) =>
        AtomicFile.WriteAllText(System.IO.Path.Combine(runDir, FileName), OptionInfo.Format(options, defaults));

    /// <summary>
    /// Sets each flag of <paramref name="options"/> (parts and the model's own included; only those in <paramref name="flags"/> when given)
    /// to the file's value; the others keep theirs. A value that does not parse as the flag's type is a
    /// <see cref="UserError"/> naming the file and the flag.
    /// </summary>
    public T ApplyTo<T>(T options, IReadOnlyCollection<string>? flags = null) where T : class
    {
        foreach (var info in OptionInfo.All((object)options))
            if ((flags is null || flags.Contains(info.Name)) && _values.TryGetValue(info.Name, out var v))
                info.SetValue(options, Parse(v, info));
        return options;
    }

    /// <summary>The inverse of <see cref="OptionInfo.Format"/>'s value text.</summary>
    object Parse(string value, OptionInfo info)
    {
        var type = info.Type;
        if (type == typeof(string)) return value;
        if (type == typeof(bool) && value is "True" or "False") return value == "True";
        if (type == typeof(long) && value == "inf") return long.MaxValue;
        if (type != typeof(bool))
            try { return Convert.ChangeType(value, type, CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is FormatException or OverflowException) { }
        throw new UserError($"{Path}: {info.Name} '{value}' is not a {type.Name}");
    }
}
