using System.Text.Json;
using CycleGan.Models;
using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;

namespace CycleGan.Tests.Serving;

/// <summary>Tiny run folders, images and study results for the serve tests, made without training.</summary>
public static class ServeFixtures
{
    /// <summary>
    /// A run folder as <c>cyclegan train</c> leaves it: train_opt.txt, an initialised <c>latest_net_G_A.pth</c>
    /// (resnet_6blocks, ngf 4, seeded), three loss lines and a finished training state.
    /// </summary>
    public static string MakeRun(string checkpointsDir, string name, int ngf = 4)
    {
        TorchRuntime.EnsureLoaded();
        var dir = Path.Combine(checkpointsDir, name);
        Directory.CreateDirectory(dir);
        var opt = TrainOptions.For("cycle_gan") with { Name = name, NetG = "resnet_6blocks", Ngf = ngf, NoDropout = true, NEpochs = 1, NEpochsDecay = 1 };
        TrainOptFile.Write(dir, opt, TrainOptions.For(opt.Model));
        torch.manual_seed(5);
        using (var g = NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = opt.NetG, Ngf = ngf }))
        {
            WeightInit.Apply(g, "normal", 0.02);
            PthFile.Write(Path.Combine(dir, "latest_net_G_A.pth"), ModuleState.Ordered(g));
        }
        File.WriteAllLines(Path.Combine(dir, "loss_log.jsonl"), Enumerable.Range(1, 3).Select(i => JsonSerializer.Serialize(
            new Dictionary<string, object> { ["epoch"] = 1, ["iters"] = 2 * i, ["total_iters"] = 2 * i, ["G_A"] = 1.0 / i, ["D_A"] = 0.5 })));
        Directory.CreateDirectory(Path.Combine(dir, "train_state"));
        File.WriteAllText(Path.Combine(dir, "train_state", "state.json"), """{"Epoch": 3, "EpochBatches": 0, "TotalIters": 6}""");
        Directory.CreateDirectory(Path.Combine(dir, "web", "images"));
        ImageFile.SavePng(Gradient(32, 32), Path.Combine(dir, "web", "images", "epoch001_real_A.png"));
        return dir;
    }

    /// <summary>A smooth colour gradient, so a translation is not trivially constant.</summary>
    public static RgbImage Gradient(int w, int h, int seed = 0)
    {
        var img = RgbImage.Create(w, h);
        for (int y = 0, j = 0; y < h; y++)
            for (int x = 0; x < w; x++, j += 3)
            {
                img.Pixels[j] = (byte)(x * 255 / Math.Max(1, w - 1));
                img.Pixels[j + 1] = (byte)(y * 255 / Math.Max(1, h - 1));
                img.Pixels[j + 2] = (byte)((x + y + 40 * seed) % 256);
            }
        return img;
    }

    /// <summary>
    /// A <c>cyclegan test</c> results folder with <paramref name="count"/> pairs of real_B / fake_B images; the fake
    /// ones are one pixel taller, so a test can tell them apart in the page as a participant would by eye.
    /// </summary>
    public static string MakeResults(string resultsDir, string name, int count)
    {
        var images = Path.Combine(resultsDir, name, "test_latest", "images");
        Directory.CreateDirectory(images);
        for (int i = 0; i < count; i++)
        {
            ImageFile.SavePng(Gradient(32, 32, i), Path.Combine(images, $"t_{i:D5}_real_B.png"));
            ImageFile.SavePng(Gradient(32, 33, i + 1), Path.Combine(images, $"t_{i:D5}_fake_B.png"));
            ImageFile.SavePng(Gradient(32, 32, i + 2), Path.Combine(images, $"t_{i:D5}_real_A.png"));
        }
        return Path.GetDirectoryName(images)!;
    }

    /// <summary>A valid 1×1 PNG whose header is rewritten to claim <paramref name="w"/>×<paramref name="h"/> pixels.</summary>
    public static byte[] PngClaiming(int w, int h)
    {
        var png = ImageFile.EncodePng(RgbImage.Create(1, 1));
        // IHDR: 8-byte signature, 4-byte length, "IHDR" at 12, width at 16, height at 20, CRC of type+data at 29.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), w);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), h);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), CycleGan.Tests.Data.TestImages.Crc32(png.AsSpan(12, 17)));
        return png;
    }
}
