using System.Numerics;

namespace CycleGan.Checkpoints;

/// <summary>A pickled dict or <c>collections.OrderedDict</c>: insertion-ordered, plus the attributes a BUILD set
/// (<c>_metadata</c>).</summary>
public sealed class PyDict
{
    readonly Dictionary<object, int> _index = [];
    readonly List<KeyValuePair<object?, object?>> _entries = [];

    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);

    public void Set(object? key, object? value)
    {
        // Python keys here are str/int/tuple; a key without value equality (tuple, None) is simply appended.
        if (key is string or long or bool or double or BigInteger)
        {
            if (_index.TryGetValue(key, out var i)) { _entries[i] = new(key, value); return; }
            _index[key] = _entries.Count;
        }
        _entries.Add(new(key, value));
    }

    public object? Get(string key) => _index.TryGetValue(key, out var i) ? _entries[i].Value : null;
}
