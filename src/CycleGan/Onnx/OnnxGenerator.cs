using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace CycleGan.Onnx;

/// <summary>
/// An exported generator run by ONNX Runtime: one NCHW float32 image batch in [-1, 1], one out. Opening checks that
/// the file is an ONNX model with one such input (channels fixed at 1 or 3, height and width symbolic), so a wrong
/// file is a <see cref="UserError"/> here and not a failure at the first image. A temporal export
/// (<see cref="TemporalNormGraph"/>) also takes and returns each instance norm's carried statistics
/// (<see cref="Step"/>); <see cref="Run"/> gives it none, which is the plain per-frame translation.
/// </summary>
public sealed class OnnxGenerator : IDisposable
{
    /// <summary>The NuGet package that brings ONNX Runtime's CUDA execution provider on Linux (same version).</summary>
    public const string CudaPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    readonly InferenceSession _session;
    readonly string _input, _output;
    readonly RunOptions _runOptions = new();
    /// <summary>A temporal model's carried statistics: input, output, channels, in the graph's order.</summary>
    readonly List<(string In, string Out, long Channels)> _carried = [];
    readonly string[] _stepInputs = [], _stepOutputs = [];

    /// <summary>One frame of a temporal model: output, the first layer's cut test, new carried statistics.</summary>
    public sealed record TemporalStep(float[] Data, long[] Shape, bool Cut, float[][] Carried);

    /// <summary>Our export's metadata; null for a model from elsewhere.</summary>
    public GeneratorMetadata? Metadata { get; }
    public IReadOnlyDictionary<string, string> MetadataProperties { get; }
    public int InputChannels { get; }
    /// <summary>From the metadata (ResNet 4, unet_N N); 1 for a model without it.</summary>
    public int SizeMultiple { get; }
    /// <summary>Exported with <c>--temporal</c>: its instance norms carry statistics across frames.</summary>
    public bool IsTemporal => _carried.Count > 0;

