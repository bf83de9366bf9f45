using System.Collections.Concurrent;
using System.Diagnostics;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CycleGan.Networks;

/// <summary>
/// Every convolution the networks run goes through here. The first time a <see cref="ConvConfig"/> is seen it is
/// checked: forward and backward of libtorch's kernel on a small input against the same computation in float64,
/// which never goes through oneDNN. Some machines' oneDNN 3.7 computes wrong float32 convolutions where a channel
/// count is padded to its vector block (README "Correct on every CPU"); there the check takes the first
/// <see cref="ConvRoute"/> that passes the same check. Verdicts are kept for the life of the process; a configuration
/// that no route computes correctly is a <see cref="UserError"/> naming the layer, before anything is computed with it.
/// </summary>
public sealed class ConvKernels
{
    /// <summary>oneDNN's float32 channel block on AVX-512 (16 lanes); padding a channel count to it avoids the fault.</summary>
    public const int ChannelBlock = 16;

    /// <summary>
    /// Largest relative error (max |error| / max |float64 value|) a float32 kernel may have: a few times the worst
    /// correct kernel's, far below a faulty one's (figures: bench/README.md, "Parity on a faulty machine").
    /// </summary>
    public const double Fp32Tolerance = 2e-5;

    /// <summary>The same for bfloat16 (8 significant bits: rounding alone is up to 0.4 %).</summary>
    public const double Bf16Tolerance = 3e-2;

    /// <summary>The process-wide instance every <see cref="Conv"/> uses unless a <see cref="Compute"/> names another.</summary>
    public static ConvKernels Shared { get; } = new();

    // Keyed by the intra-op thread count too: oneDNN splits the work by threads, so a verdict holds for one count only.
    readonly ConcurrentDictionary<(ConvConfig Config, int Threads), KernelVerdict> _verdicts = new();
    // the forward error of the im2col route (InferenceRoute.Gemm), measured on the same probe as an inference verdict
    readonly ConcurrentDictionary<(ConvConfig Config, int Threads), double> _unfoldErrors = new();
    readonly Lock _checking = new();
    readonly KernelFault? _fault;
    bool? _faultyMachine;

    /// <summary>
    /// Shapes the oneDNN 3.7 fault hits reliably where it is present, checked once per process before anything else,
    /// so that a faulty machine is known even where a network's own shapes happen to pass.
    /// </summary>
    static readonly ConvConfig[] Canaries =
    [
        new(false, 64, 3, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, ScalarType.Float32, false),
        new(false, 512, 1, 4, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1, true, ScalarType.Float32, false),
        new(false, 3, 8, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, ScalarType.Float32, false),
        new(true, 64, 21, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, ScalarType.Float32, false),
    ];

    /// <summary>
    /// Whether this machine computes some convolution wrongly (a canary or any checked configuration failed). There,
    /// every configuration of the fault's shape class (<see cref="AtRisk"/>) takes a checked remedy even when its own
    /// check passed: the fault comes and goes with the input size and the thread count (docs/kernel-check.md), so one
    /// passing size proves little.
    /// </summary>
    public bool FaultyMachine
    {
        get
        {
            lock (_checking) return _faultyMachine ??= Canaries.Any(c => !Check(c).DirectOk);
        }
    }

    /// <summary>
    /// The shapes oneDNN pads to its 16-channel block: output channels not a multiple of 16, input channels above 16
    /// and not a multiple (in bf16 also below 16, where the check found it wrong too).
    /// </summary>
    public static bool AtRisk(ConvConfig c) => c.OutChannels % ChannelBlock != 0
        || (c.InChannels % ChannelBlock != 0 && (c.InChannels > ChannelBlock || c.DType == ScalarType.BFloat16));

    /// <param name="fault">Tests only: a wrong kernel to inject (see <see cref="KernelFault"/>).</param>
    public ConvKernels(KernelFault? fault = null) => _fault = fault;

    /// <summary>Every configuration checked so far, in no particular order.</summary>
    public IReadOnlyList<KernelVerdict> Verdicts => [.. _verdicts.Values];

    /// <summary>Total time spent checking, in milliseconds.</summary>
    public double CheckMilliseconds => _verdicts.Values.Sum(v => v.CheckMilliseconds);

