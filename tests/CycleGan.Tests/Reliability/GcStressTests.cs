using System.Text.Json;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Tests.Distributed;
using CycleGan.Tests.Serving;

namespace CycleGan.Tests.Reliability;

/// <summary>
/// Issue 23: under continuous full garbage collections (<see cref="GcStress"/>) no command crashes, and every weight,
/// image and score is bit-identical to the same run without them: a GC must never change a number.
/// </summary>
public class GcStressTests
{
    static readonly string[] Tiny =
    [
        "--ngf", "4", "--ndf", "4", "--load_size", "32", "--crop_size", "32", "--seed", "3", "--print_freq", "100000",
        "--save_latest_freq", "100000", "--no_html", "--num_threads", "1",
    ];

    static readonly Dictionary<string, string> Stress = new() { [GcStress.Variable] = "1" };

    /// <summary>
    /// Runs <paramref name="work"/> into two folders, the second with <c>CYCLEGAN_GC_STRESS=1</c>. Every command is its
    /// own process, as users run it (a test host's heap of earlier tests would make each collection slow); the two runs
    /// go side by side.
    /// </summary>
    static async Task<(string Plain, string Stressed)> Twice(TempDir tmp, Func<string, Func<string[], Task>, Task> work)
    {
        // Both at once, one torch thread each (the suite shares 2 cores).
        await Task.WhenAll(work(tmp["plain"], args => Cyclegan(null, args)), work(tmp["stressed"], args => Cyclegan(Stress, args)));
        return (tmp["plain"], tmp["stressed"]);
    }

    /// <summary>One `cyclegan` process to success; under stress it must also report its collections.</summary>
    static async Task Cyclegan(Dictionary<string, string>? env, string[] args)
    {
        var r = await MpiRun.MustSucceed(0, env, args);
        if (env != null) Assert.Contains("gc stress:", r.Stderr);
    }

