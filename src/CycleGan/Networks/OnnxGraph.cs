using System.Text;

namespace CycleGan.Networks;

/// <summary>
/// The parts of an ONNX model (<c>ModelProto</c>) that a plain feed-forward graph needs: its nodes in order (op type,
/// inputs, outputs, int/float/string attributes) and its float initializers. Read with a small protobuf reader, since
/// ONNX Runtime does not expose initializers; anything else in the file (doc strings, value infos, opsets) is skipped.
/// </summary>
public sealed class OnnxGraph
{
    public sealed record Node(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
        IReadOnlyDictionary<string, Attribute> Attributes)
    {
        public long[] Ints(string name, long[] fallback) => Attributes.TryGetValue(name, out var a) ? a.Ints : fallback;
        public long Int(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.Int : fallback;
        public float Float(string name, float fallback) => Attributes.TryGetValue(name, out var a) ? a.Float : fallback;
        public string String(string name, string fallback) => Attributes.TryGetValue(name, out var a) ? a.String : fallback;
    }

    public sealed record Attribute(long Int, float Float, string String, long[] Ints);

    public sealed record Initializer(long[] Dims, float[] Data);

    public IReadOnlyList<Node> Nodes { get; }
    public IReadOnlyDictionary<string, Initializer> Initializers { get; }

    OnnxGraph(List<Node> nodes, Dictionary<string, Initializer> initializers)
    {
        Nodes = nodes;
        Initializers = initializers;
    }

    public static OnnxGraph Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            var nodes = new List<Node>();
            var inits = new Dictionary<string, Initializer>();
            foreach (var (field, _, graph) in Fields(bytes))
            {
                if (field != 7) continue;
                foreach (var (f, _, v) in Fields(graph.Span.ToArray()))
                {
                    if (f == 1) nodes.Add(ReadNode(v.Span.ToArray()));
                    else if (f == 5) { var (name, init) = ReadTensor(v.Span.ToArray()); inits[name] = init; }
                }
            }
            return new OnnxGraph(nodes, inits);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or InvalidDataException)
        {
            throw new UserError($"{path} is not a readable ONNX model ({e.Message})", e);
        }
    }

    static Node ReadNode(byte[] b)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var op = "";
        var attrs = new Dictionary<string, Attribute>();
        foreach (var (f, _, v) in Fields(b))
        {
            switch (f)
            {
                case 1: inputs.Add(Str(v)); break;
                case 2: outputs.Add(Str(v)); break;
                case 4: op = Str(v); break;
                case 5:
                    var (name, attr) = ReadAttribute(v.Span.ToArray());
                    attrs[name] = attr;
                    break;
            }
        }
        return new Node(op, inputs, outputs, attrs);
    }

    static (string, Attribute) ReadAttribute(byte[] b)
    {
        string name = "", s = "";
        long i = 0;
        float fl = 0;
        var ints = new List<long>();
        foreach (var (f, wire, v) in Fields(b))
        {
            switch (f)
            {
                case 1: name = Str(v); break;
                case 2: fl = BitConverter.ToSingle(v.Span); break;
                case 3: i = Varint(v); break;
                case 4: s = Str(v); break;
                case 8: ints.AddRange(wire == 2 ? Packed(v.Span.ToArray()) : [Varint(v)]); break;
            }
        }
        return (name, new Attribute(i, fl, s, ints.ToArray()));
    }

    static (string, Initializer) ReadTensor(byte[] b)
    {
        var dims = new List<long>();
        var name = "";
        long type = 1;
        float[]? data = null;
        var floats = new List<float>();
        foreach (var (f, wire, v) in Fields(b))
        {
            switch (f)
            {
                case 1: dims.AddRange(wire == 2 ? Packed(v.Span.ToArray()) : [Varint(v)]); break;
                case 2: type = Varint(v); break;
                case 4:
                    if (wire == 2) for (int k = 0; k + 4 <= v.Length; k += 4) floats.Add(BitConverter.ToSingle(v.Span[k..]));
                    else floats.Add(BitConverter.ToSingle(v.Span));
                    break;
                case 8: name = Str(v); break;
                case 9: data = new float[v.Length / 4]; Buffer.BlockCopy(v.ToArray(), 0, data, 0, data.Length * 4); break;
            }
        }
        if (type != 1) throw new InvalidDataException($"initializer {name} has data type {type}, only float (1) is supported");
        data ??= floats.ToArray();
        if (data.Length != dims.Aggregate(1L, (a, d) => a * d))
            throw new InvalidDataException($"initializer {name} has {data.Length} values for dims [{string.Join(", ", dims)}]");
        return (name, new Initializer(dims.ToArray(), data));
    }

    static string Str(ReadOnlyMemory<byte> v) => Encoding.UTF8.GetString(v.Span);

    /// <summary>A varint field's value (stored by <see cref="Fields"/> as its 8 little-endian bytes).</summary>
    static long Varint(ReadOnlyMemory<byte> v) => BitConverter.ToInt64(v.Span);

    static List<long> Packed(byte[] b)
    {
        var r = new List<long>();
        int pos = 0;
        while (pos < b.Length) r.Add((long)ReadVarint(b, ref pos));
        return r;
    }

    static ulong ReadVarint(byte[] b, ref int pos)
    {
        ulong r = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift > 63) throw new InvalidDataException("varint too long");
            var c = b[pos++];
            r |= (ulong)(c & 0x7f) << shift;
            if (c < 0x80) return r;
        }
    }

    /// <summary>The fields of one protobuf message: number, wire type, and the bytes (varints as 8 bytes).</summary>
    static IEnumerable<(int Field, int Wire, ReadOnlyMemory<byte> Value)> Fields(byte[] b)
    {
        int pos = 0;
        while (pos < b.Length)
        {
            var key = ReadVarint(b, ref pos);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, BitConverter.GetBytes(ReadVarint(b, ref pos))); break;
                case 1: yield return (field, wire, b.AsMemory(pos, 8)); pos += 8; break;
                case 5: yield return (field, wire, b.AsMemory(pos, 4)); pos += 4; break;
                case 2:
                    var len = (long)ReadVarint(b, ref pos);
                    if (len < 0 || pos + len > b.Length) throw new InvalidDataException($"field {field} claims {len} " +
                        $"bytes, {b.Length - pos} left");
                    yield return (field, wire, b.AsMemory(pos, (int)len));
                    pos += (int)len;
                    break;
                default: throw new InvalidDataException($"unsupported protobuf wire type {wire}");
            }
        }
    }
}
