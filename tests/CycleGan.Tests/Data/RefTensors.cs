using System.Buffers.Binary;
using System.Text.Json;

namespace CycleGan.Tests.Data;

/// <summary>Minimal safetensors reader for the reference files (F32 and U8 only), so the data tests do not depend on the checkpoint code.</summary>
public sealed class RefTensors
{
    readonly byte[] _bytes;
    readonly long _dataStart;
    readonly Dictionary<string, (string Dtype, long[] Shape, long Begin, long End)> _entries = new(StringComparer.Ordinal);

    public RefTensors(string path)
    {
        _bytes = File.ReadAllBytes(path);
        var n = (long)BinaryPrimitives.ReadUInt64LittleEndian(_bytes);
        _dataStart = 8 + n;
        using var doc = JsonDocument.Parse(_bytes.AsMemory(8, (int)n));
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") continue;
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var off = p.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            _entries[p.Name] = (p.Value.GetProperty("dtype").GetString()!, shape, off[0], off[1]);
        }
    }

    public IEnumerable<string> Names => _entries.Keys;

    public long[] Shape(string name) => _entries[name].Shape;

    public byte[] U8(string name)
    {
        var e = _entries[name];
        Assert.Equal("U8", e.Dtype);
        return _bytes.AsSpan((int)(_dataStart + e.Begin), (int)(e.End - e.Begin)).ToArray();
    }

    public float[] F32(string name)
    {
        var e = _entries[name];
        Assert.Equal("F32", e.Dtype);
        var span = _bytes.AsSpan((int)(_dataStart + e.Begin), (int)(e.End - e.Begin));
        var r = new float[span.Length / 4];
        for (int i = 0; i < r.Length; i++) r[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
        return r;
    }
}
