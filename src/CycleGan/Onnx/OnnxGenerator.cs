using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace CycleGan.Onnx;

/// <summary>
/// An exported generator run by ONNX Runtime: one NCHW float32 image batch in [-1, 1], one out. Opening checks that
/// the file is an ONNX model with one such input (channels fixed at 1 or 3, height and width symbolic), so a wrong
/// file is a <see cref="UserError"/> here and not a failure at the first image.
/// </summary>
public sealed class OnnxGenerator : IDisposable
{
    /// <summary>The NuGet package that brings ONNX Runtime's CUDA execution provider on Linux (same version).</summary>
    public const string CudaPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    readonly InferenceSession _session;
    readonly string _input, _output;
    readonly RunOptions _runOptions = new();

    /// <summary>Our export's metadata; null for a model from elsewhere.</summary>
    public GeneratorMetadata? Metadata { get; }
    public IReadOnlyDictionary<string, string> MetadataProperties { get; }
    public int InputChannels { get; }
    /// <summary>From the metadata (ResNet 4, unet_N N); 1 for a model without it.</summary>
    public int SizeMultiple { get; }

    OnnxGenerator(InferenceSession session, string source)
    {
        _session = session;
        try
        {
            if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
                throw new UserError($"{source}: expected a model with one input and one output, found "
                    + $"{session.InputMetadata.Count} and {session.OutputMetadata.Count}");
            var (input, meta) = session.InputMetadata.Single();
            var dims = meta.IsTensor ? meta.Dimensions : [];
            if (!meta.IsTensor || meta.ElementType != typeof(float) || dims.Length != 4 || dims[1] is not (1 or 3))
                throw new UserError($"{source}: input {input} is {Describe(meta)}; expected float32 [N, 1 or 3, H, W] (NCHW)");
            if (dims[2] > 0 || dims[3] > 0)
                throw new UserError($"{source}: input {input} has a fixed height and width ({dims[2]}x{dims[3]}); "
                    + "translating images of any size needs symbolic ones (re-export with cyclegan export)");
            _input = input;
            _output = session.OutputMetadata.Keys.Single();
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
        using var x = OrtValue.CreateTensorValueFromMemory(nchw, shape);
        using var y = _session.Run(_runOptions, [_input], [x], [_output]);
        return (y[0].GetTensorDataAsSpan<float>().ToArray(), y[0].GetTensorTypeAndShape().Shape);
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
