using CycleGan.Data;
using CycleGan.Inference;
using CycleGan.Tests.Cli;
using TorchSharp;

namespace CycleGan.Tests.Inference;

/// <summary>Tiled translation: where tiles go, that blending is exact, and that its buffer stays one tile high.</summary>
public class TiledInferenceTests
{
    [Fact]
    public void Spans_are_the_fewest_tiles_overlapping_by_at_least_the_overlap_spread_evenly_end_to_end()
    {
        Assert.Equal([(0, 32), (23, 32), (45, 32), (68, 32)], TiledInference.Spans(100, 32, 8));
        Assert.Equal([(0, 512), (256, 512), (512, 512)], TiledInference.Spans(1024, 512, 64));
        Assert.Equal([(0, 20)], TiledInference.Spans(20, 32, 8));
        Assert.Equal([(0, 32), (32, 32)], TiledInference.Spans(64, 32, 0));
    }

    static Func<int, int, int, int, torch.Tensor> Regions(torch.Tensor x) =>
        (y0, h, x0, w) => x[.., .., torch.TensorIndex.Slice(y0, y0 + h), torch.TensorIndex.Slice(x0, x0 + w)];

    [Fact]
    public void Blending_reproduces_a_constant_and_an_identity_network_exactly()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(1, 3, 70, 53) * 2 - 1;
        var same = TiledInference.Run(70, 53, Regions(x), 16, 6, t => t.clone(), out _);
        Assert.True(same.eq(x).all().item<bool>(), "tiled identity differs from its input");
        var constant = TiledInference.Run(70, 53, Regions(x), 16, 6, t => torch.full(1, 2, t.shape[2], t.shape[3], 0.3f), out _);
        Assert.Equal(new long[] { 1, 2, 70, 53 }, constant.shape);
        Assert.True(constant.eq(0.3f).all().item<bool>(), "tiled constant is not that constant everywhere");
    }

    [Fact]
    public void The_accumulation_band_is_one_tile_high_however_tall_the_image()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(1, 1, 1000, 8);
        var y = TiledInference.Run(1000, 8, Regions(x), 16, 4, t => t * 2, out int band);
        Assert.Equal(16, band);
        Assert.True(y.allclose(x * 2, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Translate_with_tiles_keeps_the_size_and_rejects_a_tile_the_network_cannot_take()
    {
        using var tmp = TestPaths.NewTempDir("tiles");
        Directory.CreateDirectory(tmp["in"]);
        File.Copy(TestPaths.Ref("legacy_ngf8", "input.png"), tmp["in/x.png"]);
        string[] common = ["translate", "--checkpoint", TestPaths.Ref("legacy_ngf8", "latest_net_G.pth"), "--ngf", "8", "--input", tmp["in"]];
        CliRunner.MustSucceed([.. common, "--output", tmp["out"], "--tile", "32", "--overlap", "8"]);
        var tiled = ImageFile.LoadRgb(tmp["out/x.png"]);
        Assert.Equal((96, 64), (tiled.Width, tiled.Height));
        var r = CliRunner.Run([.. common, "--output", tmp["bad"], "--tile", "30"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--tile 30 must be a multiple of 4", r.Stderr);
    }
}