    /// <summary>Every file matching the extensions exists in both trees with the same bytes, and there is at least one.</summary>
    static void AssertSameFiles(string a, string b, params string[] extensions)
    {
        var files = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f))).Select(f => Path.GetRelativePath(a, f)).Order().ToList();
        Assert.NotEmpty(files);
        foreach (var rel in files)
        {
            var other = Path.Combine(b, rel);
            Assert.True(File.Exists(other), rel + " missing under stress");
            Assert.True(File.ReadAllBytes(Path.Combine(a, rel)).AsSpan().SequenceEqual(File.ReadAllBytes(other)), rel + " differs under stress");
        }
    }

    /// <summary>Every number in two JSON files is the same (paths and times aside, which name their folders).</summary>
    static void AssertSameNumbers(string a, string b)
    {
        static IEnumerable<(string, double)> Numbers(JsonElement e, string path) => e.ValueKind switch
        {
            JsonValueKind.Number => [(path, e.GetDouble())],
            JsonValueKind.Object => e.EnumerateObject().Where(p => !p.Name.Contains("second", StringComparison.Ordinal))
                .SelectMany(p => Numbers(p.Value, path + "." + p.Name)),
            JsonValueKind.Array => e.EnumerateArray().SelectMany((x, i) => Numbers(x, $"{path}[{i}]")),
            _ => [],
        };
        using var da = JsonDocument.Parse(File.ReadAllText(a));
        using var db = JsonDocument.Parse(File.ReadAllText(b));
        var na = Numbers(da.RootElement, "").ToList();
        Assert.NotEmpty(na);
        Assert.Equal(na, Numbers(db.RootElement, "").ToList());
    }

    /// <summary>A tiny CycleGAN training of tmp/data into tmp/ck/NAME, <paramref name="epochs"/> + as many decaying.</summary>
    static string[] CycleGanTraining(TempDir tmp, string name, int epochs) =>
    [
        "train", "--dataroot", tmp["data"], "--checkpoints_dir", tmp["ck"], "--name", name, "--netG", "resnet_6blocks",
        "--n_epochs", $"{epochs}", "--n_epochs_decay", $"{epochs}", "--save_epoch_freq", "100000", .. Tiny,
    ];

    static void AssertSameCycleGanWeights(TempDir tmp)
    {
        foreach (var net in new[] { "G_A", "G_B", "D_A", "D_B" })
            Assert.Equal(File.ReadAllBytes(tmp[$"ck/plain/latest_net_{net}.pth"]), File.ReadAllBytes(tmp[$"ck/stressed/latest_net_{net}.pth"]));
    }

    [Fact]
    public async Task A_2000_iteration_cyclegan_training_under_CYCLEGAN_GC_STRESS_ends_with_the_weights_of_the_run_without_it()
    {
        using var tmp = TestPaths.NewTempDir("gcstress-cyclegan");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 10, Test: 1, Seed: 1));
        // 10 images × (100 + 100) epochs = 2,000 iterations through the linear decay; both processes at once, 1 thread each.
        var plain = MpiRun.Run(0, null, TimeSpan.FromMinutes(12), CycleGanTraining(tmp, "plain", 100));
        var stressed = MpiRun.Run(0, Stress, TimeSpan.FromMinutes(12), CycleGanTraining(tmp, "stressed", 100));
        foreach (var r in new[] { await plain, await stressed })
            Assert.True(r.Code == 0, $"exited {r.Code}:\n{r.Stderr}");
        Assert.Contains("total iterations 2000", (await stressed).Stdout);
        var line = (await stressed).Stderr.Split('\n').Single(l => l.StartsWith("gc stress:", StringComparison.Ordinal));
        Assert.True(long.Parse(line.Split(' ')[2]) > 1000, line);
        Assert.DoesNotContain("gc stress:", (await plain).Stderr);
        AssertSameCycleGanWeights(tmp);
    }

    [Theory]
    [InlineData("pix2pix", "aligned", "unet_32", 25)]
    [InlineData("colorization", "colorization", "unet_32", 25)]
    [InlineData("simgan", "unaligned", "resnet_6blocks", 25)]
    [InlineData("feature_gan", "unaligned", "resnet_6blocks", 5)] // 40 iterations: each runs ResNet18 at 224 px
    [InlineData("cogan", "unaligned", "resnet_6blocks", 25)]
    [InlineData("bigan", "unaligned", "resnet_6blocks", 25)]
    public async Task Hundreds_of_iterations_of_a_model_under_GC_stress_give_the_weights_and_test_images_of_the_run_without_it(
        string model, string datasetMode, string netG, int epochsEach)
    {
        using var tmp = TestPaths.NewTempDir("gcstress-" + model);
        // CoGAN's own flags: another model refuses them.
        string[] coganFlags = model == "cogan" ? ["--nz", "8"] : [];
        string[] coganTestFlags = model == "cogan" ? ["--nz", "8", "--cogan_inference_steps", "20"] : [];
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 4, Test: 2, Seed: 1));
        var (plain, stressed) = await Twice(tmp, async (dir, cyclegan) =>
        {
            await cyclegan([
                "train", "--model", model, "--dataset_mode", datasetMode, "--netG", netG, "--dataroot", tmp["data"],
                "--checkpoints_dir", dir, "--name", model, "--n_epochs", $"{epochsEach}", "--n_epochs_decay", $"{epochsEach}",
                .. Tiny, .. coganFlags,
            ]);
            await cyclegan([
                "test", "--model", model, "--dataset_mode", datasetMode, "--netG", netG, "--dataroot", tmp["data"],
                "--checkpoints_dir", dir, "--results_dir", Path.Combine(dir, "results"), "--name", model, "--ngf", "4", "--ndf", "4",
                "--load_size", "32", "--crop_size", "32", .. coganTestFlags,
            ]);
        });
        AssertSameFiles(plain, stressed, ".pth", ".png");
    }

    [Fact]
    public async Task Inference_evaluation_export_and_serve_under_GC_stress_give_the_pixels_and_scores_of_the_runs_without_it()
    {
        using var tmp = TestPaths.NewTempDir("gcstress-infer");
        var data = tmp["data"];
        SynthDataset.Write(new SynthOptions(Out: data, Size: 32, Train: 3, Test: 3, Seed: 1));
        var palette = Path.Combine(data, "palette.json");
        var deep = DeepImage.Create(40, 28, 3);
        new Random(7).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(deep.Samples.AsSpan()));
        ImageFile.SavePng16(deep, tmp["deep/d16.png"]);
        var png = ImageFile.EncodePng(ServeFixtures.Gradient(37, 23));

        var (plain, stressed) = await Twice(tmp, async (dir, cyclegan) =>
        {
            string At(string rel) => Path.Combine(dir, rel);
            await cyclegan([
                "train", "--dataroot", data, "--checkpoints_dir", At("ck"), "--name", "run", "--netG", "resnet_6blocks",
                "--n_epochs", "1", "--n_epochs_decay", "1", "--save_epoch_freq", "1", .. Tiny,
            ]);
            var g = At("ck/run/latest_net_G_A.pth");
            string[] net = ["--netG", "resnet_6blocks", "--ngf", "4"];
            await cyclegan(["test", "--model", "cycle_gan", "--dataroot", data, "--checkpoints_dir", At("ck"), "--results_dir", At("results"), "--name", "run",
                .. net, "--ndf", "4", "--load_size", "32", "--crop_size", "32"]);
            await cyclegan(["translate", "--checkpoint", g, .. net, "--input", Path.Combine(data, "testA"), "--output", At("tr")]);
            await cyclegan(["translate", "--checkpoint", g, .. net, "--input", Path.Combine(data, "testA"), "--output", At("tiled"),
                "--tile", "16", "--overlap", "4"]);
            await cyclegan(["translate", "--checkpoint", g, .. net, "--input", tmp["deep"], "--output", At("deep"), "--keep_depth"]);
            await cyclegan(["export", "--checkpoint", g, .. net, "--out", At("g.onnx")]);
            await cyclegan(["translate", "--onnx", At("g.onnx"), "--input", Path.Combine(data, "testA"), "--output", At("onnx")]);

            var results = At("results/run/test_latest");
            await cyclegan(["eval", "labels", "--pred", results, "--gt", results, "--palette", palette, "--json", At("labels.json")]);
            await cyclegan(["eval", "segmenter-train", "--dataroot", Path.Combine(data, "train"), "--palette", palette,
                "--out", At("seg.safetensors"), "--photo-side", "right", "--size", "32", "--ngf", "4", "--levels", "3", "--epochs", "2"]);
            await cyclegan(["eval", "fcn-score", "--segmenter", At("seg.safetensors"), "--photos", Path.Combine(data, "testB"),
                "--gt", Path.Combine(data, "testA"), "--palette", palette, "--json", At("fcn.json")]);
            await cyclegan(["eval", "fd", "--a", At("tr"), "--b", Path.Combine(data, "testB"), "--subsets", "3", "--json", At("fd.json")]);
            await cyclegan(["eval", "paired", "--pred", At("tr"), "--gt", Path.Combine(data, "testB"), "--json", At("paired.json")]);
            await cyclegan(["eval", "epochs", "--run", At("ck/run"), "--dataroot", data, "--metric", "labels", "--palette", palette,
                "--pred-visual", "fake_A", "--gt-visual", "real_A", "--out", At("epochs")]);
        });
        // serve: its translate API answered 5 times by a `cyclegan serve` process under stress, the same pixels as without.
        foreach (var (dir, env) in new[] { (plain, (Dictionary<string, string>?)null), (stressed, Stress) })
            await Serve(Path.Combine(dir, "ck"), env, png, Path.Combine(dir, "served"));
        AssertSameFiles(plain, stressed, ".pth", ".png", ".onnx", ".safetensors");
        foreach (var json in new[] { "labels.json", "fcn.json", "fd.json", "paired.json", "epochs/scores.json" })
            AssertSameNumbers(Path.Combine(plain, json), Path.Combine(stressed, json));
    }

    /// <summary>Starts `cyclegan serve` on a free loopback port, posts <paramref name="png"/> 5 times, saves the answers.</summary>
    static async Task Serve(string checkpoints, Dictionary<string, string>? env, byte[] png, string outDir)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var server = MpiRun.Start(0, env, "serve", "--checkpoints_dir", checkpoints, "--port", $"{port}");
        var stderr = server.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            for (int tries = 0; ; tries++)
            {
                try { if ((await http.GetAsync("/api/runs")).IsSuccessStatusCode) break; }
                catch (HttpRequestException) when (tries < 300 && !server.HasExited) { await Task.Delay(100); }
            }
            Directory.CreateDirectory(outDir);
            for (int i = 0; i < 5; i++)
            {
                var r = await http.PostAsync("/api/translate?run=run&net=G_A&epoch=latest",
                    new ByteArrayContent(png) { Headers = { ContentType = new("image/png") } });
                Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
                await File.WriteAllBytesAsync(Path.Combine(outDir, $"{i}.png"), await r.Content.ReadAsByteArrayAsync());
            }
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        Assert.DoesNotContain("internal error", await stderr);
    }

    [Fact]
    public async Task A_2_rank_mpi_training_under_CYCLEGAN_GC_STRESS_gives_the_weights_of_the_run_without_it()
    {
        using var tmp = TestPaths.NewTempDir("gcstress-mpi");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 8, Test: 1, Seed: 1));
        await MpiRun.MustSucceed(2, null, CycleGanTraining(tmp, "plain", 5));
        await MpiRun.MustSucceed(2, Stress, CycleGanTraining(tmp, "stressed", 5));
        AssertSameCycleGanWeights(tmp);
    }
}