    public Tensor Conv2d(Tensor x, Tensor w, Tensor? b, long[]? stride = null, long[]? padding = null,
        long[]? dilation = null, long groups = 1, string? layer = null)
    {
        var c = ConvConfig.Of(false, x, w, b, stride ?? [1, 1], padding ?? [0, 0], [0, 0], dilation ?? [1, 1], groups);
        return Run(Route(c, layer, is_grad_enabled()), c, x, w, b);
    }

    /// <summary>
    /// The convolution <paramref name="c"/> describes (the key of these tensors), by its checked route; with gradients
    /// off (inference) a forward-only verdict does, with them on the backward is checked too before the first use.
    /// </summary>
    public Tensor Run(ConvConfig c, Tensor x, Tensor w, Tensor? b, string? layer = null) =>
        Run(Route(c, layer, is_grad_enabled()), c, x, w, b);

    /// <summary>
    /// The verdict for <paramref name="c"/> at the current thread count, checking it on first use. With
    /// <paramref name="gradients"/> false only the forward is checked (a run that never trains); a later call that
    /// needs the gradients checks them then.
    /// </summary>
    public KernelVerdict Check(ConvConfig c, bool gradients = true)
    {
        var key = (c, get_num_threads());
        if (_verdicts.TryGetValue(key, out var v) && (v.Gradients || !gradients)) return v;
        lock (_checking)
        {
            if (_verdicts.TryGetValue(key, out v) && (v.Gradients || !gradients)) return v;
            v = Measure(c, key.Item2, precaution: false, gradients);
            if (!v.DirectOk) _faultyMachine = true;
            if (v.Route == ConvRoute.Direct && AtRisk(c) && !Canaries.Contains(c) && FaultyMachine
                && Measure(c, key.Item2, precaution: true, gradients) is { Ok: true } safer)
                v = safer;
            return _verdicts[key] = v;
        }
    }

    /// <summary>
    /// Checks <paramref name="c"/> (the forward alone unless <paramref name="gradients"/>) and throws the one-line error
    /// when nothing computes it correctly.
    /// </summary>
    public ConvRoute Route(ConvConfig c, string? layer, bool gradients = true)
    {
        var v = Check(c, gradients);
        return v.Ok ? v.Route : throw new UserError(Failure(v, layer));
    }

    /// <summary>
    /// Whether the im2col route (<see cref="ConvRoute.Unfold"/>) computes the forward of <paramref name="c"/> correctly
    /// at the current thread count, so that inference may take it (<see cref="InferenceRoute.Gemm"/>). Measured on the
    /// probe of the forward-only check where that ran, on a probe of its own otherwise.
    /// </summary>
    public bool UnfoldPasses(ConvConfig c)
    {
        if (c.Groups != 1) return false;
        var key = (c, get_num_threads());
        if (!_unfoldErrors.TryGetValue(key, out var error))
            lock (_checking)
            {
                if (!_unfoldErrors.TryGetValue(key, out error))
                {
                    using var scope = NewDisposeScope();
                    using var grad = enable_grad();
                    error = _unfoldErrors[key] = new KernelProbe(c, gradients: false)
                        .Error((x, w, b) => Run(ConvRoute.Unfold, c, x, w, b));
                }
            }
        return error <= (c.DType == ScalarType.BFloat16 ? Bf16Tolerance : Fp32Tolerance);
    }

    public static string Failure(KernelVerdict v, string? layer) =>
        $"no kernel computes {(layer is null ? "" : $"layer {layer}, ")}{v.Config} correctly on this machine " +
        $"(libtorch's: max rel. error {v.DirectError:G3}; best remedy {v.Route}: {v.RouteError:G3}, allowed " +
        $"{v.Tolerance:G2}); nothing was computed with it; `cyclegan doctor` shows the whole check";

    /// <summary>The remedies worth trying for <paramref name="c"/>, cheapest first.</summary>
    public static IEnumerable<ConvRoute> Remedies(ConvConfig c)
    {
        if (c.Groups == 1)
        {
            bool outOff = c.OutChannels % ChannelBlock != 0, inOff = c.InChannels % ChannelBlock != 0;
            if (outOff) yield return ConvRoute.PadOutput;
            if (inOff) yield return ConvRoute.PadInput;
            if (outOff && inOff) yield return ConvRoute.PadBoth;
            yield return ConvRoute.Unfold;
        }
        yield return ConvRoute.Float64;
    }

