using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>The element types checkpoints may hold, with their PyTorch storage class and safetensors names.</summary>
static class DTypes
{
    static readonly (ScalarType Type, string Storage, string SafeTensors, int Size)[] Table =
    [
        (ScalarType.Float32, "FloatStorage", "F32", 4),
        (ScalarType.Float64, "DoubleStorage", "F64", 8),
        (ScalarType.Float16, "HalfStorage", "F16", 2),
        (ScalarType.BFloat16, "BFloat16Storage", "BF16", 2),
        (ScalarType.Int64, "LongStorage", "I64", 8),
        (ScalarType.Int32, "IntStorage", "I32", 4),
        (ScalarType.Int16, "ShortStorage", "I16", 2),
        (ScalarType.Int8, "CharStorage", "I8", 1),
        (ScalarType.Byte, "ByteStorage", "U8", 1),
        (ScalarType.Bool, "BoolStorage", "BOOL", 1),
    ];

    public static bool TryFromStorageName(string name, out ScalarType type)
    {
        foreach (var e in Table)
            if (e.Storage == name) { type = e.Type; return true; }
        type = default;
        return false;
    }

    public static bool TryFromSafeTensors(string name, out ScalarType type)
    {
        foreach (var e in Table)
            if (e.SafeTensors == name) { type = e.Type; return true; }
        type = default;
        return false;
    }

    public static string StorageName(ScalarType type) => Find(type).Storage;

    public static string SafeTensorsName(ScalarType type) => Find(type).SafeTensors;

    public static int ElementSize(ScalarType type) => Find(type).Size;

    static (ScalarType Type, string Storage, string SafeTensors, int Size) Find(ScalarType type)
    {
        foreach (var e in Table)
            if (e.Type == type) return e;
        throw new UserError($"cannot save tensors of type {type}: checkpoints hold float32/64, float16, bfloat16, " +
            $"int64/32/16/8, uint8 and bool");
    }
}
