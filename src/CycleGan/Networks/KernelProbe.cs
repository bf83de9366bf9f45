using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// The small problem <see cref="ConvKernels"/> checks a configuration on: a batch of two inputs giving about a 6×6
/// output, in the configuration's dtype and memory layout, with values from a generator of its own (no draw from the
/// global random generator, so the check never changes a seeded run), and the answer for the output and, where the run
/// trains, the gradients: computed in float64 without any convolution kernel, then kept in float32.
/// </summary>
sealed class KernelProbe
{
    const int Batch = 2, OutputSize = 6;

    const ulong Seed = 20261201;

    /// <summary>
    /// The float64 reference takes the weight this many elements (4 MiB) at a time, a slice of output channels: a
    /// float64 copy of a whole 1024→512 4×4 weight (64 MiB, and as much again for its gradient) set the process's peak.
    /// </summary>
    const long ChunkElements = 1 << 19;

    readonly ConvConfig _c;
    readonly Generator _random = new(Seed);
    readonly Tensor _x, _w, _b;
    readonly Tensor? _g;
    readonly Answer _y;
    readonly Answer? _dx, _dw, _db;

    /// <summary>A float64 result rounded to float32 (relative error ≤ 6e-8, far below any tolerance) and its max |value|.</summary>
    sealed record Answer(Tensor Value, double Scale)
    {
        public static Answer Of(Tensor value) =>
            new(value, Math.Max(value.max().item<float>(), -value.min().item<float>()));
    }

    /// <param name="gradients">Also check the input, weight and bias gradients (false: the forward alone, inference).</param>
    public KernelProbe(ConvConfig c, bool gradients)
    {
        _c = c;
        long h = InputSize(c.Transposed, c.KernelH, c.StrideH, c.PadH, c.OutPadH, c.DilationH);
        long w = InputSize(c.Transposed, c.KernelW, c.StrideW, c.PadW, c.OutPadW, c.DilationW);
        long oh = OutputLength(c.Transposed, h, c.KernelH, c.StrideH, c.PadH, c.OutPadH, c.DilationH);
        long ow = OutputLength(c.Transposed, w, c.KernelW, c.StrideW, c.PadW, c.OutPadW, c.DilationW);
        long[] weight = c.Transposed
            ? [c.InChannels, c.OutChannels / c.Groups, c.KernelH, c.KernelW]
            : [c.OutChannels, c.InChannels / c.Groups, c.KernelH, c.KernelW];
        _x = Values([Batch, c.InChannels, h, w], laidOut: true);
        _w = Values(weight, laidOut: true);
        _b = Values([c.OutChannels], laidOut: false);
        _g = gradients ? Values([Batch, c.OutChannels, oh, ow], laidOut: false) : null;

        var y = empty([Batch, c.OutChannels, oh, ow], ScalarType.Float32);
        var dw = gradients ? empty(weight, ScalarType.Float32) : null;
        var db = gradients && c.Bias ? empty(c.OutChannels, ScalarType.Float32) : null;
        Tensor? dx = null;
        using (var scope = NewDisposeScope())
        {
            var x64 = _x.detach().to(ScalarType.Float64).requires_grad_(gradients);
            var g64 = _g?.to(ScalarType.Float64);
            // output channels are independent: each slice's float64 weight and graph go before the next is made
            long step = c.Groups == 1 ? Math.Max(1, ChunkElements / (c.InChannels * c.KernelH * c.KernelW)) : c.OutChannels;
            int dim = c.Transposed ? 1 : 0;
            for (long o = 0; o < c.OutChannels; o += step)
            {
                using var slice = NewDisposeScope();
                long n = Math.Min(step, c.OutChannels - o);
                var part = n == c.OutChannels ? _w.detach() : _w.narrow(dim, o, n); // never _w itself: it stays a plain leaf
                var w64 = part.to(ScalarType.Float64).requires_grad_(gradients);
                var b64 = c.Bias ? _b.narrow(0, o, n).to(ScalarType.Float64).requires_grad_(gradients) : null;
                var y64 = Reference(c with { OutChannels = n }, x64, w64, b64);
                y.narrow(1, o, n).copy_(y64.detach());
                if (g64 is null) continue;
                y64.backward([g64.narrow(1, o, n)]); // x64's gradient sums over the slices
                // a whole grouped transposed weight ([C, 1, k, k]) has no slice of C along its output dimension
                (n == c.OutChannels ? dw! : dw!.narrow(dim, o, n)).copy_(w64.grad!);
                db?.narrow(0, o, n).copy_(b64!.grad!);
            }
            if (gradients) dx = x64.grad!.to(ScalarType.Float32).MoveToOuterDisposeScope();
        }
        _y = Answer.Of(y);
        if (dx is not null) _dx = Answer.Of(dx);
        if (dw is not null) _dw = Answer.Of(dw);
        if (db is not null) _db = Answer.Of(db);
    }