    /// <summary>
    /// One line for users when the check replaced libtorch's kernel somewhere (null when it did not): how many
    /// configurations, by which remedies.
    /// </summary>
    public string? RemedySummary()
    {
        var all = Verdicts;
        var remedied = all.Where(v => v.Route != ConvRoute.Direct).ToList();
        if (remedied.Count == 0) return null;
        var routes = string.Join(", ", remedied.GroupBy(v => v.Route).Select(g => $"{g.Key} ×{g.Count()}"));
        return $"convolution kernel check: {all.Count(v => !v.DirectOk)} of {all.Count} configurations compute wrongly in " +
            $"libtorch on this CPU; {remedied.Count} at-risk ones run by a checked remedy instead ({routes}; " +
            $"{CheckMilliseconds / 1000:F1} s); see `cyclegan doctor`";
    }

    /// <summary>Computes the convolution <paramref name="c"/> describes by <paramref name="route"/> (autograd-aware).</summary>
    public Tensor Run(ConvRoute route, ConvConfig c, Tensor x, Tensor w, Tensor? b) => route switch
    {
        ConvRoute.Direct => Direct(c, x, w, b),
        ConvRoute.PadOutput => Padded(c, x, w, b, padOut: true, padIn: false),
        ConvRoute.PadInput => Padded(c, x, w, b, padOut: false, padIn: true),
        ConvRoute.PadBoth => Padded(c, x, w, b, padOut: true, padIn: true),
        ConvRoute.Unfold => _fault is { UnfoldOnly: true } f && f.Where(c) ? Unfolded(c, x, w, b).Times(1.25) : Spoiled(Unfolded(c, x, w, b)),
        ConvRoute.Float64 => Spoiled(Libtorch(c, x.to(ScalarType.Float64), w.to(ScalarType.Float64),
            b?.to(ScalarType.Float64)).to(x.dtype)),
        _ => throw new ArgumentOutOfRangeException(nameof(route)),
    };

    static Tensor Libtorch(ConvConfig c, Tensor x, Tensor w, Tensor? b)
    {
        var g = Geometries.GetOrAdd(c, k => new Geometry(k));
        return c.Transposed
            ? F.conv_transpose2d(x, w, b, g.Stride, g.Padding, g.OutputPadding, g.Dilation, c.Groups)
            : F.conv2d(x, w, b, g.Stride, g.Padding, g.Dilation, c.Groups);
    }

    /// <summary>The argument arrays of a configuration, made once (no allocation per call).</summary>
    sealed class Geometry(ConvConfig c)
    {
        public readonly long[] Stride = [c.StrideH, c.StrideW], Padding = [c.PadH, c.PadW],
            OutputPadding = [c.OutPadH, c.OutPadW], Dilation = [c.DilationH, c.DilationW];
    }

    static readonly ConcurrentDictionary<ConvConfig, Geometry> Geometries = new();

    /// <summary>libtorch's kernel on exactly these tensors (with the injected fault, if any, where it applies).</summary>
    Tensor Direct(ConvConfig c, Tensor x, Tensor w, Tensor? b)
    {
        if (_fault is null or { UnfoldOnly: true }) return Libtorch(c, x, w, b);
        var actual = ConvConfig.Of(c.Transposed, x, w, b, [c.StrideH, c.StrideW], [c.PadH, c.PadW],
            [c.OutPadH, c.OutPadW], [c.DilationH, c.DilationW], c.Groups);
        if (!_fault.Where(actual)) return Libtorch(c, x, w, b);
        if (!_fault.InputGradientOnly) return Libtorch(c, x, w, b).Times(1.25);
        var extra = x.Times(0.25); // same value, input gradient 1.25× (the weight gradient sees x's value, unchanged)
        return Libtorch(c, x.add(extra - extra.detach(), Scalars.One), w, b);
    }

    Tensor Spoiled(Tensor y) => _fault is { AllRoutes: true } ? y.Times(1.25) : y;

