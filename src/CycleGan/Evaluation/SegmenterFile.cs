using System.Globalization;
using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Networks;
using static TorchSharp.torch;

namespace CycleGan.Evaluation;

/// <summary>
/// Saves and loads a <see cref="Segmenter"/> as a safetensors file whose <c>__metadata__</c> holds the
/// architecture (num_classes, ngf, levels, image_size) and the class names.
/// </summary>
public static class SegmenterFile
{
    const string Format = "cyclegan-sharp/segmenter";

    public static void Save(Segmenter net, IReadOnlyList<string> classNames, string path)
    {
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["num_classes"] = net.NumClasses.ToString(CultureInfo.InvariantCulture),
            ["ngf"] = net.Ngf.ToString(CultureInfo.InvariantCulture),
            ["levels"] = net.Levels.ToString(CultureInfo.InvariantCulture),
            ["image_size"] = net.ImageSize.ToString(CultureInfo.InvariantCulture),
            ["class_names"] = JsonSerializer.Serialize(classNames),
        };
        using var scope = NewDisposeScope();
        var tensors = ModuleState.Ordered(net).Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu())).ToList();
        SafeTensorsFile.Write(path, tensors, meta);
    }

    /// <summary>Loads a segmenter written by <see cref="Save"/>; any mismatch is a <see cref="UserError"/> naming the file.</summary>
    public static (Segmenter Network, IReadOnlyList<string> ClassNames) Load(string path)
    {
        if (!File.Exists(path)) throw new UserError($"segmenter file {path} does not exist (train one with " +
            $"`cyclegan eval segmenter-train`)");
        using var sd = SafeTensorsFile.Read(path);
        var meta = sd.Metadata;
        if (!meta.TryGetValue("format", out var fmt) || fmt != Format)
            throw new UserError($"{path}: not a segmenter file (no __metadata__.format = {Format})");
        int Int(string key) => meta.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture,
            out var n)
            ? n : throw new UserError($"{path}: segmenter metadata lacks a valid {key}");
        string[] names;
        try { names = JsonSerializer.Deserialize<string[]>(meta.GetValueOrDefault("class_names", "[]")) ?? []; }
        catch (JsonException e) { throw new UserError($"{path}: class_names metadata is not a JSON list ({e.Message})", e); }
        var net = new Segmenter(Int("num_classes"), Int("ngf"), Int("levels"), Int("image_size"));
        CheckpointLoader.Load(net, sd, path);
        net.eval();
        return (net, names);
    }
}
