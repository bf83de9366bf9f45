using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>
/// An ordered name → tensor map (insertion order is PyTorch's <c>state_dict()</c> order), the in-memory form
/// of a <c>.pth</c> or safetensors checkpoint. Owns its tensors: disposing it disposes them.
/// </summary>
public sealed class StateDict : IEnumerable<KeyValuePair<string, Tensor>>, IDisposable
{
    readonly List<string> _order = [];
    readonly Dictionary<string, Tensor> _map = new(StringComparer.Ordinal);

    /// <summary>Free-form string metadata (safetensors <c>__metadata__</c>); empty for <c>.pth</c> files.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    public int Count => _order.Count;

    public IReadOnlyList<string> Keys => _order;

    public Tensor this[string key] => _map.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"no tensor named '{key}'");

    public bool ContainsKey(string key) => _map.ContainsKey(key);

    public bool TryGetValue(string key, out Tensor tensor) => _map.TryGetValue(key, out tensor!);

    /// <summary>Adds a tensor at the end; the dictionary takes ownership of it.</summary>
    public void Add(string key, Tensor tensor)
    {
        if (!_map.TryAdd(key, tensor)) throw new ArgumentException($"duplicate key '{key}'", nameof(key));
        _order.Add(key);
    }

    /// <summary>Removes a key and disposes its tensor; returns false when absent.</summary>
    public bool Remove(string key)
    {
        if (!_map.Remove(key, out var t)) return false;
        _order.Remove(key);
        t.Dispose();
        return true;
    }

    /// <summary>Renames keys in place, keeping order and tensors (e.g. stripping <c>module.</c>).</summary>
    public void RenameKeys(Func<string, string> rename)
    {
        var renamed = _order.Select(k => (Old: k, New: rename(k))).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, n) in renamed)
            if (!seen.Add(n)) throw new ArgumentException($"renaming makes two keys '{n}'");
        var tensors = renamed.Select(r => _map[r.Old]).ToList();
        _map.Clear();
        _order.Clear();
        for (var i = 0; i < renamed.Count; i++) { _map[renamed[i].New] = tensors[i]; _order.Add(renamed[i].New); }
    }

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (var k in _order) yield return new(k, _map[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var t in _map.Values) t.Dispose();
        _map.Clear();
        _order.Clear();
    }
}
