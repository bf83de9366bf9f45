using System.Buffers.Binary;
using System.Text;

namespace CycleGan.Checkpoints;

/// <summary>
/// A minimal zip writer for what <c>torch.save</c> produces: entries stored uncompressed, each entry's data
/// aligned to 64 bytes with an <c>FB</c> padding extra field (as PyTorch's writer does), no zip64.
/// </summary>
sealed class StoredZipWriter(Stream output)
{
    const int Alignment = 64;
    readonly List<(byte[] Name, uint Crc, uint Size, uint Offset)> _central = [];
    long _pos;

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var offset = _pos;
        var pad = (int)((Alignment - (offset + 30 + nameBytes.Length + 4) % Alignment) % Alignment);
        var crc = Crc32.Compute(data);
        if (offset + 30 + nameBytes.Length + 4 + pad + data.Length > uint.MaxValue)
            throw new UserError("checkpoints larger than 4 GiB are not supported by this writer");
        var h = new byte[30 + nameBytes.Length + 4 + pad];
        var s = h.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(s[4..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], Flags(name));
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], 0); // stored
        BinaryPrimitives.WriteUInt16LittleEndian(s[12..], 0x21); // 1980-01-01: reproducible files
        BinaryPrimitives.WriteUInt32LittleEndian(s[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(s[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(s[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)(4 + pad));
        nameBytes.CopyTo(s[30..]);
        var extra = s[(30 + nameBytes.Length)..];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x4246); // "FB"
        BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], (ushort)pad);
        extra[4..].Fill((byte)'Z');
        output.Write(h);
        output.Write(data);
        _pos += h.Length + data.Length;
        _central.Add((nameBytes, crc, (uint)data.Length, (uint)offset));
    }

    public void Finish()
    {
        var cdStart = _pos;
        foreach (var (name, crc, size, offset) in _central)
        {
            var c = new byte[46 + name.Length];
            var s = c.AsSpan();
            BinaryPrimitives.WriteUInt32LittleEndian(s, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(s[4..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(s[6..], 20);
            BinaryPrimitives.WriteUInt16LittleEndian(s[8..], Flags(Encoding.UTF8.GetString(name)));
            BinaryPrimitives.WriteUInt16LittleEndian(s[14..], 0x21);
            BinaryPrimitives.WriteUInt32LittleEndian(s[16..], crc);
            BinaryPrimitives.WriteUInt32LittleEndian(s[20..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(s[24..], size);
            BinaryPrimitives.WriteUInt16LittleEndian(s[28..], (ushort)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(s[42..], offset);
            name.CopyTo(s[46..]);
            output.Write(c);
            _pos += c.Length;
        }
        if (_pos > uint.MaxValue || _central.Count > ushort.MaxValue)
            throw new UserError("checkpoints larger than 4 GiB or with more than 65535 tensors are not supported by this writer");
        var e = new byte[22];
        var es = e.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(es, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(es[8..], (ushort)_central.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(es[10..], (ushort)_central.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(es[12..], (uint)(_pos - cdStart));
        BinaryPrimitives.WriteUInt32LittleEndian(es[16..], (uint)cdStart);
        output.Write(e);
    }

    /// <summary>Bit 11 marks UTF-8 names.</summary>
    static ushort Flags(string name) => (ushort)(name.Any(ch => ch > 127) ? 0x0800 : 0);
}
