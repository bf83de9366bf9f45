using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>
/// PyTorch <c>.pth</c> state dicts as written by <c>torch.save(net.state_dict(), path)</c>: the zip format of
/// PyTorch ≥ 1.6 and the legacy pickle stream before it. Reading never executes code (<see cref="SafeUnpickler"/>).
/// A file whose top-level object is a dict holding the state dict under <c>state_dict</c> or <c>model</c>
/// (common training-script checkpoints) is accepted too; its other entries are ignored.
/// </summary>
public static class PthFile
{
    static readonly BigInteger LegacyMagic = BigInteger.Parse("119547037146038801333356");
    const long LegacyProtocolVersion = 1001;
    const long MaxPickleBytes = 1L << 30;

    public static StateDict Read(string path)
    {
        TorchRuntime.EnsureLoaded();
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            Span<byte> head = stackalloc byte[4];
            if (fs.Length < 4) throw new CheckpointFormatException($"file is only {fs.Length} bytes long, not a PyTorch checkpoint");
            fs.ReadExactly(head);
            fs.Position = 0;
            return head is [(byte)'P', (byte)'K', 3, 4] ? ReadZip(fs) : ReadLegacy(fs);
        }
        catch (CheckpointFormatException e) { throw new UserError($"{path}: {e.Message}", e); }
        catch (EndOfStreamException e) { throw new UserError($"{path}: the file ends early; it is truncated or not a PyTorch checkpoint",
            e); }
        catch (InvalidDataException e) { throw new UserError($"{path}: damaged zip archive ({e.Message})", e); }
        catch (IOException e) { throw new UserError($"cannot read {path}: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new UserError($"cannot read {path}: {e.Message}", e); }
    }

    static StateDict ReadZip(FileStream fs)
    {
        using var zip = new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: true);
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var e in zip.Entries) entries.TryAdd(e.FullName, e);
        // The folder is the saved file's own stem (`latest_net_G/`), or `archive/` for newer in-memory saves.
        var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
            && e.FullName.Count(c => c == '/') == 1)
            ?? throw new CheckpointFormatException("zip archive has no <name>/data.pkl entry: not a PyTorch checkpoint");
        var stem = pkl.FullName[..^"data.pkl".Length];
        if (entries.TryGetValue(stem + "byteorder", out var bo) && ReadSmallText(bo, fs.Length).Trim() != "little")
            throw new CheckpointFormatException("the checkpoint was saved on a big-endian machine, which is not supported");

        var pickle = ReadEntry(pkl, Math.Min(MaxPickleBytes, fs.Length), fs.Length);
        using var ms = new MemoryStream(pickle, writable: false);
        var u = SafeUnpickler.Load(ms);
        var tensors = StateDictEntries(u.Result);

        return Materialize(tensors, u.Storages, storage =>
        {
            if (!entries.TryGetValue(stem + "data/" + storage.Key, out var entry))
                throw new CheckpointFormatException($"storage '{storage.Key}' has no entry {stem}data/{storage.Key}");
            var bytes = ByteCount(storage);
            CheckEntrySize(entry, bytes, fs.Length);
            using var s = entry.Open();
            return ReadStorage(s, storage, bytes);
        });
    }

    static StateDict ReadLegacy(FileStream fs)
    {
        if (fs.ReadByte() != 0x80)
            throw new CheckpointFormatException("neither a zip archive nor a pickle stream: not a PyTorch checkpoint");
        fs.Position = 0;
        if (SafeUnpickler.Load(fs).Result is not BigInteger magic || magic != LegacyMagic)
            throw new CheckpointFormatException("a pickle but not a torch.save stream (wrong magic number)");
        if (SafeUnpickler.Load(fs).Result is not long protocol || protocol != LegacyProtocolVersion)
            throw new CheckpointFormatException("unsupported legacy torch.save protocol version");
        if (SafeUnpickler.Load(fs).Result is not PyDict sysInfo)
            throw new CheckpointFormatException("legacy torch.save stream without its system-info record");
        if (sysInfo.Get("little_endian") is false)
            throw new CheckpointFormatException("the checkpoint was saved on a big-endian machine, which is not supported");
        var main = SafeUnpickler.Load(fs);
        var tensors = StateDictEntries(main.Result);
        if (SafeUnpickler.Load(fs).Result is not List<object?> keys)
            throw new CheckpointFormatException("legacy torch.save stream without its storage list");

        // The raw storages follow in the listed order: int64 element count, then the elements.
        var loaded = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var n = new byte[8];
        try
        {
            foreach (var k in keys)
            {
                if (k is not string key || !main.Storages.TryGetValue(key, out var storage))
                    throw new CheckpointFormatException($"storage list names '{k}', which no tensor uses");
                if (loaded.ContainsKey(key)) throw new CheckpointFormatException($"storage '{key}' is listed twice");
                fs.ReadExactly(n);
                var count = BinaryPrimitives.ReadInt64LittleEndian(n);
                if (count != storage.Numel)
                    throw new CheckpointFormatException($"storage '{key}' holds {count} elements but its tensors " +
                        $"were saved with {storage.Numel}");
                var bytes = ByteCount(storage);
                if (bytes > fs.Length - fs.Position)
                    throw new CheckpointFormatException($"storage '{key}' claims {bytes} bytes but " +
                        $"only {fs.Length - fs.Position} remain in the file");
                loaded[key] = ReadStorage(fs, storage, bytes);
            }
            return Materialize(tensors, main.Storages, s => loaded.Remove(s.Key, out var t) ? t
                : throw new CheckpointFormatException($"storage '{s.Key}' is missing from the file"));
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
    }

    static long ByteCount(PickledStorage s)
    {
        try { return checked(s.Numel * DTypes.ElementSize(s.DType)); }
        catch (OverflowException) { throw new CheckpointFormatException($"storage '{s.Key}' claims {s.Numel} elements"); }
    }

    /// <summary>A zip entry must hold the claimed bytes before anything is allocated for them.</summary>
    static void CheckEntrySize(ZipArchiveEntry entry, long needed, long fileLength)
    {
        if (needed > entry.Length)
            throw new CheckpointFormatException($"{entry.FullName} holds {entry.Length} bytes but its tensors need {needed}");
        // Deflate compresses at most ~1032:1; a stored entry cannot be larger than the file.
        var plausible = entry.CompressedLength == entry.Length ? Math.Min(entry.Length, fileLength) : entry.CompressedLength * 1032 + 1024;
        if (needed > plausible)
            throw new CheckpointFormatException($"{entry.FullName} claims {needed} bytes, more than the file can hold");
    }

    static byte[] ReadEntry(ZipArchiveEntry entry, long max, long fileLength)
    {
        if (entry.Length > max) throw new CheckpointFormatException($"{entry.FullName} claims {entry.Length} bytes, more than allowed");
        CheckEntrySize(entry, entry.Length, fileLength);
        var buf = new byte[entry.Length];
        using var s = entry.Open();
        s.ReadExactly(buf);
        return buf;
    }

    static string ReadSmallText(ZipArchiveEntry entry, long fileLength) => Encoding.UTF8.GetString(ReadEntry(entry, 1024, fileLength));

    /// <summary>Reads <paramref name="bytes"/> raw little-endian bytes straight into a new 1-D tensor.</summary>
    static Tensor ReadStorage(Stream s, PickledStorage storage, long bytes)
    {
        TensorBytes.CheckSize(bytes);
        var t = torch.empty(storage.Numel, storage.DType);
        try
        {
            TensorBytes.ReadInto(s, t, bytes);
            return t;
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    /// <summary>The (name, tensor) pairs of the top-level object, without <c>_metadata</c>.</summary>
    static List<(string Name, PickledTensor Tensor)> StateDictEntries(object? top)
    {
        if (top is not PyDict dict) throw new CheckpointFormatException("the file holds no state dict (its " +
            "top-level object is not a dict)");
        if (dict.Entries.Count > 0 && !dict.Entries.Any(e => e.Value is PickledTensor))
            foreach (var nested in new[] { "state_dict", "model" })
                if (dict.Get(nested) is PyDict inner && inner.Entries.Any(e => e.Value is PickledTensor))
                    return StateDictEntries(inner);
        var list = new List<(string, PickledTensor)>(dict.Entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in dict.Entries)
        {
            if (k is not string name) throw new CheckpointFormatException("the state dict has a key that is not a string");
            if (name == "_metadata") continue;
            if (v is not PickledTensor t)
                throw new CheckpointFormatException($"'{name}' is not a tensor: the file is not a plain state dict");
            if (!seen.Add(name)) throw new CheckpointFormatException($"key '{name}' appears twice");
            list.Add((name, t));
        }
        return list;
    }

    static StateDict Materialize(List<(string Name, PickledTensor Tensor)> tensors, IReadOnlyDictionary<string, PickledStorage> storages,
        Func<PickledStorage, Tensor> load)
    {
        var data = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var sd = new StateDict();
        try
        {
            foreach (var s in storages.Values) data[s.Key] = load(s);
            foreach (var (name, pt) in tensors)
            {
                // Each tensor becomes its own contiguous copy: shared storages and odd strides are not kept.
                using var view = data[pt.Storage.Key].as_strided(pt.Size, pt.Stride, pt.Offset);
                var t = torch.empty(pt.Size, pt.Storage.DType);
                sd.Add(name, t);
                t.copy_(view);
            }
            return sd;
        }
        catch
        {
            sd.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in data.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Writes a state dict in the zip layout of <c>torch.save</c> (PyTorch ≥ 1.6), loadable by
    /// <c>torch.load(path, weights_only=True)</c>: entries <c>&lt;stem&gt;/data.pkl</c> (protocol 2 pickle of an
    /// OrderedDict of <c>_rebuild_tensor_v2</c> calls), <c>&lt;stem&gt;/byteorder</c>, <c>&lt;stem&gt;/data/&lt;i&gt;</c>
    /// (one storage per tensor, 64-byte aligned, stored uncompressed) and <c>&lt;stem&gt;/version</c>.
    /// The <c>_metadata</c> module versions are not written; PyTorch's strict load does not need them.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        TorchRuntime.EnsureLoaded();
        var list = tensors.ToList();
        var stem = Path.GetFileNameWithoutExtension(path);
        if (string.IsNullOrEmpty(stem) || stem.Contains('/')) stem = "archive";
        var pickle = PickleWriter.StateDict(list.Select((kv, i) => (kv.Key, i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            kv.Value)).ToList());
        AtomicFile.Write(path, stream =>
        {
            var zip = new StoredZipWriter(stream);
            zip.Add(stem + "/data.pkl", pickle);
            zip.Add(stem + "/byteorder", "little"u8);
            for (var i = 0; i < list.Count; i++)
            {
                using var scope = torch.NewDisposeScope();
                var c = list[i].Value.detach().cpu().contiguous();
                zip.Add(stem + "/data/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), TensorBytes.Span(c));
            }
            zip.Add(stem + "/version", "3\n"u8);
            zip.Finish();
        });
    }
}
