using System.Security.Cryptography;
using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Onnx;
using CycleGan.Tests.Cli;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace CycleGan.Tests.Onnx;

/// <summary>`cyclegan export` and `cyclegan translate --onnx`: official checkpoints, metadata, user errors.</summary>
public class ExportCommandTests
{
    static string Legacy => TestPaths.Ref("legacy_ngf8", "latest_net_G.pth");
    static string OddImage => TestPaths.Ref("images", "odd_37x23.png");

    static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void Official_resnet9_checkpoint_exported_and_run_in_OnnxRuntime_matches_pytorch_within_1e_4()
    {
        using var tmp = TestPaths.NewTempDir("export-r9");
        var checkpoint = TestPaths.Ref("resnet9_ngf64", "latest_net_G.pth");
        CliRunner.MustSucceed("export", "--checkpoint", checkpoint, "--out", tmp["g.onnx"]);
        using var onnx = OnnxGenerator.Open(tmp["g.onnx"]);
        using var io = SafeTensorsFile.Read(TestPaths.Ref("resnet9_ngf64", "io.safetensors"));
        using var output = onnx.Forward(io["input"]);
        Assert.True(MaxDiff(output, io["output"]) <= 1e-4);
    }

    [Fact]
    public void Official_unet256_batchnorm_checkpoint_exports_its_eval_form_not_its_train_form()
    {
        using var tmp = TestPaths.NewTempDir("export-unet");
        CliRunner.MustSucceed("export", "--checkpoint", TestPaths.Ref("unet_ngf8_batch", "latest_net_G.pth"),
            "--netG", "unet_256", "--ngf", "8", "--norm", "batch", "--out", tmp["g.onnx"]);
        using var onnx = OnnxGenerator.Open(tmp["g.onnx"]);
        using var io = SafeTensorsFile.Read(TestPaths.Ref("unet_ngf8_batch", "io.safetensors"));
        using var output = onnx.Forward(io["input"]);
        Assert.True(MaxDiff(output, io["output_eval"]) <= 1e-4);
        Assert.True(MaxDiff(output, io["output_train"]) > 1e-2, "batch statistics must not be used (official issue #1276)");
    }

