using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Tests.Cli;
using CycleGan.Tests.Data;
using Xunit.Abstractions;

namespace CycleGan.Tests.Onnx;

/// <summary>A tiny resnet_6blocks checkpoint (outputs neither constant nor saturated) and its ONNX export.</summary>
public sealed class ExportedGenerator : IDisposable
{
    readonly TempDir _tmp = TestPaths.NewTempDir("onnx-translate");
    public string Checkpoint => _tmp["g.pth"];
    public string Onnx => _tmp["g.onnx"];

    public ExportedGenerator()
    {
        using (var g = OnnxExporterTests.RandomGenerator("resnet_6blocks", "instance", dropout: false))
            PthFile.Write(Checkpoint, ModuleState.Ordered(g));
        CliRunner.MustSucceed("export", "--checkpoint", Checkpoint, "--netG", "resnet_6blocks", "--ngf", "4",
            "--out", Onnx);
    }

    /// <summary><c>translate</c> with the checkpoint engine (eval mode, as the export) or with the ONNX one.</summary>
    public string[] Translate(bool onnx, string input, string output, params string[] flags) =>
    [
        "translate",
        .. onnx ? ["--onnx", Onnx]
            : new[] { "--checkpoint", Checkpoint, "--netG", "resnet_6blocks", "--ngf", "4", "--eval" },
        "--input", input, "--output", output, .. flags,
    ];

    public void Dispose() => _tmp.Dispose();
}

/// <summary>`translate --onnx` honours the flags the checkpoint engine does: tiles, 16-bit depth, shards.</summary>
public class OnnxTranslateTests(ExportedGenerator gen, ITestOutputHelper log) : IClassFixture<ExportedGenerator>
{
    /// <summary>
    /// ONNX Runtime and TorchSharp agree within 1e-4 on [-1, 1] (<see cref="OnnxExporterTests"/>): 1e-4 · 32767.5 =
    /// 3.3 levels of 16 bits, plus rounding either way.
    /// </summary>
    const int Tolerance16 = 4;

    static int MaxDiff(byte[] a, byte[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    [Fact]
    public void Translate_onnx_with_tiles_gives_the_checkpoint_engines_tiled_pixels_within_1_level()
    {
        using var tmp = TestPaths.NewTempDir("onnx-tiles");
        ImageFile.SavePng(TestImages.Pattern(70, 50, 3), tmp["x.png"]);
        string[] tiles = ["--tile", "32", "--overlap", "8"];
        CliRunner.MustSucceed(gen.Translate(onnx: true, tmp["x.png"], tmp["onnx"], tiles));
        CliRunner.MustSucceed(gen.Translate(onnx: false, tmp["x.png"], tmp["torch"], tiles));
        CliRunner.MustSucceed(gen.Translate(onnx: true, tmp["x.png"], tmp["whole"]));
        var onnx = ImageFile.LoadRgb(tmp["onnx/x.png"]);
        var torch = ImageFile.LoadRgb(tmp["torch/x.png"]);
        var whole = ImageFile.LoadRgb(tmp["whole/x.png"]);
        Assert.Equal((70, 50), (onnx.Width, onnx.Height));
        int engines = MaxDiff(onnx.Pixels, torch.Pixels), untiled = MaxDiff(onnx.Pixels, whole.Pixels);
        log.WriteLine($"max |onnx - checkpoint| tiled: {engines}; max |tiled - untiled| (onnx): {untiled}");
        Assert.True(engines <= 1, $"onnx and checkpoint tiles differ by {engines} levels");
        // Instance norm sees each tile alone: a tiled result that equals the untiled one was not tiled.
        Assert.True(untiled >= 3, $"tiled output is within {untiled} levels of the untiled one: --tile was ignored");
    }

    [Fact]
    public void Translate_onnx_keep_depth_writes_the_checkpoint_engines_16_bit_png_within_4_levels_of_65535()
    {
        using var tmp = TestPaths.NewTempDir("onnx-depth");
        // A smooth gradient whose low bytes vary: an 8-bit path would lose them.
        var img = DeepImage.Create(40, 28, 3);
        for (int y = 0, i = 0; y < 28; y++)
            for (int x = 0; x < 40; x++)
                for (int c = 0; c < 3; c++, i++) img.Samples[i] = (ushort)(x * 1500 + y * 700 + c * 9001 + 13);
        ImageFile.SavePng16(img, tmp["x.png"]);
        CliRunner.MustSucceed(gen.Translate(onnx: true, tmp["x.png"], tmp["onnx"], "--keep_depth"));
        CliRunner.MustSucceed(gen.Translate(onnx: false, tmp["x.png"], tmp["torch"], "--keep_depth"));
        // PNG IHDR bit depth (byte 24): 16, not the 8 an ignored --keep_depth gives.
        Assert.Equal(16, File.ReadAllBytes(tmp["onnx/x.png"])[24]);
        var onnx = ImageFile.LoadDeep(tmp["onnx/x.png"], applyOrientation: false);
        var torch = ImageFile.LoadDeep(tmp["torch/x.png"], applyOrientation: false);
        Assert.Equal((40, 28, 3), (onnx.Width, onnx.Height, onnx.Channels));
        int diff = onnx.Samples.Zip(torch.Samples, (a, b) => Math.Abs(a - b)).Max();
        log.WriteLine($"max |onnx - checkpoint| at 16 bits: {diff} of 65535");
        Assert.True(diff <= Tolerance16, $"16-bit outputs differ by {diff} levels");
        Assert.Contains(onnx.Samples, v => v % 257 != 0);
    }

    [Fact]
    public void Translate_onnx_with_a_tile_the_model_cannot_take_exits_2_with_one_line()
    {
        using var tmp = TestPaths.NewTempDir("onnx-badtile");
        ImageFile.SavePng(TestImages.Pattern(40, 40, 1), tmp["x.png"]);
        var r = CliRunner.Run(gen.Translate(onnx: true, tmp["x.png"], tmp["out"], "--tile", "30"));
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("--tile 30 must be a multiple of 4", r.Stderr);
        Assert.False(Directory.Exists(tmp["out"]));
    }

    [Fact]
    public void Translate_onnx_in_two_shards_writes_the_unsharded_translation_byte_for_byte()
    {
        using var tmp = TestPaths.NewTempDir("onnx-shards");
        Directory.CreateDirectory(tmp["in"]);
        for (int i = 0; i < 3; i++) ImageFile.SavePng(TestImages.Pattern(20, 16, i), tmp[$"in/{i}.png"]);
        CliRunner.MustSucceed(gen.Translate(onnx: true, tmp["in"], tmp["whole"]));
        for (int i = 0; i < 2; i++)
            CliRunner.MustSucceed(gen.Translate(onnx: true, tmp["in"], tmp["sharded"], "--shard", $"{i}/2"));
        foreach (var name in new[] { "0.png", "1.png", "2.png" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(tmp["whole"], name)),
                File.ReadAllBytes(Path.Combine(tmp["sharded"], name)));
    }
}
