using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// The small problem <see cref="ConvKernels"/> checks a configuration on: a batch of two inputs giving about a 6×6
/// output, in the configuration's dtype and memory layout, with values from a generator of its own (no draw from the global
/// random generator, so the check never changes a seeded run), and the float64 answer for output and gradients (computed without any
/// convolution kernel).
/// </summary>
sealed class KernelProbe
{
    const int Batch = 2, OutputSize = 6;

    const ulong Seed = 20261201;

    readonly ConvConfig _c;
    readonly Generator _random = new(Seed);
    readonly Tensor _x, _w, _b, _g;
    readonly Tensor _y64, _dx64, _dw64, _db64;

    public KernelProbe(ConvConfig c)
    {
        _c = c;
        long h = InputSize(c.Transposed, c.KernelH, c.StrideH, c.PadH, c.OutPadH, c.DilationH);
        long w = InputSize(c.Transposed, c.KernelW, c.StrideW, c.PadW, c.OutPadW, c.DilationW);
        long[] weight = c.Transposed
            ? [c.InChannels, c.OutChannels / c.Groups, c.KernelH, c.KernelW]
            : [c.OutChannels, c.InChannels / c.Groups, c.KernelH, c.KernelW];
        _x = Layout(Values([Batch, c.InChannels, h, w]).to(c.DType));
        _w = Layout(Values(weight).to(c.DType));
        _b = Values([c.OutChannels]).to(c.DType);
        // only the answers outlive this scope: the float64 copies of input and weight go (the U-Net's 1024→512 4×4
        // layer has 8 M weights, and every copy of them shows in the process's peak memory)
        using (var scope = NewDisposeScope())
        {
            var (x64, w64, b64) = Leaves(ScalarType.Float64);
            var y64 = Reference(x64, w64, c.Bias ? b64 : null);
            _g = Values(y64.shape).to(c.DType).MoveToOuterDisposeScope();
            y64.backward([_g.to(ScalarType.Float64)]);
            _y64 = y64.detach().MoveToOuterDisposeScope();
            _dx64 = x64.grad!.MoveToOuterDisposeScope();
            _dw64 = w64.grad!.MoveToOuterDisposeScope();
            _db64 = (b64.grad ?? zeros(1)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Largest relative error of <paramref name="conv"/> over output and input / weight / bias gradients.</summary>
    public double Error(Func<Tensor, Tensor, Tensor?, Tensor> conv)
    {
        using var scope = NewDisposeScope(); // each route's copies and gradients are freed before the next is tried
        var (x, w, b) = Leaves(_c.DType);
        var y = conv(x, w, _c.Bias ? b : null);
        if (!y.shape.SequenceEqual(_y64.shape)) return double.PositiveInfinity;
        y.backward([_g]);
        var error = Math.Max(Relative(y, _y64), Math.Max(Relative(x.grad, _dx64), Relative(w.grad, _dw64)));
        return _c.Bias ? Math.Max(error, Relative(b.grad, _db64)) : error;
    }

    (Tensor X, Tensor W, Tensor B) Leaves(ScalarType dtype) => (
        _x.detach().to(dtype).requires_grad_(true),
        _w.detach().to(dtype).requires_grad_(true),
        _b.detach().to(dtype).requires_grad_(true));

    /// <summary>
    /// The float64 answer as im2col and a matrix product (BLAS): no convolution kernel at all, and far faster than
    /// libtorch's float64 convolutions, which dominate the check's cost for the U-Net's 1024-channel layers otherwise.
    /// </summary>
    Tensor Reference(Tensor x, Tensor w, Tensor? b) => _c.Groups == 1
        ? ConvKernels.Unfolded(_c, x, w, b)
        : _c.Transposed
            ? nn.functional.conv_transpose2d(x, w, b, [_c.StrideH, _c.StrideW], [_c.PadH, _c.PadW],
                [_c.OutPadH, _c.OutPadW], [_c.DilationH, _c.DilationW], _c.Groups)
            : nn.functional.conv2d(x, w, b, [_c.StrideH, _c.StrideW], [_c.PadH, _c.PadW],
                [_c.DilationH, _c.DilationW], _c.Groups);

    static double Relative(Tensor? value, Tensor reference)
    {
        if (value is null) return double.PositiveInfinity;
        using var difference = value.to(ScalarType.Float64, copy: true); // in place from here: one temporary, not three
        var error = difference.sub_(reference).abs_().max().item<double>();
        var scale = reference.abs().max().item<double>();
        return double.IsFinite(error) ? error / Math.Max(scale, 1e-30) : double.PositiveInfinity;
    }

    /// <summary>An input size that gives about <see cref="OutputSize"/> outputs along one axis.</summary>
    static long InputSize(bool transposed, long k, long s, long p, long op, long d)
    {
        if (transposed) return Math.Max(1, (OutputSize + 2 * p - d * (k - 1) - op - 1) / s + 1);
        return Math.Max(1, (OutputSize - 1) * s + d * (k - 1) + 1 - 2 * p);
    }

    /// <summary>Normal values from the probe's own generator, never the global one (a seeded run stays as it was).</summary>
    Tensor Values(long[] shape) => randn(shape, ScalarType.Float32, generator: _random);

    Tensor Layout(Tensor t) => _c.ChannelsLast && t.dim() == 4 ? t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : t;
}
