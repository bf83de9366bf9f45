using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Inference;
using CycleGan.Networks;
using CycleGan.Onnx;
using CycleGan.Options;
using CycleGan.Tests.Cli;
using CycleGan.Tests.Data;
using CycleGan.Tests.Video;
using CycleGan.Video;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace CycleGan.Tests.Onnx;

/// <summary>`--temporal norm` in ONNX Runtime: a temporal export computes what TemporalNorm computes in TorchSharp.</summary>
public class TemporalOnnxTests(ExportedGenerator gen) : IClassFixture<ExportedGenerator>
{
    const double Tolerance = 1e-4;
    const string NetG = "resnet_6blocks";

    static float MaxDiff(Tensor a, Tensor b) => a.sub(b).abs().max().item<float>();

    static byte[] Bytes(ModelProto model) => model.ToByteArray();

    static ModelProto Export(nn.Module<Tensor, Tensor> g, bool temporal, int opset = OnnxExporter.DefaultOpset) =>
        OnnxExporter.Build(g, OnnxExporterTests.Metadata(NetG, "instance"), opset, temporal);

    /// <summary>Six 32 px frames: a dark textured scene panning, then a cut to a bright, smoother one panning.</summary>
    static List<Tensor> ClipWithCut()
    {
        manual_seed(3);
        var dark = rand(1, 3, 32, 32).mul(0.6).sub(0.9);
        var bright = rand(1, 3, 32, 32).mul(0.2).add(linspace(0, 1, 32).view(1, 1, 1, 32).mul(0.6)).add(0.1);
        return [.. Enumerable.Range(0, 3).Select(t => dark.roll(t, 3)), .. Enumerable.Range(0, 3).Select(t => bright.roll(t, 3))];
    }

    [Theory]
    [InlineData(11)] // ReduceMean's axes an attribute
    [InlineData(18)] // ReduceMean's axes an input
    public void OnnxRuntime_temporal_norm_equals_TorchSharp_within_1e_4_and_finds_the_scene_cut_at_the_same_frame(int opset)
    {
        using var scope = NewDisposeScope();
        using var g = OnnxExporterTests.RandomGenerator(NetG, "instance", dropout: false);
        var frames = ClipWithCut();
        using var plain = OnnxGenerator.Load(Bytes(Export(g, temporal: false)));
        var perFrame = frames.Select(plain.Forward).ToList();
        using var ort = new TemporalOnnxGenerator(OnnxGenerator.Load(Bytes(Export(g, temporal: true, opset))), 0.9);
        using var temporal = new TemporalNorm(0.9);
        foreach (var m in g.modules().OfType<InstanceNorm>()) m.Temporal = temporal;
        using var _ = no_grad();
        var (torchCuts, ortCuts) = (new List<int>(), new List<int>());
        for (int clip = 0; clip < 2; clip++)
        {
            ort.BeginClip();
            temporal.Reset();
            for (int i = 0; i < frames.Count; i++)
            {
                temporal.NextFrame();
                var (viaTorch, viaOrt) = (g.forward(frames[i]), ort.Forward(frames[i]));
                Assert.True(MaxDiff(viaTorch, viaOrt) <= Tolerance, $"frame {i}: {MaxDiff(viaTorch, viaOrt)}");
                torchCuts.Add(temporal.Cuts);
                ortCuts.Add(ort.Cuts);
                // A clip's first frame and the cut's frame use their own statistics, the others carry earlier ones.
                var carried = MaxDiff(viaOrt, perFrame[i]);
                if (i is 0 or 3) Assert.True(carried <= Tolerance, $"frame {i} differs from per-frame by {carried}");
                else Assert.True(carried > 1e-3, $"frame {i} is within {carried} of the per-frame output");
            }
        }
        // BeginClip forgets the cut count with the statistics; the second pass over the clip repeats the first.
        Assert.Equal([0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1], torchCuts);
        Assert.Equal(torchCuts, ortCuts);
    }

    [Fact]
    public void A_temporal_export_at_momentum_0_or_without_carried_statistics_is_the_plain_per_frame_export()
    {
        using var scope = NewDisposeScope();
        using var g = OnnxExporterTests.RandomGenerator(NetG, "instance", dropout: false);
        var frames = ClipWithCut();
        using var plain = OnnxGenerator.Load(Bytes(Export(g, temporal: false)));
        using var model = OnnxGenerator.Load(Bytes(Export(g, temporal: true)));
        Assert.True(model.IsTemporal);
        Assert.False(plain.IsTemporal);
        foreach (var f in frames) Assert.True(MaxDiff(model.Forward(f), plain.Forward(f)) <= Tolerance);
        using var zero = new TemporalOnnxGenerator(OnnxGenerator.Load(Bytes(Export(g, temporal: true))), 0);
        foreach (var f in frames) Assert.True(MaxDiff(zero.Forward(f), plain.Forward(f)) <= Tolerance);
    }