    static long ToBlock(long channels) => (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;

    Tensor Padded(ConvConfig c, Tensor x, Tensor w, Tensor? b, bool padOut, bool padIn)
    {
        long po = padOut ? ToBlock(c.OutChannels) - c.OutChannels : 0, pi = padIn ? ToBlock(c.InChannels) - c.InChannels : 0;
        if (pi > 0) x = F.pad(x, [0, 0, 0, 0, 0, pi]);
        // F.pad lists the last dimension first: conv weights are out×in×kH×kW, transposed ones in×out×kH×kW
        w = F.pad(w, c.Transposed ? [0, 0, 0, 0, 0, po, 0, pi] : [0, 0, 0, 0, 0, pi, 0, po]);
        if (b is not null && po > 0) b = F.pad(b, [0, po]);
        var y = Direct(c, x, w, b);
        return po > 0 ? y.narrow(1, 0, c.OutChannels) : y;
    }

    /// <summary>The convolution as unfold / fold and a matrix product; groups 1 only.</summary>
    internal static Tensor Unfolded(ConvConfig c, Tensor x, Tensor w, Tensor? b)
    {
        long n = x.shape[0], h = x.shape[2], wd = x.shape[3];
        (long, long) k = (c.KernelH, c.KernelW), d = (c.DilationH, c.DilationW), p = (c.PadH, c.PadW), s = (c.StrideH, c.StrideW);
        Tensor y;
        // the batch goes into the matrix product's columns, so the weight is used as it is, never broadcast per image
        if (!c.Transposed)
        {
            long oh = (h + 2 * c.PadH - c.DilationH * (c.KernelH - 1) - 1) / c.StrideH + 1;
            long ow = (wd + 2 * c.PadW - c.DilationW * (c.KernelW - 1) - 1) / c.StrideW + 1;
            var cols = F.unfold(x, k, d, p, s).permute(1, 0, 2).reshape(-1, n * oh * ow); // in·kH·kW × n·oh·ow
            y = w.reshape(c.OutChannels, -1).mm(cols).view(c.OutChannels, n, oh, ow).permute(1, 0, 2, 3);
        }
        else
        {
            long oh = (h - 1) * c.StrideH - 2 * c.PadH + c.DilationH * (c.KernelH - 1) + c.OutPadH + 1;
            long ow = (wd - 1) * c.StrideW - 2 * c.PadW + c.DilationW * (c.KernelW - 1) + c.OutPadW + 1;
            var xs = x.permute(1, 0, 2, 3).reshape(c.InChannels, n * h * wd);
            var cols = w.reshape(c.InChannels, -1).t().mm(xs).view(-1, n, h * wd).permute(1, 0, 2); // n × out·kH·kW × h·w
            y = F.fold(cols, (oh, ow), k, d, p, s);
        }
        return b is null ? y : y.add(b.view(1, -1, 1, 1), Scalars.One);
    }

    /// <param name="precaution">Skip libtorch's kernel even if it passes (see <see cref="FaultyMachine"/>).</param>
    /// <param name="gradients">Check the backward too (false: the forward alone).</param>
    KernelVerdict Measure(ConvConfig c, int threads, bool precaution, bool gradients)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        var tolerance = c.DType == ScalarType.BFloat16 ? Bf16Tolerance : Fp32Tolerance;
        var probe = new KernelProbe(c, gradients);
        var direct = probe.Error((x, w, b) => Run(ConvRoute.Direct, c, x, w, b));
        // a network that only infers may also take the im2col route (InferenceRoutes): checked here on the same probe
        if (!gradients && c.Groups == 1)
            _unfoldErrors[(c, threads)] = probe.Error((x, w, b) => Run(ConvRoute.Unfold, c, x, w, b));
        var (route, error) = (ConvRoute.Direct, direct);
        if (precaution || !(direct <= tolerance))
        {
            (route, error) = (ConvRoute.Float64, double.PositiveInfinity);
            foreach (var r in Remedies(c))
            {
                var e = probe.Error((x, w, b) => Run(r, c, x, w, b));
                if (e <= tolerance) { (route, error) = (r, e); break; }
                if (!(e >= error)) (route, error) = (r, e);
            }
        }
        return new KernelVerdict(c, threads, direct, route, error, tolerance, clock.Elapsed.TotalMilliseconds, precaution,
            gradients);
    }
}
