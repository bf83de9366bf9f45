using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>Raw little-endian bytes of contiguous CPU tensors, read and written in place (no managed copy).</summary>
static class TensorBytes
{
    /// <summary>TorchSharp exposes a tensor's memory as one <see cref="Span{T}"/>, so one tensor is limited to 2 GiB.</summary>
    public static void CheckSize(long bytes)
    {
        if (bytes > int.MaxValue) throw new CheckpointFormatException($"a tensor or storage of {bytes} bytes is larger than " +
            $"the 2 GiB this reader supports");
    }

    /// <summary>The bytes of a contiguous CPU tensor, valid while the tensor lives.</summary>
    public static ReadOnlySpan<byte> Span(Tensor t)
    {
        var n = t.numel() * t.element_size();
        if (n > int.MaxValue) throw new UserError($"a tensor of {n} bytes is too large to save (limit 2 GiB per tensor)");
        return n == 0 ? [] : t.bytes;
    }

    /// <summary>Fills a freshly allocated contiguous CPU tensor with exactly <paramref name="bytes"/> bytes read from the stream.</summary>
    public static void ReadInto(Stream s, Tensor t, long bytes)
    {
        CheckSize(bytes);
        if (bytes == 0) return;
        var span = t.bytes;
        if (span.Length != bytes) throw new CheckpointFormatException($"storage holds {span.Length} bytes, expected {bytes}");
        s.ReadExactly(span);
    }
}
