using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Evaluation;

/// <summary>
/// Saves and loads a <see cref="Segmenter"/> as a safetensors file whose <c>__metadata__</c> holds the
/// architecture (num_classes, ngf, levels, image_size) and the class names. A minimal writer/reader of its
/// own until <c>CycleGan.Checkpoints.SafeTensorsFile</c> lands; the file format is the standard one.
/// </summary>
public static class SegmenterFile
{
    const string Format = "cyclegan-sharp/segmenter";

    public static void Save(Segmenter net, IReadOnlyList<string> classNames, string path)
    {
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["num_classes"] = net.NumClasses.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ngf"] = net.Ngf.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["levels"] = net.Levels.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["image_size"] = net.ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["class_names"] = JsonSerializer.Serialize(classNames),
        };
        var blobs = new List<byte[]>();
        var header = new Dictionary<string, object> { ["__metadata__"] = meta };
        long offset = 0;
        foreach (var (name, t0) in net.state_dict())
        {
            using var t = t0.detach().cpu().contiguous();
            byte[] bytes; string dtype;
            switch (t.dtype)
            {
                case ScalarType.Float32: bytes = MemoryMarshal.AsBytes(t.data<float>().ToArray().AsSpan()).ToArray(); dtype = "F32"; break;
                case ScalarType.Int64: bytes = MemoryMarshal.AsBytes(t.data<long>().ToArray().AsSpan()).ToArray(); dtype = "I64"; break;
                default: throw new InvalidOperationException($"segmenter tensor {name} has unsupported dtype {t.dtype}");
            }
            header[name] = new { dtype, shape = t.shape, data_offsets = new[] { offset, offset + bytes.Length } };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var pad = (8 - json.Length % 8) % 8;
        AtomicFile.Write(path, s =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(json.Length + pad));
            s.Write(len);
            s.Write(json);
            for (int i = 0; i < pad; i++) s.WriteByte((byte)' ');
            foreach (var b in blobs) s.Write(b);
        });
    }

    /// <summary>Loads a segmenter written by <see cref="Save"/>; any mismatch is a <see cref="UserError"/> naming the file.</summary>
    public static (Segmenter Network, IReadOnlyList<string> ClassNames) Load(string path)
    {
        if (!File.Exists(path)) throw new UserError($"segmenter file {path} does not exist (train one with `cyclegan eval segmenter-train`)");
        var data = File.ReadAllBytes(path);
        if (data.Length < 8) throw new UserError($"{path}: not a safetensors file (too short)");
        var hlen = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (hlen > (ulong)(data.Length - 8)) throw new UserError($"{path}: header claims {hlen} bytes but the file holds {data.Length - 8}");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(data.AsMemory(8, (int)hlen)); }
        catch (JsonException e) { throw new UserError($"{path}: not a safetensors file ({e.Message})", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (!root.TryGetProperty("__metadata__", out var meta) || !meta.TryGetProperty("format", out var fmt) || fmt.GetString() != Format)
                throw new UserError($"{path}: not a segmenter file (no __metadata__.format = {Format})");
            int Int(string key) => int.Parse(meta.GetProperty(key).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var names = JsonSerializer.Deserialize<string[]>(meta.GetProperty("class_names").GetString()!) ?? [];
            var net = new Segmenter(Int("num_classes"), Int("ngf"), Int("levels"), Int("image_size"));
            long dataStart = 8 + (long)hlen;
            using var noGrad = no_grad();
            foreach (var (name, target) in net.state_dict())
            {
                if (!root.TryGetProperty(name, out var entry)) throw new UserError($"{path}: tensor {name} is missing");
                var offs = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                if (!shape.SequenceEqual(target.shape)) throw new UserError($"{path}: tensor {name} has shape [{string.Join(",", shape)}], expected [{string.Join(",", target.shape)}]");
                if (offs[0] < 0 || offs[1] < offs[0] || dataStart + offs[1] > data.Length) throw new UserError($"{path}: tensor {name} lies outside the file");
                var span = data.AsSpan((int)(dataStart + offs[0]), (int)(offs[1] - offs[0]));
                using var src = entry.GetProperty("dtype").GetString() switch
                {
                    "F32" => tensor(MemoryMarshal.Cast<byte, float>(span).ToArray(), shape),
                    "I64" => tensor(MemoryMarshal.Cast<byte, long>(span).ToArray(), shape),
                    var d => throw new UserError($"{path}: tensor {name} has unsupported dtype {d}"),
                };
                if (src.numel() != target.numel()) throw new UserError($"{path}: tensor {name} holds {src.numel()} values, expected {target.numel()}");
                target.copy_(src);
            }
            net.eval();
            return (net, names);
        }
    }
}
