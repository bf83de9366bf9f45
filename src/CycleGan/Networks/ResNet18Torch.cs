using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The ResNet18 features of <see cref="ResNet18Features"/> in TorchSharp, so that they are differentiable (the
/// feature_gan baseline's loss): the package's own <c>ResNetPreprocess.onnx</c> and <c>ResNet18.onnx</c> graphs are
/// read (<see cref="OnnxGraph"/>) and their nodes (Conv, BatchNormalization, Relu, MaxPool, Add, AveragePool) run
/// with torch operations on the ONNX weights, which are frozen buffers, never parameters. Input: images in [-1, 1]
/// (N×3×H×W, or N×1×H×W, repeated to RGB); they are mapped to 0..255, resized to 224×224 (bilinear, no antialias,
/// as the evaluation's resampler), swapped to BGR, the mean image subtracted, and the graph run up to the 512-d pooled
/// output (N×512).
/// </summary>
public sealed class ResNet18Torch : Module<Tensor, Tensor>
{
    const int Size = 224;
    const string Input = "Input247";
    const string Output = "Pooling395_Output_0";

    readonly List<OnnxGraph.Node> _nodes = [];
    readonly Dictionary<string, Tensor> _weights = [];

    /// <summary>Where the build copies the ResNet18 ONNX files (package Microsoft.ML.DnnImageFeaturizer.ResNet18).</summary>
    public static string ModelFolder => Path.Combine(AppContext.BaseDirectory, "DnnImageModels");

    public ResNet18Torch(string? modelFolder = null) : base(nameof(ResNet18Torch))
    {
        modelFolder ??= ModelFolder;
        var prepPath = Path.Combine(modelFolder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        var netPath = Path.Combine(modelFolder, "ResNet18Onnx", "ResNet18.onnx");
        foreach (var f in new[] { prepPath, netPath })
            if (!File.Exists(f)) throw new UserError($"{f} is missing; it is copied from the NuGet package " +
                $"Microsoft.ML.DnnImageFeaturizer.ResNet18 by the build (rebuild)");
        var prep = OnnxGraph.Read(prepPath);
        var net = OnnxGraph.Read(netPath);
        if (!prep.Initializers.TryGetValue("MeanImage", out var mean))
            throw new UserError($"{prepPath} has no MeanImage initializer");
        var supported = new HashSet<string> { "Conv", "BatchNormalization", "Relu", "MaxPool", "Add", "AveragePool" };
        foreach (var node in net.Nodes)
        {
            if (!supported.Contains(node.OpType)) throw new UserError($"{netPath}: ONNX operation {node.OpType} is not supported here");
            _nodes.Add(node);
            if (node.Outputs.Contains(Output)) break;
        }
        foreach (var (name, init) in net.Initializers.Append(new("MeanImage", mean)))
        {
            var t = tensor(init.Data, init.Dims);
            _weights[name] = t;
            register_buffer(name, t);
        }
    }

    /// <summary>The 512-d pooled features of images in [-1, 1]; differentiable with respect to the images.</summary>
    public override Tensor forward(Tensor images)
    {
        var x = images.shape[1] == 1 ? images.repeat(1, 3, 1, 1) : images;
        x = x.add(Scalars.One, Scalars.One).Times(127.5);
        if (x.shape[2] != Size || x.shape[3] != Size)
            x = functional.interpolate(x, [Size, Size], mode: InterpolationMode.Bilinear, align_corners: false);
        x = x.flip(1) - Weight("MeanImage");
        var values = new Dictionary<string, Tensor> { [Input] = x };
        foreach (var node in _nodes)
        {
            var inputs = node.Inputs.Select(n => values.TryGetValue(n, out var v) ? v : Weight(n)).ToArray();
            values[node.Outputs[0]] = Run(node, inputs);
        }
        return values[Output].flatten(1);
    }

    Tensor Weight(string name) => _weights.TryGetValue(name, out var w) ? w : throw new InvalidOperationException($"ONNX graph " +
        $"input {name} is neither computed nor an initializer");

    static Tensor Run(OnnxGraph.Node node, Tensor[] x)
    {
        switch (node.OpType)
        {
            case "Conv":
            {
                var input = Pad(x[0], node, 0.0);
                var strides = node.Ints("strides", [1, 1]);
                var dilations = node.Ints("dilations", [1, 1]);
                return ConvKernels.Shared.Conv2d(input, x[1], x.Length > 2 ? x[2] : null, strides, [0, 0], dilations,
                    node.Int("group", 1), node.Outputs[0]);
            }
            case "BatchNormalization":
                return functional.batch_norm(x[0], x[3], x[4], x[1], x[2], false, 0.1, node.Float("epsilon", 1e-5f));
            case "Relu":
                return functional.relu(x[0]);
            case "Add":
                return x[0].add(x[1], Scalars.One);
            case "MaxPool":
                return functional.max_pool2d(Pad(x[0], node, double.NegativeInfinity), node.Ints("kernel_shape", []),
                    node.Ints("strides", [1, 1]));
            case "AveragePool":
                if (node.Ints("pads", [0, 0, 0, 0]).Any(p => p != 0))
                    throw new UserError("ONNX AveragePool with padding is not supported here");
                return functional.avg_pool2d(x[0], node.Ints("kernel_shape", []), node.Ints("strides", [1, 1]));
            default:
                throw new UserError($"ONNX operation {node.OpType} is not supported here");
        }
    }

    /// <summary>ONNX pads are [top, left, bottom, right] and may be asymmetric (this CNTK export pads 3/2, 1/0).</summary>
    static Tensor Pad(Tensor x, OnnxGraph.Node node, double value)
    {
        if (node.String("auto_pad", "NOTSET") != "NOTSET")
            throw new UserError($"ONNX {node.OpType} with auto_pad {node.String("auto_pad", "")} is not supported here");
        var p = node.Ints("pads", [0, 0, 0, 0]);
        return p.All(v => v == 0) ? x : functional.pad(x, [p[1], p[3], p[0], p[2]], PaddingModes.Constant, value);
    }
}
