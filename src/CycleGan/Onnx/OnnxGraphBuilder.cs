using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using DataType = global::Onnx.TensorProto.Types.DataType;
using static TorchSharp.torch;

namespace CycleGan.Onnx;

/// <summary>
/// Appends nodes and initializers to an ONNX <see cref="GraphProto"/> in topological order, so every node input is a
/// graph input, an initializer or an earlier node's output. Constants shared by value (norm scales, pads) are
/// stored once.
/// </summary>
sealed class OnnxGraphBuilder
{
    readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphProto Graph { get; } = new();

    /// <summary>One node named <paramref name="name"/>, whose single output has the same name.</summary>
    public string Node(string op, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        Claim(name);
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>A float32 initializer holding a copy of <paramref name="t"/> (any device, any layout).</summary>
    public string Initializer(string name, Tensor t)
    {
        using var scope = NewDisposeScope();
        var data = t.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        return Initializer(name, DataType.Float, t.shape, MemoryMarshal.AsBytes(data.AsSpan()));
    }

    public string Constant(string name, float[] data, long[] dims) =>
        _names.Contains(name) ? name : Initializer(name, DataType.Float, dims, MemoryMarshal.AsBytes(data.AsSpan()));

    public string Constant(string name, long[] data) =>
        _names.Contains(name) ? name : Initializer(name, DataType.Int64, [data.Length], MemoryMarshal.AsBytes(data.AsSpan()));

    string Initializer(string name, DataType type, long[] dims, ReadOnlySpan<byte> littleEndian)
    {
        Claim(name);
        var proto = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        proto.Dims.AddRange(dims);
        Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>A float32 graph input or output of shape [batch, channels, height, width], three of them symbolic.</summary>
    public static ValueInfoProto ImageValue(string name, long channels)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = channels });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "height" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "width" });
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    void Claim(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX graph: the name {name} is used twice");
    }
}
