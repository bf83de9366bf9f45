using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>
/// The safetensors format: u64 little-endian header length, a JSON header
/// <c>{name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}</c> padded with spaces to a multiple of 8,
/// then raw little-endian C-order data. Tensors keep the header's order.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>A header beyond this is refused before it is read (the reference implementation uses the same bound).</summary>
    const long MaxHeaderBytes = 100_000_000;

    static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static StateDict Read(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(fs, path);
        }
        catch (IOException e) when (e is not EndOfStreamException) { throw new UserError($"cannot read {path}: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new UserError($"cannot read {path}: {e.Message}", e); }
    }

    /// <summary>A safetensors file held in memory (e.g. received from another process); <paramref name="name"/> names it in errors.</summary>
    public static StateDict Read(byte[] bytes, string name)
    {
        using var ms = new MemoryStream(bytes, writable: false);
        return Read(ms, name);
    }

    static StateDict Read(Stream fs, string path)
    {
        TorchRuntime.EnsureLoaded();
        try
        {
            return ReadStream(fs);
        }
        catch (CheckpointFormatException e) { throw new UserError($"{path}: {e.Message}", e); }
        catch (JsonException e) { throw new UserError($"{path}: the safetensors header is not valid JSON ({e.Message})", e); }
        catch (EndOfStreamException e) { throw new UserError($"{path}: the file ends early; it is truncated", e); }
        catch (IOException e) { throw new UserError($"cannot read {path}: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new UserError($"cannot read {path}: {e.Message}", e); }
    }

    sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    static StateDict ReadStream(Stream fs)
    {
        if (fs.Length < 8) throw new CheckpointFormatException($"file is only {fs.Length} bytes long, not a safetensors file");
        Span<byte> n = stackalloc byte[8];
        fs.ReadExactly(n);
        var headerLen = BinaryPrimitives.ReadUInt64LittleEndian(n);
        if (headerLen > (ulong)(fs.Length - 8))
            throw new CheckpointFormatException($"the header claims {headerLen} bytes but the file has " +
                $"only {fs.Length - 8} after the length field");
        if (headerLen > MaxHeaderBytes)
            throw new CheckpointFormatException($"the header claims {headerLen} bytes, more than the {MaxHeaderBytes} allowed");
        var header = new byte[headerLen];
        fs.ReadExactly(header);
        var dataStart = 8 + (long)headerLen;
        var dataLen = fs.Length - dataStart;

        var (entries, metadata) = ParseHeader(header, dataLen);
        var sd = new StateDict();
        try
        {
            foreach (var (k, v) in metadata) sd.Metadata[k] = v;
            foreach (var e in entries)
            {
                var t = torch.empty(e.Shape, e.DType);
                sd.Add(e.Name, t);
                fs.Position = dataStart + e.Begin;
                TensorBytes.ReadInto(fs, t, e.End - e.Begin);
            }
            return sd;
        }
        catch
        {
            sd.Dispose();
            throw;
        }
    }

    static (List<Entry>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLen)
    {
        try { _ = StrictUtf8.GetCharCount(header); }
        catch (DecoderFallbackException) { throw new CheckpointFormatException("the header is not valid UTF-8"); }
        using var doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new CheckpointFormatException("the header is not a JSON object");
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (!names.Add(p.Name)) throw new CheckpointFormatException($"the header names '{p.Name}' twice");
            if (p.Name == "__metadata__")
            {
                if (p.Value.ValueKind != JsonValueKind.Object) throw new CheckpointFormatException("__metadata__ is not an object");
                foreach (var m in p.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                        : throw new CheckpointFormatException($"__metadata__ value '{m.Name}' is not a string");
                continue;
            }
            entries.Add(ParseEntry(p.Name, p.Value, dataLen));
        }
        // Ranges may not overlap (the format's rule; it is also what makes each tensor independent).
        var sorted = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ToList();
        for (var i = 1; i < sorted.Count; i++)
            if (sorted[i].Begin < sorted[i - 1].End)
                throw new CheckpointFormatException($"tensors '{sorted[i - 1].Name}' and '{sorted[i].Name}' overlap in the file");
        return (entries, metadata);
    }

    static Entry ParseEntry(string name, JsonElement v, long dataLen)
    {
        if (v.ValueKind != JsonValueKind.Object) throw new CheckpointFormatException($"'{name}' is not a tensor description");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
            || !DTypes.TryFromSafeTensors(dt.GetString()!, out var dtype))
            throw new CheckpointFormatException($"'{name}' has a missing or unsupported dtype (supported: F32, F64, F16, BF16, " +
                $"I64, I32, I16, I8, U8, BOOL)");
        var shape = Longs(name, v, "shape", 64);
        var offsets = Longs(name, v, "data_offsets", 2);
        if (offsets.Length != 2) throw new CheckpointFormatException($"'{name}' needs two data_offsets");
        long bytes;
        try
        {
            long numel = 1;
            foreach (var d in shape) numel = checked(numel * d);
            bytes = checked(numel * DTypes.ElementSize(dtype));
        }
        catch (OverflowException) { throw new CheckpointFormatException($"'{name}' has a shape too large to hold"); }
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end || end > dataLen)
            throw new CheckpointFormatException($"'{name}' has data_offsets [{begin}, {end}] outside the {dataLen} data bytes");
        if (end - begin != bytes)
            throw new CheckpointFormatException($"'{name}' has {end - begin} bytes but its shape and dtype need {bytes}");
        return new Entry(name, dtype, shape, begin, end);
    }

    static long[] Longs(string name, JsonElement v, string field, int maxCount)
    {
        if (!v.TryGetProperty(field, out var a) || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() > maxCount)
            throw new CheckpointFormatException($"'{name}' has a missing or malformed {field}");
        var r = new long[a.GetArrayLength()];
        var i = 0;
        foreach (var x in a.EnumerateArray())
            r[i++] = x.ValueKind == JsonValueKind.Number && x.TryGetInt64(out var l) && l >= 0 ? l
                : throw new CheckpointFormatException($"'{name}' has a {field} entry that is not a non-negative integer");
        return r;
    }

    /// <summary>Writes tensors (in the given order) and optional string metadata.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        TorchRuntime.EnsureLoaded();
        var list = tensors.ToList();
        var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in list)
            {
                if (name == "__metadata__") throw new UserError("a tensor may not be called __metadata__ in a safetensors file");
                var bytes = t.numel() * DTypes.ElementSize(t.dtype);
                w.WriteStartObject(name);
                w.WriteString("dtype", DTypes.SafeTensorsName(t.dtype));
                w.WriteStartArray("shape");
                foreach (var d in t.shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        var pad = (int)((8 - header.Length % 8) % 8);
        for (var i = 0; i < pad; i++) header.WriteByte((byte)' ');
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
            stream.Write(len);
            stream.Write(header.GetBuffer().AsSpan(0, (int)header.Length));
            foreach (var (_, t) in list)
            {
                using var scope = torch.NewDisposeScope();
                stream.Write(TensorBytes.Span(t.detach().cpu().contiguous()));
            }
        });
    }
}