    [Fact]
    public void The_plain_export_keeps_its_one_input_one_output_graph_and_the_temporal_one_names_each_layers_statistics()
    {
        using var g = OnnxExporterTests.RandomGenerator(NetG, "instance", dropout: false);
        var layers = g.modules().OfType<InstanceNorm>().Count();
        var plain = Export(g, temporal: false).Graph;
        Assert.Equal([OnnxExporter.InputName], plain.Input.Select(v => v.Name));
        Assert.Equal([OnnxExporter.OutputName], plain.Output.Select(v => v.Name));
        Assert.Equal(layers, plain.Node.Count(n => n.OpType == "InstanceNormalization"));
        Assert.DoesNotContain(plain.Node, n => n.OpType is "ReduceMean" or "Where");
        Assert.Equal(Bytes(Export(g, temporal: false)), Bytes(OnnxExporter.Build(g, OnnxExporterTests.Metadata(NetG, "instance"))));

        var temporal = Export(g, temporal: true);
        var carried = Enumerable.Range(0, layers).ToList();
        Assert.Equal(["input", "momentum", .. carried.SelectMany(k => new[] { $"norm{k}.mean_in", $"norm{k}.var_in" })],
            temporal.Graph.Input.Select(v => v.Name));
        Assert.Equal(["output", "cut", .. carried.SelectMany(k => new[] { $"norm{k}.mean_out", $"norm{k}.var_out" })],
            temporal.Graph.Output.Select(v => v.Name));
        Assert.DoesNotContain(temporal.Graph.Node, n => n.OpType == "InstanceNormalization");
        Assert.Contains(temporal.MetadataProps, p => p.Key == "temporal" && p.Value == "norm");
    }

    [Fact]
    public void Engine_auto_with_temporal_norm_can_choose_onnx_runtime_and_its_first_frame_carries_nothing_of_the_probe()
    {
        using var tmp = TestPaths.NewTempDir("temporal-auto");
        using var scope = NewDisposeScope();
        var opt = new TranslateOptions
        {
            Checkpoint = gen.Checkpoint, NetG = NetG, Ngf = 4, Eval = true, Engine = "auto", Temporal = "norm",
        };
        var choice = new EngineChoice { CachePath = tmp["engines.json"], Time = (e, _) => e is TorchGenerator ? 2 : 1 };
        using var g = choice.Open(opt);
        var ort = Assert.IsType<TemporalOnnxGenerator>(g);
        using var plain = OnnxGenerator.Open(gen.Onnx);
        var frame = ClipWithCut()[0];
        Assert.True(MaxDiff(ort.Forward(frame), plain.Forward(frame)) <= Tolerance);
        Assert.Equal(0, ort.Cuts);
    }

    [Fact]
    public void Translate_onnx_temporal_norm_with_a_plain_export_exits_2_with_one_line_saying_how_to_export_one()
    {
        using var tmp = TestPaths.NewTempDir("temporal-plain-onnx");
        ImageFile.SavePng(TestImages.Pattern(20, 16, 3), tmp["x.png"]);
        var r = CliRunner.Run(gen.Translate(onnx: true, tmp["x.png"], tmp["out"], "--temporal", "norm"));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("cyclegan export --checkpoint G.pth --temporal", r.Stderr);
        Assert.False(Directory.Exists(tmp["out"]));
        // A batch-norm network has no statistics to carry: its temporal export is refused the same way.
        var batch = CliRunner.Run("export", "--checkpoint", TestPaths.Ref("unet_ngf8_batch", "latest_net_G.pth"),
            "--netG", "unet_256", "--ngf", "8", "--norm", "batch", "--temporal", "--out", tmp["b.onnx"]);
        Assert.Equal(2, batch.ExitCode);
        Assert.Contains("no instance norm", batch.Stderr);
        Assert.False(File.Exists(tmp["b.onnx"]));
    }

    [Fact]
    public void Translate_video_temporal_norm_gives_TorchSharps_frames_within_1_level_with_onnx_and_engine_onnxruntime()
    {
        using var tmp = TestPaths.NewTempDir("temporal-onnx-video");
        // a day pan, then a cut to a night pan
        var photos = SynthVideo.Render(1, 32, 4, PhotoStyle.Day).Photos.Concat(SynthVideo.Render(5, 32, 4, PhotoStyle.Night).Photos);
        var info = new VideoInfo("", 32, 32, 0, "12/1", 8, "rawvideo", null);
        using (var w = new VideoWriter(VideoClips.Tool, info, tmp["clip.mp4"], new VideoEncoding(Lossless: true)))
        {
            foreach (var p in photos) w.Write(p);
            w.Finish();
        }
        string[] temporal = ["--temporal", "norm", "--lossless"];
        CliRunner.MustSucceed("export", "--checkpoint", gen.Checkpoint, "--netG", NetG, "--ngf", "4", "--temporal",
            "--out", tmp["t.onnx"]);
        CliRunner.MustSucceed(["translate", "--onnx", tmp["t.onnx"], "--input", tmp["clip.mp4"], "--output", tmp["onnx.mp4"],
            .. temporal]);
        CliRunner.MustSucceed(gen.Translate(onnx: false, tmp["clip.mp4"], tmp["torch.mp4"], [.. temporal]));
        CliRunner.MustSucceed(gen.Translate(onnx: false, tmp["clip.mp4"], tmp["engine.mp4"],
            [.. temporal, "--engine", "onnxruntime"]));
        CliRunner.MustSucceed(gen.Translate(onnx: true, tmp["clip.mp4"], tmp["none.mp4"], "--lossless"));
        var torch = VideoClips.Decode(tmp["torch.mp4"]);
        int Diff(List<RgbImage> a, int i) => a[i].Pixels.Zip(torch[i].Pixels, (x, y) => Math.Abs(x - y)).Max();
        foreach (var other in new[] { "onnx.mp4", "engine.mp4" })
        {
            var frames = VideoClips.Decode(tmp[other]);
            Assert.Equal(8, frames.Count);
            for (int i = 0; i < 8; i++) Assert.True(Diff(frames, i) <= 1, $"{other} frame {i}: {Diff(frames, i)} levels");
        }
        // --temporal norm was honoured: per-frame frames differ from the carried ones after the first
        var none = VideoClips.Decode(tmp["none.mp4"]);
        Assert.True(Diff(none, 0) <= 1);
        Assert.True(Diff(none, 2) > 1, $"frame 3 is within {Diff(none, 2)} levels of the per-frame translation");
    }
}
