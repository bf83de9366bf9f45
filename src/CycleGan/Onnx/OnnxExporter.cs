using System.Security.Cryptography;
using CycleGan.Checkpoints;
using CycleGan.Networks;
using CycleGan.Options;
using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using BatchNorm = CycleGan.Networks.BatchNorm;
using InstanceNorm = CycleGan.Networks.InstanceNorm;
using Upsample = CycleGan.Networks.Upsample;
using static TorchSharp.torch;
using static CycleGan.Onnx.OnnxGraphBuilder;

namespace CycleGan.Onnx;

/// <summary>
/// Writes a generator as an ONNX model in its inference form — BatchNorm with its running statistics, no dropout:
/// what <c>test.py --eval</c> computes (exports that kept training mode were the official issue #1276). The graph is
/// made by walking the network's modules, which are built from a small set of layer kinds (conv, transposed conv,
/// instance/batch norm, ReLU, LeakyReLU, tanh, reflection and replication pad, dropout, identity, sequential, the
/// ResNet block's add, the U-Net block's concat, and CUT's blur layers: a grouped (transposed) convolution of their
/// <c>filt</c> buffer); batch, height and width are symbolic dimensions.
/// </summary>
public static class OnnxExporter
{
    public const int DefaultOpset = 17;
    /// <summary>Pad takes its pads as an input from opset 11 on; 21 is the newest whose IR version we know.</summary>
    public const int MinOpset = 11, MaxOpset = 21;
    public const string InputName = "input", OutputName = "output";

    /// <summary><c>cyclegan export</c>: the checkpoint loaded with the network flags, written to <c>--out</c>.</summary>
    public static GeneratorMetadata Export(ExportOptions opt)
    {
        CheckOpset(opt.Opset);
        if (string.IsNullOrEmpty(opt.Out)) throw new UserError("--out is required");
        using var g = GeneratorCheckpoint.Load(opt, opt.Checkpoint);
        if (opt.Temporal && !g.modules().OfType<InstanceNorm>().Any())
            throw new UserError($"--temporal: {opt.NetG} with --norm {opt.Norm} has no instance norm whose statistics "
                + "could be carried across frames");
        var meta = new GeneratorMetadata
        {
            NetG = opt.NetG, Ngf = opt.Ngf, Norm = opt.Norm, InputNc = opt.InputNc, OutputNc = opt.OutputNc,
            SizeMultiple = NetworkRegistry.SizeMultiple(opt.NetG), CheckpointSha256 = Sha256(opt.Checkpoint),
        };
        var model = Build(g, meta, opt.Opset, opt.Temporal);
        AtomicFile.Write(opt.Out, s => model.WriteTo(s));
        return meta;
    }

    public static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    static void CheckOpset(int opset)
    {
        if (opset < MinOpset || opset > MaxOpset)
            throw new UserError($"--opset {opset}: this exporter writes opsets {MinOpset} to {MaxOpset}");
    }

