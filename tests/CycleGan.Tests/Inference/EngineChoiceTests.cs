using CycleGan.Data;
using CycleGan.Inference;
using CycleGan.Networks;
using TorchSharp;
using CycleGan.Options;
using CycleGan.Tests.Cli;
using CycleGan.Tests.Data;
using CycleGan.Tests.Onnx;
using static TorchSharp.torch;

namespace CycleGan.Tests.Inference;

/// <summary>`--engine auto|torch|onnxruntime` and `--precision auto`: which engine runs, checked and remembered.</summary>
public sealed class EngineChoiceTests(ExportedGenerator gen) : IClassFixture<ExportedGenerator>, IDisposable
{
    readonly TempDir _tmp = TestPaths.NewTempDir("engine-choice");

    public void Dispose() => _tmp.Dispose();

    TranslateOptions Options(string engine) => new()
    {
        Checkpoint = gen.Checkpoint, NetG = "resnet_6blocks", Ngf = 4, Eval = true, Engine = engine,
    };

    /// <summary>Fixed timings: TorchSharp <paramref name="torch"/> s, ONNX Runtime <paramref name="onnx"/> s.</summary>
    static Func<IImageGenerator, Tensor, double> Timings(double torch, double onnx) =>
        (g, _) => g is TorchGenerator ? torch : onnx;

    /// <summary>An ONNX Runtime engine whose every output is off by 0.1 (about 13 levels), as a faulty kernel would be.</summary>
    sealed class Faulty(IImageGenerator inner) : IImageGenerator
    {
        static readonly TorchSharp.Scalar Tenth = 0.1.ToScalar();

        public int InputChannels => inner.InputChannels;
        public int SizeMultiple => inner.SizeMultiple;
        public Tensor Forward(Tensor input) => inner.Forward(input).add(Tenth);
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void Auto_runs_the_engine_that_was_faster_on_the_probe_and_remembers_it_without_measuring_again()
    {
        var cache = _tmp["cache/engines.json"];
        using (var g = new EngineChoice { CachePath = cache, Time = Timings(torch: 2.0, onnx: 1.0) }.Open(Options("auto")))
            Assert.IsType<OnnxRuntimeGenerator>(g);
        Assert.True(File.Exists(cache));
        var again = new EngineChoice { CachePath = cache, Time = (_, _) => throw new InvalidOperationException("measured again") };
        using (var g = again.Open(Options("auto"))) Assert.IsType<OnnxRuntimeGenerator>(g);
        Assert.False(again.Last!.Measured);
        Assert.Contains("ONNX Runtime 1.000 s", again.Last.Reason);

        var slower = new EngineChoice { CachePath = _tmp["other/engines.json"], Time = Timings(torch: 1.0, onnx: 2.0) };
        using (var g = slower.Open(Options("auto"))) Assert.IsType<TorchGenerator>(g);
        Assert.True(slower.Last!.Measured);
    }

    [Fact]
    public void Auto_keeps_TorchSharp_when_onnx_runtime_disagrees_with_the_checked_output_on_the_probe_however_fast()
    {
        var choice = new EngineChoice
        {
            CachePath = _tmp["faulty/engines.json"], Time = Timings(torch: 10, onnx: 0.1),
            OpenOnnx = (model, opt) => new Faulty(new EngineChoice().OpenOnnx(model, opt)),
        };
        using var g = choice.Open(Options("auto"));
        Assert.IsType<TorchGenerator>(g);
        Assert.Contains("differs from the checked TorchSharp output", choice.Last!.Reason);
    }

    [Fact]
    public void Engine_onnxruntime_translates_a_checkpoint_to_the_pixels_of_engine_torch_within_1_level()
    {
        ImageFile.SavePng(TestImages.Pattern(40, 36, 3), _tmp["x.png"]);
        string[] common = ["translate", "--checkpoint", gen.Checkpoint, "--netG", "resnet_6blocks", "--ngf", "4", "--eval",
            "--input", _tmp["x.png"]];
        CliRunner.MustSucceed([.. common, "--output", _tmp["ort"], "--engine", "onnxruntime"]);
        CliRunner.MustSucceed([.. common, "--output", _tmp["torch"], "--engine", "torch"]);
        var (a, b) = (ImageFile.LoadRgb(_tmp["ort/x.png"]), ImageFile.LoadRgb(_tmp["torch/x.png"]));
        Assert.Equal((40, 36), (a.Width, a.Height));
        Assert.True(a.Pixels.Zip(b.Pixels, (x, y) => Math.Abs(x - y)).Max() <= 1);
        var r = CliRunner.Run([.. common, "--output", _tmp["bad"], "--engine", "tensorrt"]);
        Assert.Equal(2, r.ExitCode);
        // --precision auto is accepted wherever --precision is, and resolves to this machine's choice.
        CliRunner.MustSucceed([.. common, "--output", _tmp["auto"], "--precision", "auto"]);
        Assert.True(File.Exists(_tmp["auto/x.png"]));
        Assert.Contains(PrecisionChoice.Resolve("auto"), new[] { "fp32", "bf16" });
    }

    [Theory]
    [InlineData(true, 1.0, 0.80, "bf16")]   // faster by 20 %
    [InlineData(true, 1.0, 0.95, "fp32")]   // within the 10 % that timing noise and rounding are not worth
    [InlineData(true, 1.0, 1.50, "fp32")]   // slower (emulated, or no fast path)
    [InlineData(false, 1.0, 0.10, "fp32")]  // no bfloat16 instructions: never, whatever a timing says
    public void Precision_auto_takes_bf16_only_where_the_cpu_has_it_and_it_is_at_least_10_percent_faster(
        bool cpuHasBf16, double fp32, double bf16, string expected) =>
        Assert.Equal(expected, PrecisionChoice.Decide(cpuHasBf16, fp32, bf16));
}