    /// <summary>PyTorch's generator variants in reference/matrix: both families, all norms, gray in/out, dropout.</summary>
    [Theory]
    [InlineData("G_resnet_6blocks_batch_dropout_ngf4")]
    [InlineData("G_resnet_6blocks_none_ngf4")]
    [InlineData("G_resnet_9blocks_instance_in1_out3_ngf4")]
    [InlineData("G_unet_128_instance_dropout_ngf2")]
    [InlineData("G_unet_128_none_ngf2")]
    [InlineData("G_unet_128_batch_ngf2_out1")]
    public void Official_generator_variants_exported_and_run_in_OnnxRuntime_match_pytorch_within_1e_4(string name)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(TestPaths.Ref("matrix", "index.json")));
        var entry = index.RootElement.GetProperty(name);
        string Flag(string key) => entry.GetProperty(key).ToString();
        using var tmp = TestPaths.NewTempDir("export-matrix");
        string[] dropout = entry.GetProperty("use_dropout").GetBoolean() ? [] : ["--no_dropout"];
        var checkpoint = TestPaths.Ref("matrix", name, "latest_net_G.pth");
        CliRunner.MustSucceed(["export", "--checkpoint", checkpoint, "--out", tmp["g.onnx"],
            "--netG", Flag("netG"), "--ngf", Flag("ngf"), "--norm", Flag("norm"), "--input_nc", Flag("input_nc"),
            "--output_nc", Flag("output_nc"), .. dropout]);
        using var onnx = OnnxGenerator.Open(tmp["g.onnx"]);
        using var io = SafeTensorsFile.Read(TestPaths.Ref("matrix", name, "io.safetensors"));
        using var output = onnx.Forward(io["input"]);
        Assert.True(MaxDiff(output, io["output"]) <= 1e-4);
    }

    [Fact]
    public void Export_metadata_round_trips_through_OnnxRuntime_and_batch_height_width_are_symbolic()
    {
        using var tmp = TestPaths.NewTempDir("export-meta");
        var checkpoint = TestPaths.Ref("legacy_ngf8", "latest_net_G.pth");
        CliRunner.MustSucceed("export", "--checkpoint", checkpoint, "--ngf", "8", "--out", tmp["g.onnx"], "--opset", "13");
        using var onnx = OnnxGenerator.Open(tmp["g.onnx"]);
        var expected = new GeneratorMetadata
        {
            NetG = "resnet_9blocks", Ngf = 8, Norm = "instance", InputNc = 3, OutputNc = 3, SizeMultiple = 4,
            CheckpointSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(checkpoint))),
        };
        Assert.Equal(expected, onnx.Metadata);
        Assert.Equal("NCHW float32, input RGB, output RGB, range [-1, 1]", onnx.MetadataProperties["layout"]);

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(tmp["g.onnx"]));
        Assert.Equal(13, model.OpsetImport.Single().Version);
        Assert.Equal(7, model.IrVersion);
        foreach (var v in new[] { model.Graph.Input.Single(), model.Graph.Output.Single() })
        {
            var dims = v.Type.TensorType.Shape.Dim;
            Assert.Equal(["batch", "", "height", "width"], dims.Select(d => d.DimParam));
            Assert.Equal(3, dims[1].DimValue);
        }
    }

    [Fact]
    public void Export_of_a_checkpoint_that_does_not_fit_the_flags_exits_2_with_the_key_report_and_writes_nothing()
    {
        using var tmp = TestPaths.NewTempDir("export-misfit");
        var unet = TestPaths.Ref("unet_ngf8_batch", "latest_net_G.pth");
        var r = CliRunner.Run("export", "--checkpoint", unet, "--out", tmp["g.onnx"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("missing", r.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path));
    }

    [Fact]
    public void Export_to_an_unwritable_out_exits_2_with_one_line_and_leaves_no_partial_file()
    {
        using var tmp = TestPaths.NewTempDir("export-unwritable");
        File.WriteAllText(tmp["file"], "x");
        Directory.CreateDirectory(tmp["dir"]);
        foreach (var target in new[] { tmp["file/g.onnx"], tmp["dir"] })
        {
            var r = CliRunner.Run("export", "--checkpoint", Legacy, "--ngf", "8", "--out", target);
            Assert.Equal(2, r.ExitCode);
            Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.Contains(tmp.Path, r.Stderr);
        }
        Assert.Equal([tmp["dir"], tmp["file"]], Directory.EnumerateFileSystemEntries(tmp.Path).Order());
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp["dir"]));
        Assert.Equal("x", File.ReadAllText(tmp["file"]));
    }

    [Fact]
    public void Export_with_an_unsupported_opset_exits_2()
    {
        using var tmp = TestPaths.NewTempDir("export-opset");
        var r = CliRunner.Run("export", "--checkpoint", Legacy, "--ngf", "8", "--out", tmp["g.onnx"], "--opset", "9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--opset 9", r.Stderr);
        Assert.False(File.Exists(tmp["g.onnx"]));
    }

    [Fact]
    public void Translate_onnx_keeps_the_size_of_any_input_and_matches_translate_with_the_checkpoint()
    {
        using var tmp = TestPaths.NewTempDir("translate-onnx");
        Directory.CreateDirectory(tmp["in"]);
        File.Copy(TestPaths.Ref("legacy_ngf8", "input.png"), tmp["in/landscape.png"]);
        File.Copy(TestPaths.Ref("images", "odd_37x23.png"), tmp["in/odd.png"]);
        var checkpoint = TestPaths.Ref("legacy_ngf8", "latest_net_G.pth");
        CliRunner.MustSucceed("export", "--checkpoint", checkpoint, "--ngf", "8", "--out", tmp["g.onnx"]);
        CliRunner.MustSucceed("translate", "--onnx", tmp["g.onnx"], "--input", tmp["in"], "--output", tmp["onnx"]);
        CliRunner.MustSucceed("translate", "--checkpoint", checkpoint, "--ngf", "8",
            "--input", tmp["in"], "--output", tmp["torch"]);
        foreach (var (name, w, h) in new[] { ("landscape.png", 96, 64), ("odd.png", 37, 23) })
        {
            var viaOnnx = ImageFile.LoadRgb(Path.Combine(tmp["onnx"], name));
            var viaTorch = ImageFile.LoadRgb(Path.Combine(tmp["torch"], name));
            Assert.Equal((w, h), (viaOnnx.Width, viaOnnx.Height));
            Assert.True(viaOnnx.Pixels.Zip(viaTorch.Pixels, (a, b) => Math.Abs(a - b)).Max() <= 1, name);
        }
    }

    [Fact]
    public void Translate_onnx_on_a_file_that_is_not_an_onnx_model_exits_2_with_one_line()
    {
        using var tmp = TestPaths.NewTempDir("translate-notonnx");
        File.WriteAllText(tmp["g.onnx"], "not a model");
        var r = CliRunner.Run("translate", "--onnx", tmp["g.onnx"], "--input", OddImage, "--output", tmp["out"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("not an ONNX model", r.Stderr);
    }

    [Fact]
    public void Translate_onnx_on_a_model_with_an_unexpected_input_shape_exits_2_with_one_line()
    {
        using var tmp = TestPaths.NewTempDir("translate-shape");
        // a valid ONNX model whose input is a [N, 5] vector, not an NCHW image
        var graph = new GraphProto { Name = "relu" };
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "relu", Input = { "x" }, Output = { "y" } });
        foreach (var name in new[] { "x", "y" })
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 5 });
            var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } };
            (name == "x" ? graph.Input : graph.Output).Add(new ValueInfoProto { Name = name, Type = type });
        }
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        File.WriteAllBytes(tmp["vector.onnx"], model.ToByteArray());
        var r = CliRunner.Run("translate", "--onnx", tmp["vector.onnx"], "--input", OddImage, "--output", tmp["out"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("expected float32 [N, 1 or 3, H, W]", r.Stderr);
    }

    [Fact]
    public void Translate_onnx_on_cuda_without_the_cuda_package_exits_2_naming_the_package()
    {
        using var tmp = TestPaths.NewTempDir("translate-cuda");
        CliRunner.MustSucceed("export", "--checkpoint", Legacy, "--ngf", "8", "--out", tmp["g.onnx"]);
        var r = CliRunner.Run("translate", "--onnx", tmp["g.onnx"], "--device", "cuda", "--input", OddImage, "--output", tmp["out"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(OnnxGenerator.CudaPackage, r.Stderr);
    }

    [Fact]
    public void Bench_impl_onnxruntime_prints_the_same_json_line_and_refuses_training()
    {
        var r = CliRunner.MustSucceed("bench", "--impl", "onnxruntime", "--mode", "infer", "--size", "32",
            "--netG", "unet_32", "--ngf", "4", "--iters", "2", "--warmup", "1", "--threads", "1");
        var line = Assert.Single(r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("onnxruntime", json.GetProperty("impl").GetString());
        Assert.Equal("infer", json.GetProperty("mode").GetString());
        Assert.True(json.GetProperty("median_s").GetDouble() > 0);
        Assert.True(json.GetProperty("macs_per_iter").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("onnxruntime_version").GetString()));

        var train = CliRunner.Run("bench", "--impl", "onnxruntime", "--mode", "train", "--size", "32");
        Assert.Equal(2, train.ExitCode);
        Assert.Contains("--mode infer", train.Stderr);
    }
}