    /// <summary>
    /// The ONNX model of <paramref name="generator"/> (its weights copied; the module is not changed). With
    /// <paramref name="temporal"/> its instance norms carry statistics across frames (<see cref="TemporalNormGraph"/>);
    /// a network without instance norms gives the plain graph either way.
    /// </summary>
    public static ModelProto Build(nn.Module<Tensor, Tensor> generator, GeneratorMetadata meta,
        int opset = DefaultOpset, bool temporal = false)
    {
        CheckOpset(opset);
        var b = new OnnxGraphBuilder();
        b.Graph.Name = meta.NetG;
        b.Graph.Input.Add(ImageValue(InputName, meta.InputNc));
        var norms = temporal ? new TemporalNormGraph(b, opset) : null;
        var last = Emit(b, generator, "", InputName, norms);
        // the last layer (tanh) is the graph output; give it the output's name
        var producer = b.Graph.Node.Single(n => n.Output.Contains(last));
        producer.Output[producer.Output.IndexOf(last)] = OutputName;
        // first, before the carried statistics of a temporal graph
        b.Graph.Output.Insert(0, ImageValue(OutputName, meta.OutputNc));
        var carried = norms is { Layers: > 0 } ? $"; temporal: {norms.Layers} instance norms carry statistics "
            + $"(inputs {TemporalNormGraph.MomentumName}, normK.mean_in, normK.var_in; "
            + $"outputs {TemporalNormGraph.CutName}, normK.mean_out, normK.var_out)" : "";

        var model = new ModelProto
        {
            IrVersion = IrVersion(opset),
            ProducerName = "cyclegan-sharp",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = $"{meta.NetG} generator in inference form (BatchNorm running statistics, no dropout); "
                + meta.Layout + carried,
            Graph = b.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (var (k, v) in meta.ToProperties()) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        if (carried.Length > 0)
            model.MetadataProps.Add(new StringStringEntryProto { Key = "temporal", Value = "norm" });
        return model;
    }

    /// <summary>The IR version that came with each opset (onnx.helper's VERSION_TABLE).</summary>
    static long IrVersion(int opset) => opset switch
    {
        11 => 6,
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    /// <summary>Appends the nodes of <paramref name="m"/> applied to <paramref name="x"/>; returns its output's name.</summary>
    static string Emit(OnnxGraphBuilder b, nn.Module m, string path, string x, TemporalNormGraph? norms)
    {
        switch (m)
        {
            case ResnetGenerator or UnetGenerator or CutResnetGenerator:
                return Emit(b, Child(m, "model"), Join(path, "model"), x, norms);
            case ResnetBlock:
                var block = Emit(b, Child(m, "conv_block"), Join(path, "conv_block"), x, norms);
                return b.Node("Add", path, [x, block]);
            case UnetSkipConnectionBlock u:
                var inner = Emit(b, Child(m, "model"), Join(path, "model"), x, norms);
                return u.Outermost ? inner : b.Node("Concat", path, [x, inner], Int("axis", 1));
            case Sequential s:
                return s.named_children().Aggregate(x, (h, c) => Emit(b, c.module, Join(path, c.name), h, norms));
            case Conv c:
                return EmitConv(b, c, path, x);
            case InstanceNorm n when norms != null:
                return norms.Emit(path, x, n.Channels);
            case InstanceNorm n:
                var ones = b.Constant($"ones_{n.Channels}", Enumerable.Repeat(1f, (int)n.Channels).ToArray(), [n.Channels]);
                var zeros = b.Constant($"zeros_{n.Channels}", new float[n.Channels], [n.Channels]);
                return b.Node("InstanceNormalization", path, [x, ones, zeros], Float("epsilon", InstanceNorm.Eps));
            case BatchNorm bn:
                // inference form: the running statistics, as model.eval() uses them
                return b.Node("BatchNormalization", path,
                [
                    x,
                    b.Initializer(path + ".weight", bn.Weight),
                    b.Initializer(path + ".bias", bn.Bias),
                    b.Initializer(path + ".running_mean", bn.RunningMean),
                    b.Initializer(path + ".running_var", bn.RunningVar),
                ], Float("epsilon", BatchNorm.Eps));
            case Dropout or Identity:
                return x; // inference form: dropout is the identity
            case ReLU:
                return b.Node("Relu", path, [x]);
            case LeakyRelu l:
                return b.Node("LeakyRelu", path, [x], Float("alpha", l.NegativeSlope));
            case Tanh:
                return b.Node("Tanh", path, [x]);
            case ReflectionPad2d p:
                return EmitPad(b, p.padding, "reflect", path, x);
            case ReplicationPad2d p:
                return EmitPad(b, p.padding, "edge", path, x);
            case Downsample d:
                var down = Emit(b, Child(m, "pad"), Join(path, "pad"), x, norms);
                return EmitBlur(b, d, path, path, down, transposed: false, Downsample.FiltSize, Downsample.Stride, 0);
            case Upsample u:
                var up = Emit(b, Child(m, "pad"), Join(path, "pad"), x, norms);
                var blurred = EmitBlur(b, u, path, path + ".conv", up, transposed: true, Upsample.FiltSize,
                    Upsample.Stride, Upsample.Padding);
                // Upsample's crop of one row and column at each side: exactly twice the input size
                return b.Node("Slice", path, [blurred, b.Constant("crop_starts", [1, 1]),
                    b.Constant("crop_ends", [-1, -1]), b.Constant("crop_axes", [2, 3])]);
            default:
                throw new NotSupportedException($"{path}: {m.GetType().Name} has no ONNX form in {nameof(OnnxExporter)}");
        }
    }

    static string EmitPad(OnnxGraphBuilder b, long[] lrtb, string mode, string path, string x)
    {
        // PyTorch's order is left, right, top, bottom; ONNX's all begins (N, C, H, W), then all ends
        var pads = b.Constant($"pads_{string.Join('_', lrtb)}", [0, 0, lrtb[2], lrtb[0], 0, 0, lrtb[3], lrtb[1]]);
        return b.Node("Pad", path, [x, pads], String("mode", mode));
    }

    /// <summary>The blur of a <see cref="BlurLayer"/>: one filter per channel (group = channels), no bias.</summary>
    static string EmitBlur(OnnxGraphBuilder b, BlurLayer blur, string path, string node, string x, bool transposed,
        long kernel, long stride, long padding)
    {
        var filt = blur.named_buffers().Single(n => n.name == "filt").buffer;
        return b.Node(transposed ? "ConvTranspose" : "Conv", node, [x, b.Initializer(path + ".filt", filt)],
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride),
            Ints("pads", padding, padding, padding, padding), Int("group", blur.Channels));
    }

    static string EmitConv(OnnxGraphBuilder b, Conv c, string path, string x)
    {
        if (c.padding is not { } pad || c.padding_mode != TorchSharp.PaddingModes.Zeros)
            throw new NotSupportedException($"{path}: only explicit zero padding is exported");
        var inputs = new List<string> { x, b.Initializer(path + ".weight", c.weight!) };
        if (c.bias is { } bias) inputs.Add(b.Initializer(path + ".bias", bias));
        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", c.kernel_size), Ints("strides", c.stride), Ints("dilations", c.dilation),
            Ints("pads", pad[0], pad[1], pad[0], pad[1]), Int("group", c.groups),
        };
        if (c.transposed) attributes.Add(Ints("output_padding", c.output_padding));
        return b.Node(c.transposed ? "ConvTranspose" : "Conv", path, inputs, [.. attributes]);
    }

    static nn.Module Child(nn.Module m, string name) =>
        m.named_children().FirstOrDefault(c => c.name == name).module
        ?? throw new InvalidOperationException($"{m.GetType().Name} has no child module {name}");

    static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
