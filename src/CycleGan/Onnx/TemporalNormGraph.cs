using Onnx;
using CycleGan.Networks;
using DataType = global::Onnx.TensorProto.Types.DataType;
using static CycleGan.Onnx.OnnxGraphBuilder;

namespace CycleGan.Onnx;

/// <summary>
/// The instance norms of a temporal export (<c>cyclegan export --temporal</c>; what <c>--temporal norm</c> runs in ONNX
/// Runtime), as explicit ops computing what <see cref="TemporalNorm.Normalize"/> computes. Layer K (forward order)
/// takes the statistics carried from the previous frame as inputs <c>normK.mean_in</c>, <c>normK.var_in</c>
/// (<c>[batch, C, 1, 1]</c>) and returns the new carried ones as <c>normK.mean_out</c>, <c>normK.var_out</c>. The
/// scalar input <c>momentum</c> weighs the carried statistics (0 on a clip's first frame: the frame's own); the bool
/// scalar output <c>cut</c> is the first layer's scene-cut test; at a cut every layer takes the frame's own statistics.
/// </summary>
public sealed class TemporalNormGraph
{
    public const string MomentumName = "momentum", CutName = "cut";
    public const string MeanIn = ".mean_in", VarIn = ".var_in", MeanOut = ".mean_out", VarOut = ".var_out";

    readonly OnnxGraphBuilder _b;
    readonly int _opset;
    string? _cut, _take;

    internal TemporalNormGraph(OnnxGraphBuilder b, int opset)
    {
        _b = b;
        _opset = opset;
    }

    /// <summary>Instance norms emitted so far.</summary>
    public int Layers { get; private set; }

    /// <summary>The layer at <paramref name="path"/> applied to <paramref name="x"/>; returns its output.</summary>
    internal string Emit(string path, string x, long channels)
    {
        var layer = $"norm{Layers++}";
        if (Layers == 1) _b.Graph.Input.Add(Scalar(MomentumName, DataType.Float, "weight of the carried statistics"));
        foreach (var name in new[] { layer + MeanIn, layer + VarIn })
            _b.Graph.Input.Add(Statistics(name, channels, path));
        var eps = _b.Constant("temporal.eps", [(float)InstanceNorm.Eps], []);
        var mean = ReduceMean(path + ".mean", x, keep: true, 2, 3);
        var centered = _b.Node("Sub", path + ".centered", [x, mean]);
        var squared = _b.Node("Mul", path + ".squared", [centered, centered]);
        var variance = ReduceMean(path + ".var", squared, keep: true, 2, 3);
        _cut ??= Cut(path, mean, layer + MeanIn, layer + VarIn, eps);
        _take ??= _b.Node("Sub", "temporal.take", [_b.Constant("temporal.one", [1f], []), MomentumName]);
        var carriedMean = Carry(path + ".mean", mean, layer + MeanIn, layer + MeanOut, channels);
        var carriedVar = Carry(path + ".var", variance, layer + VarIn, layer + VarOut, channels);
        var std = _b.Node("Sqrt", path + ".std", [_b.Node("Add", path + ".var_eps", [carriedVar, eps])]);
        return _b.Node("Div", path, [_b.Node("Sub", path + ".sub", [x, carriedMean]), std]);
    }

    /// <summary>TemporalNorm's test: the channel means moved more than the threshold, in carried std units.</summary>
    string Cut(string path, string mean, string meanIn, string varIn, string eps)
    {
        var std = _b.Node("Sqrt", path + ".carried_std", [_b.Node("Add", path + ".carried_var_eps", [varIn, eps])]);
        var moved = _b.Node("Abs", path + ".moved", [_b.Node("Sub", path + ".shift", [mean, meanIn])]);
        var jump = ReduceMean(path + ".jump", _b.Node("Div", path + ".moved_std", [moved, std]), keep: false);
        var threshold = _b.Constant("temporal.cut_threshold", [(float)TemporalNorm.CutThreshold], []);
        var cut = _b.Node("Greater", CutName, [jump, threshold]);
        _b.Graph.Output.Add(Scalar(CutName, DataType.Bool, "the first layer's statistics jumped: a scene cut"));
        return cut;
    }

    /// <summary>momentum · carried + (1 − momentum) · own, or own at a cut; also a graph output.</summary>
    string Carry(string path, string own, string carriedIn, string carriedOut, long channels)
    {
        var kept = _b.Node("Mul", path + ".kept", [carriedIn, MomentumName]);
        var taken = _b.Node("Mul", path + ".taken", [own, _take!]);
        var blended = _b.Node("Add", path + ".blended", [kept, taken]);
        _b.Node("Where", carriedOut, [_cut!, own, blended]);
        _b.Graph.Output.Add(Statistics(carriedOut, channels, path));
        return carriedOut;
    }

    /// <summary>ReduceMean over <paramref name="axes"/> (all when none); axes became an input in opset 18.</summary>
    string ReduceMean(string name, string x, bool keep, params long[] axes)
    {
        var keepdims = Int("keepdims", keep ? 1 : 0);
        if (axes.Length == 0) return _b.Node("ReduceMean", name, [x], keepdims);
        return _opset >= 18
            ? _b.Node("ReduceMean", name, [x, _b.Constant($"axes_{string.Join('_', axes)}", axes)], keepdims)
            : _b.Node("ReduceMean", name, [x], Ints("axes", axes), keepdims);
    }

    static ValueInfoProto Statistics(string name, long channels, string layer)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = channels });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor }, DocString = layer };
    }

    static ValueInfoProto Scalar(string name, DataType type, string doc)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor }, DocString = doc };
    }
}