    /// <summary>
    /// Largest relative error of <paramref name="conv"/> over the output and, where the probe has them, the input /
    /// weight / bias gradients.
    /// </summary>
    public double Error(Func<Tensor, Tensor, Tensor?, Tensor> conv)
    {
        using var scope = NewDisposeScope(); // each route's copies and gradients are freed before the next is tried
        var (x, w, b) = (_x.detach().requires_grad_(true), _w.detach().requires_grad_(true), _b.detach().requires_grad_(true));
        var y = conv(x, w, _c.Bias ? b : null);
        if (!y.shape.SequenceEqual(_y.Value.shape)) return double.PositiveInfinity;
        var error = Relative(y.detach(), _y, inPlace: false);
        if (_g is null) return error;
        y.backward([_g]);
        // the gradients are this route's own and compared once: compared in place, no weight-sized temporary
        error = Math.Max(error, Math.Max(Relative(x.grad, _dx!, inPlace: true), Relative(w.grad, _dw!, inPlace: true)));
        return _db is null ? error : Math.Max(error, Relative(b.grad, _db, inPlace: true));
    }

    /// <summary>
    /// The float64 answer as im2col and a matrix product (BLAS): no convolution kernel at all, and far faster than
    /// libtorch's float64 convolutions, which dominate the check's cost for the U-Net's 1024-channel layers otherwise.
    /// </summary>
    static Tensor Reference(ConvConfig c, Tensor x, Tensor w, Tensor? b) => c.Groups == 1
        ? ConvKernels.Unfolded(c, x, w, b)
        : c.Transposed
            ? nn.functional.conv_transpose2d(x, w, b, [c.StrideH, c.StrideW], [c.PadH, c.PadW],
                [c.OutPadH, c.OutPadW], [c.DilationH, c.DilationW], c.Groups)
            : nn.functional.conv2d(x, w, b, [c.StrideH, c.StrideW], [c.PadH, c.PadW],
                [c.DilationH, c.DilationW], c.Groups);

    static double Relative(Tensor? value, Answer reference, bool inPlace)
    {
        if (value is null) return double.PositiveInfinity;
        // float32 holds a bf16 value exactly; a float32 difference of two close numbers is exact to 6e-8 of itself
        using var difference = value.to(ScalarType.Float32, copy: !inPlace);
        double error = difference.sub_(reference.Value).abs_().max().item<float>();
        return double.IsFinite(error) ? error / Math.Max(reference.Scale, 1e-30) : double.PositiveInfinity;
    }

    /// <summary>An input size that gives about <see cref="OutputSize"/> outputs along one axis.</summary>
    static long InputSize(bool transposed, long k, long s, long p, long op, long d)
    {
        if (transposed) return Math.Max(1, (OutputSize + 2 * p - d * (k - 1) - op - 1) / s + 1);
        return Math.Max(1, (OutputSize - 1) * s + d * (k - 1) + 1 - 2 * p);
    }

    /// <summary>The output length along one axis for an input of <paramref name="n"/>, as libtorch computes it.</summary>
    static long OutputLength(bool transposed, long n, long k, long s, long p, long op, long d) => transposed
        ? (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        : (n + 2 * p - d * (k - 1) - 1) / s + 1;

    /// <summary>
    /// Normal values from the probe's own generator, never the global one (a seeded run stays as it was), in the
    /// configuration's dtype and, where <paramref name="laidOut"/>, memory layout: channels-last ones are drawn in
    /// NHWC order and only viewed as NCHW (no copy: a weight-sized allocation costs more than the draw on this VM).
    /// </summary>
    Tensor Values(long[] shape, bool laidOut)
    {
        bool nhwc = laidOut && _c.ChannelsLast && shape.Length == 4;
        using var values = randn(nhwc ? [shape[0], shape[2], shape[3], shape[1]] : shape, ScalarType.Float32,
            generator: _random);
        using var typed = values.to(_c.DType);
        return nhwc ? typed.permute(0, 3, 1, 2) : typed.detach();
    }
}
