using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>Writes the protocol-2 pickle that <c>torch.save(state_dict)</c> writes into <c>data.pkl</c> (without memo entries, which are
/// optional).</summary>
static class PickleWriter
{
    /// <summary>An OrderedDict name → <c>_rebuild_tensor_v2(('storage', torch.XStorage, key, 'cpu', numel), 0, size, stride, False,
    /// OrderedDict())</c>.</summary>
    public static byte[] StateDict(IReadOnlyList<(string Name, string StorageKey, Tensor Tensor)> tensors)
    {
        var o = new MemoryStream();
        o.Write([0x80, 2]);
        OrderedDictCall(o);
        for (var start = 0; start < tensors.Count; start += 1000)
        {
            o.WriteByte((byte)'(');
            foreach (var (name, key, t) in tensors.Skip(start).Take(1000))
            {
                Unicode(o, name);
                Global(o, "torch._utils", "_rebuild_tensor_v2");
                o.WriteByte((byte)'(');
                o.WriteByte((byte)'(');
                Unicode(o, "storage");
                Global(o, "torch", DTypes.StorageName(t.dtype));
                Unicode(o, key);
                Unicode(o, "cpu");
                Int(o, t.numel());
                o.WriteByte((byte)'t');
                o.WriteByte((byte)'Q'); // BINPERSID
                Int(o, 0);
                var shape = t.shape;
                IntTuple(o, shape);
                IntTuple(o, ContiguousStrides(shape));
                o.WriteByte(0x89); // NEWFALSE: requires_grad
                OrderedDictCall(o); // backward hooks
                o.WriteByte((byte)'t');
                o.WriteByte((byte)'R');
            }
            o.WriteByte((byte)'u'); // SETITEMS
        }
        o.WriteByte((byte)'.');
        return o.ToArray();
    }

    static long[] ContiguousStrides(long[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (var i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= Math.Max(shape[i], 1); }
        return s;
    }

    static void OrderedDictCall(Stream o)
    {
        Global(o, "collections", "OrderedDict");
        o.WriteByte((byte)')');
        o.WriteByte((byte)'R');
    }

    static void Global(Stream o, string module, string name)
    {
        o.WriteByte((byte)'c');
        o.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
    }

    static void Unicode(Stream o, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
        o.WriteByte((byte)'X');
        o.Write(len);
        o.Write(b);
    }

    static void Int(Stream o, long v)
    {
        Span<byte> b = stackalloc byte[8];
        if (v is >= 0 and < 256) { o.WriteByte((byte)'K'); o.WriteByte((byte)v); }
        else if (v is >= 0 and < 65536) { o.WriteByte((byte)'M'); BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); o.Write(b[..2]); }
        else if (v is >= int.MinValue and <= int.MaxValue) { o.WriteByte((byte)'J'); BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            o.Write(b[..4]); }
        else { o.WriteByte(0x8a); o.WriteByte(8); BinaryPrimitives.WriteInt64LittleEndian(b, v); o.Write(b); }
    }

    static void IntTuple(Stream o, long[] values)
    {
        o.WriteByte((byte)'(');
        foreach (var v in values) Int(o, v);
        o.WriteByte((byte)'t');
    }
}
