using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Models;

/// <summary>`--model colorization` end to end: a tiny training, then `cyclegan test` on its checkpoint.</summary>
public class ColorizationModelTests
{
    static void MakeData(TempDir tmp)
    {
        SynthDataset.Write(new SynthOptions(Out: tmp["synth"], Size: 32, Train: 4, Test: 2, Seed: 5));
        foreach (var (from, to) in new[] { ("trainB", "train"), ("testB", "test") })
        {
            Directory.CreateDirectory(tmp["data/" + to]);
            foreach (var f in Directory.GetFiles(tmp["synth/" + from]))
                File.Copy(f, Path.Combine(tmp["data/" + to], Path.GetFileName(f)));
        }
    }

    /// <summary>The colour type byte of a PNG's IHDR: 0 gray, 2 RGB.</summary>
    static int PngColorType(string path) => File.ReadAllBytes(path)[25];

    [Fact]
    public void Colorization_trains_from_L_to_ab_and_test_writes_gray_input_and_colour_images()
    {
        using var tmp = TestPaths.NewTempDir("colorization");
        MakeData(tmp);
        CliRunner.MustSucceed("train", "--model", "colorization", "--dataroot", tmp["data"], "--name", "col",
            "--checkpoints_dir", tmp["ck"], "--ngf", "4", "--ndf", "4", "--netG", "unet_32", "--load_size", "36",
            "--crop_size", "32", "--n_epochs", "1", "--n_epochs_decay", "0", "--seed", "3", "--print_freq", "2",
            "--display_freq", "2", "--update_html_freq", "2", "--save_latest_freq", "100");
        using (var g = PthFile.Read(tmp["ck/col/latest_net_G.pth"]))
        {
            Assert.Equal(new long[] { 4, 1, 4, 4 }, g["model.model.0.weight"].shape);
            Assert.Equal(2, g.Keys.Where(k => k.EndsWith(".weight", StringComparison.Ordinal)).Select(k => g[k]).Last(t => t.dim() == 4).shape[1]);
        }
        using (var d = PthFile.Read(tmp["ck/col/latest_net_D.pth"]))
            Assert.Equal(3, d["model.0.weight"].shape[1]);
        var web = tmp["ck/col/web/images"];
        foreach (var v in new[] { "real_A", "real_B_rgb", "fake_B_rgb" })
            Assert.True(File.Exists(Path.Combine(web, $"epoch001_{v}.png")), v);
        Assert.Contains("dataset_mode: colorization", File.ReadAllText(tmp["ck/col/train_opt.txt"]));

        CliRunner.MustSucceed("test", "--model", "colorization", "--dataroot", tmp["data"], "--name", "col",
            "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"], "--netG", "unet_32", "--ngf", "4",
            "--load_size", "32", "--crop_size", "32");
        var images = tmp["results/col/test_latest/images"];
        var stem = Path.GetFileNameWithoutExtension(Directory.GetFiles(tmp["data/test"]).Order().First());
        Assert.Equal(0, PngColorType(Path.Combine(images, stem + "_real_A.png")));
        Assert.Equal(2, PngColorType(Path.Combine(images, stem + "_fake_B_rgb.png")));
        // real_B_rgb is the input's own L and ab converted back: the photo itself within a level (truncation).
        var original = ImageFile.LoadRgb(Path.Combine(tmp["data/test"], stem + ".png"));
        var realB = ImageFile.LoadRgb(Path.Combine(images, stem + "_real_B_rgb.png"));
        Assert.All(original.Pixels.Zip(realB.Pixels), p => Assert.InRange(p.First - p.Second, 0, 1));
        var fake = ImageFile.LoadRgb(Path.Combine(images, stem + "_fake_B_rgb.png"));
        Assert.Equal((32, 32), (fake.Width, fake.Height));
    }

    [Fact]
    public void Colorization_with_three_input_channels_is_a_one_line_error()
    {
        using var tmp = TestPaths.NewTempDir("colorization-nc");
        MakeData(tmp);
        var r = CliRunner.Run("train", "--model", "colorization", "--input_nc", "3", "--dataroot", tmp["data"],
            "--name", "col", "--checkpoints_dir", tmp["ck"], "--ngf", "4", "--ndf", "4", "--netG", "unet_32");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--input_nc 1 --output_nc 2 --direction AtoB", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