    OnnxGenerator(InferenceSession session, string source)
    {
        _session = session;
        try
        {
            var images = session.InputMetadata.Where(i => !IsTemporalInput(i.Key)).ToList();
            var outputs = session.OutputMetadata.Keys.Where(o => !IsTemporalOutput(o)).ToList();
            if (images.Count != 1 || outputs.Count != 1)
                throw new UserError($"{source}: expected a model with one input and one output, found "
                    + $"{images.Count} and {outputs.Count}");
            var (input, meta) = images.Single();
            var dims = meta.IsTensor ? meta.Dimensions : [];
            if (!meta.IsTensor || meta.ElementType != typeof(float) || dims.Length != 4 || dims[1] is not (1 or 3))
                throw new UserError($"{source}: input {input} is {Describe(meta)}; expected float32 [N, 1 or 3, H, W] (NCHW)");
            if (dims[2] > 0 || dims[3] > 0)
                throw new UserError($"{source}: input {input} has a fixed height and width ({dims[2]}x{dims[3]}); "
                    + "translating images of any size needs symbolic ones (re-export with cyclegan export)");
            _input = input;
            _output = outputs.Single();
            if (session.InputMetadata.ContainsKey(TemporalNormGraph.MomentumName))
            {
                ReadCarried(session, source);
                _stepInputs = [_input, TemporalNormGraph.MomentumName, .. _carried.Select(c => c.In)];
                _stepOutputs = [_output, TemporalNormGraph.CutName, .. _carried.Select(c => c.Out)];
            }
            InputChannels = dims[1];
            MetadataProperties = session.ModelMetadata.CustomMetadataMap;
            Metadata = GeneratorMetadata.FromProperties(MetadataProperties);
            SizeMultiple = Metadata?.SizeMultiple ?? 1;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    static bool IsTemporalInput(string name) => name == TemporalNormGraph.MomentumName
        || name.EndsWith(TemporalNormGraph.MeanIn, StringComparison.Ordinal)
        || name.EndsWith(TemporalNormGraph.VarIn, StringComparison.Ordinal);

    static bool IsTemporalOutput(string name) => name == TemporalNormGraph.CutName
        || name.EndsWith(TemporalNormGraph.MeanOut, StringComparison.Ordinal)
        || name.EndsWith(TemporalNormGraph.VarOut, StringComparison.Ordinal);

    /// <summary>Each carried input [batch, C, 1, 1] with its output of the same name, and the cut output.</summary>
    void ReadCarried(InferenceSession session, string source)
    {
        if (!session.OutputMetadata.ContainsKey(TemporalNormGraph.CutName))
            throw new UserError($"{source}: a temporal model (input {TemporalNormGraph.MomentumName}) needs the output "
                + TemporalNormGraph.CutName);
        foreach (var (name, meta) in session.InputMetadata.Where(i => i.Key.EndsWith(TemporalNormGraph.MeanIn,
            StringComparison.Ordinal) || i.Key.EndsWith(TemporalNormGraph.VarIn, StringComparison.Ordinal)))
        {
            var mean = name.EndsWith(TemporalNormGraph.MeanIn, StringComparison.Ordinal);
            var output = name[..name.LastIndexOf('.')] + (mean ? TemporalNormGraph.MeanOut : TemporalNormGraph.VarOut);
            var dims = meta.IsTensor ? meta.Dimensions : [];
            if (!session.OutputMetadata.ContainsKey(output) || dims.Length != 4 || dims[1] <= 0)
                throw new UserError($"{source}: temporal input {name} is {Describe(meta)}; expected float32 "
                    + $"[N, C, 1, 1] and an output {output}");
            _carried.Add((name, output, dims[1]));
        }
        if (_carried.Count == 0)
            throw new UserError($"{source}: a temporal model (input {TemporalNormGraph.MomentumName}) has no carried "
                + "statistics");
    }

    static string Describe(NodeMetadata m)
    {
        if (!m.IsTensor) return m.OnnxValueType.ToString();
        var dims = m.Dimensions.Select((d, i) => d >= 0 ? $"{d}" : m.SymbolicDimensions[i]);
        return $"{m.ElementType.Name} [{string.Join(", ", dims)}]";
    }

    /// <summary>Opens an ONNX file; <paramref name="device"/>: empty or cpu, or cuda[:N] (CUDA execution provider).</summary>
    public static OnnxGenerator Open(string path, string device = "", int threads = 0)
    {
        if (!File.Exists(path)) throw new UserError($"--onnx {path} does not exist");
        return new OnnxGenerator(Session(s => new InferenceSession(path, s), path, device, threads), path);
    }

    /// <summary>An in-memory model (e.g. straight from <see cref="OnnxExporter.Build"/>).</summary>
    public static OnnxGenerator Load(byte[] model, string device = "", int threads = 0) =>
        new(Session(s => new InferenceSession(model, s), "the model", device, threads), "the model");

    static InferenceSession Session(Func<SessionOptions, InferenceSession> open, string source, string device, int threads)
    {
        using var options = new SessionOptions();
        if (threads > 0) options.IntraOpNumThreads = threads;
        AddDevice(options, device);
        try
        {
            return open(options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new UserError($"{source} is not an ONNX model that ONNX Runtime can load: {FirstLine(e.Message)}", e);
        }
    }

    static void AddDevice(SessionOptions options, string device)
    {
        if (device is "" or "cpu") return;
        if (!device.StartsWith("cuda", StringComparison.Ordinal)
            || !(device == "cuda" || (device[4] == ':' && int.TryParse(device[5..], out _))))
            throw new UserError($"--device {device}: expected cpu, cuda or cuda:N");
        var id = device == "cuda" ? 0 : int.Parse(device[5..]);
        try
        {
            options.AppendExecutionProvider_CUDA(id);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new UserError($"--device {device}: ONNX Runtime has no CUDA execution provider here ({FirstLine(e.Message)}); "
                + $"reference the NuGet package {CudaPackage} instead of Microsoft.ML.OnnxRuntime", e);
        }
    }

    static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();

    /// <summary>One forward pass over an NCHW batch; returns the output and its shape.</summary>
    public (float[] Data, long[] Shape) Run(float[] nchw, long[] shape)
    {
        if (IsTemporal)
        {
            var step = Step(nchw, shape, 0, null);
            return (step.Data, step.Shape);
        }
        using var x = OrtValue.CreateTensorValueFromMemory(nchw, shape);
        using var y = _session.Run(_runOptions, [_input], [x], [_output]);
        return (y[0].GetTensorDataAsSpan<float>().ToArray(), y[0].GetTensorTypeAndShape().Shape);
    }

    /// <summary>
    /// One frame through a temporal model: <paramref name="carried"/> is the previous frame's
    /// <see cref="TemporalStep.Carried"/> (same batch size), or null for none — a clip's first frame, which takes
    /// <paramref name="momentum"/> 0 so that every layer uses the frame's own statistics.
    /// </summary>
    public TemporalStep Step(float[] nchw, long[] shape, float momentum, float[][]? carried)
    {
        if (!IsTemporal) throw new InvalidOperationException("not a temporal model (export it with --temporal)");
        var inputs = new List<OrtValue>(_stepInputs.Length);
        try
        {
            inputs.Add(OrtValue.CreateTensorValueFromMemory(nchw, shape));
            inputs.Add(OrtValue.CreateTensorValueFromMemory(new[] { momentum }, []));
            foreach (var (c, i) in _carried.Select((c, i) => (c, i)))
                inputs.Add(OrtValue.CreateTensorValueFromMemory(carried?[i] ?? new float[shape[0] * c.Channels],
                    [shape[0], c.Channels, 1, 1]));
            using var y = _session.Run(_runOptions, _stepInputs, inputs, _stepOutputs);
            var next = y.Skip(2).Select(v => v.GetTensorDataAsSpan<float>().ToArray()).ToArray();
            return new TemporalStep(y[0].GetTensorDataAsSpan<float>().ToArray(), y[0].GetTensorTypeAndShape().Shape,
                y[1].GetTensorDataAsSpan<bool>()[0], next);
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    }

    /// <summary>The same on a TorchSharp tensor (copied to the CPU; the result is a new CPU tensor).</summary>
    public Tensor Forward(Tensor x)
    {
        using var cpu = x.detach().cpu().contiguous();
        var (data, shape) = Run(cpu.data<float>().ToArray(), cpu.shape);
        return tensor(data, shape);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
