using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Options;
using CycleGan.Tests.Cli;
using CycleGan.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CycleGan.Tests.Models;

/// <summary>
/// <c>--model cut</c> against the official CUTModel (Reference/cut, made by its make_cut_reference.py): two
/// optimize_parameters() steps of CUT and of FastCUT from the official initial weights, with F's recorded patch ids
/// and flip decisions, under the rules of ../shared/reference/steps/README.md; an exact resume; and the official
/// checkpoint through <c>cyclegan test</c> in CUT's result layout.
/// </summary>
public class CutModelTests(ITestOutputHelper output)
{
    /// <summary>The largest gap two correct Adam runs can have after k steps, in units of lr (the steps README).</summary>
    static readonly double[] AdamSpread = [0, 2.02, 4.13];
    const double Lr = 2e-4;

    static string Cut(string file)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "tests", "CycleGan.Tests", "Reference", "cut", file);
        if (!File.Exists(path)) throw new FileNotFoundException($"CUT reference data missing: {path}");
        return path;
    }

    /// <summary>The reference's tiny configuration under <paramref name="mode"/>'s preset.</summary>
    static TrainOptions Options(string mode)
    {
        var t = TrainOptions.For("cut");
        var f = t.Flags<CutOptions>();
        f.CutMode = mode;
        f.SetDefaults(t);
        f.NetFNc = 32;
        f.NumPatches = 16;
        return t with
        {
            Ngf = 4, Ndf = 4, NetG = "resnet_6blocks", NetD = "basic", LoadSize = 32, CropSize = 32,
            Compute = new() { Device = "cpu", Kernels = "official" },
        };
    }

    [Theory]
    [InlineData("CUT")]
    [InlineData("FastCUT")]
    public void Two_steps_match_the_official_losses_and_weights(string mode)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Cut("config.json")));
        var reference = config.RootElement.GetProperty("steps").GetProperty(mode);
        var zeroGrad = reference.GetProperty("zero_gradient_parameters").EnumerateArray()
            .Select(e => e.GetString()!).ToHashSet();
        var tag = mode.ToLowerInvariant();
        using var ids = SafeTensorsFile.Read(Cut($"{tag}_patch_ids.safetensors"));
        using var weights = SafeTensorsFile.Read(Cut($"{tag}_weights.sampled.safetensors"));
        using var inputs = SafeTensorsFile.Read(Cut("step_inputs.safetensors"));
        var layers = config.RootElement.GetProperty("nce_layers").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        using var model = (CutModel)ModelRegistry.Create(Options(mode), isTrain: true, CPU);
        model.LoadNetworks(Path.GetDirectoryName(Cut("latest_net_G.pth"))!, "latest");
        int step = 0, call = 0;
        model.PatchIdSource = () =>
        {
            var c = call++;
            return [.. layers.Select(l => ids[$"step{step}.call{c}.{l}"])];
        };
        model.FlipSource = () => step == 1;
        using var grads = SafeTensorsFile.Read(Cut($"{tag}_step1_grads.sampled.safetensors"));
        var checkedGrads = new GradientCheck(output, model, grads, zeroGrad, mode);
        for (step = 1; step <= 2; step++)
        {
            model.PhaseObserver = step == 1 ? checkedGrads : null;
            call = 0;
            model.SetInput(inputs[$"step{step}.real_A"], inputs[$"step{step}.real_B"], ["a.png"], ["b.png"]);
            model.OptimizeParameters(new Rng(1));
            var expected = reference.GetProperty("losses")[step - 1];
            Assert.Equal(expected.GetProperty("patch_id_sets").GetInt32(), call);
            foreach (var (name, value) in model.CurrentLosses())
            {
                var theirs = expected.GetProperty(name).GetDouble();
                var tol = 1e-4 + 1e-5 * Math.Abs(theirs);
                output.WriteLine($"{mode} step {step} loss {name}: {value} vs {theirs} ({Math.Abs(value - theirs) / tol:P2} " +
                    "of the tolerance)");
                Assert.True(Math.Abs(value - theirs) <= tol, $"step {step} loss {name}: {value} vs official {theirs}");
            }
            AssertWeights(model, weights, step, zeroGrad, mode);
        }
        Assert.Equal(["D", "G", "F"], checkedGrads.Networks);
    }

    /// <summary>
    /// Step 1's gradients, read when the backward passes end (before the optimizer steps): every element within
    /// 1e-3·max|ref| of its tensor; zero-gradient parameters at most 1e-4 · the network's largest (the steps README).
    /// </summary>
    sealed class GradientCheck(ITestOutputHelper log, GanModel model, StateDict reference, HashSet<string> zeroGrad,
        string mode) : IStepPhaseObserver
    {
        public List<string> Networks { get; } = [];

        public void PhaseEnded(string phase)
        {
            string[] nets = phase switch
            {
                "D losses, backward" => ["D"],
                "G losses, backward" => ["G", "F"],
                _ => [],
            };
            foreach (var name in nets)
            {
                Networks.Add(name);
                using var scope = NewDisposeScope();
                var parameters = model.Networks[name].named_parameters().ToList();
                var largest = parameters.Max(p => p.parameter.grad!.abs().max().item<float>());
                double worst = 0;
                foreach (var (key, p) in parameters)
                {
                    var full = $"{name}.{key}";
                    var flat = p.grad!.flatten();
                    var s = (long)Math.Ceiling(flat.numel() / 1024.0);
                    var mine = s <= 1 ? flat : flat[TensorIndex.Slice(0, null, s)];
                    if (zeroGrad.Contains(full))
                    {
                        var max = mine.abs().max().item<float>();
                        Assert.True(max <= 1e-4 * largest, $"{mode} {full}: gradient {max}, expected ~0");
                        continue;
                    }
                    var theirs = reference[full];
                    var allowed = 1e-3 * theirs.abs().max().item<float>();
                    var diff = (mine - theirs).abs().max().item<float>();
                    worst = Math.Max(worst, diff / allowed);
                    Assert.True(diff <= allowed, $"{mode} {full}: gradient differs by {diff} (allowed {allowed})");
                }
                log.WriteLine($"{mode} step 1 gradients of {name}: worst {worst:P2} of the tolerance");
            }
        }
    }

    /// <summary>Every element within ADAM_SPREAD[k]·lr; ≥ 99.9 % of each network's non-zero-gradient elements within
    /// k·1e-5 (the steps README), on the reference's samples (every ceil(numel/1024)-th element).</summary>
    void AssertWeights(GanModel model, StateDict reference, int k, HashSet<string> zeroGrad, string mode)
    {
        foreach (var (name, net) in model.Networks)
        {
            long total = 0, close = 0;
            double worst = 0;
            foreach (var (key, value) in ModuleState.Ordered(net))
            {
                using var scope = NewDisposeScope();
                var flat = value.detach().flatten();
                var s = (long)Math.Ceiling(flat.numel() / 1024.0);
                var mine = (s <= 1 ? flat : flat[TensorIndex.Slice(0, null, s)]).to_type(ScalarType.Float64);
                var diff = (mine - reference[$"step{k}.{name}.{key}"].to_type(ScalarType.Float64)).abs();
                var maxDiff = diff.max().item<double>();
                worst = Math.Max(worst, maxDiff);
                Assert.True(maxDiff <= AdamSpread[k] * Lr + 1e-7, $"step {k} {name}.{key}: an element is {maxDiff} away");
                if (zeroGrad.Contains($"{name}.{key}")) continue;
                total += diff.numel();
                close += (diff <= k * 1e-5).sum().item<long>();
            }
            output.WriteLine($"{mode} step {k} {name}: {close} of {total} sampled elements within {k}e-5, " +
                $"largest difference {worst:G3}");
            Assert.True(close >= 0.999 * total, $"step {k} {name}: only {close} of {total} elements within {k}e-5");
        }
    }

    sealed class StopAfter(int iterations, CancellationTokenSource stop) : ITrainingObserver
    {
        int _seen;

        public void OnIteration(IterationInfo info)
        {
            if (++_seen == iterations) stop.Cancel();
        }
    }

    [Fact]
    public void A_run_stopped_and_continued_ends_with_the_weights_of_an_uninterrupted_run()
    {
        using var tmp = TestPaths.NewTempDir("cut-resume");
        SynthDataset.Write(new SynthOptions(tmp["data"], Size: 32, Train: 2, Test: 1));
        TrainOptions Run(string name)
        {
            var t = Options("CUT") with
            {
                Dataroot = tmp["data"], CheckpointsDir = tmp["ck"], Name = name, Seed = 5, NEpochs = 1,
                NEpochsDecay = 1, NoHtml = true, PrintFreq = 1, Compute = new() { Device = "cpu", Kernels = "fast" },
            };
            // every random draw of a step: flips and patch ids
            t.Flags<CutOptions>().FlipEquivariance = true;
            return t;
        }
        new Trainer(Run("whole"), []).Run();
        using (var stop = new CancellationTokenSource())
        {
            var first = new Trainer(Run("parts"), [new StopAfter(3, stop)]).Run(stop: stop.Token);
            Assert.True(first.StoppedEarly);
            Assert.Equal(3, first.TotalIters);
        }
        var rest = new Trainer(Run("parts") with { ContinueTrain = true }, []).Run();
        Assert.Equal(4, rest.TotalIters);
        foreach (var net in new[] { "G", "F", "D" })
        {
            using var whole = PthFile.Read(tmp[$"ck/whole/latest_net_{net}.pth"]);
            using var parts = PthFile.Read(tmp[$"ck/parts/latest_net_{net}.pth"]);
            Assert.Equal(whole.Keys, parts.Keys);
            Assert.NotEmpty(whole.Keys);
            foreach (var key in whole.Keys)
                Assert.True(whole[key].eq(parts[key]).all().IsTrue(), $"{net}.{key} differs from the uninterrupted run");
        }
        Assert.Equal(3, Directory.GetFiles(tmp["ck/parts/train_state"], "optimizer_*.bin").Length);
    }

    [Fact]
    public void Official_generator_checkpoint_translates_as_the_cut_generator_its_keys_show()
    {
        using var tmp = TestPaths.NewTempDir("cut-translate");
        using var io = SafeTensorsFile.Read(Cut("networks.safetensors"));
        Directory.CreateDirectory(tmp["in"]);
        ImageFile.SavePng(ImageTensor.TensorToImage(io["input"][0]), tmp["in/x.png"]);
        CliRunner.MustSucceed("translate", "--checkpoint", Cut("latest_net_G.pth"), "--netG", "resnet_6blocks",
            "--ngf", "4", "--input", tmp["in"], "--output", tmp["out"]);

        var opt = new TranslateOptions { NetG = "resnet_6blocks", Ngf = 4 };
        using var g = GeneratorCheckpoint.Load(opt, Cut("latest_net_G.pth"));
        Assert.IsType<CutResnetGenerator>(g);
        using var _ = no_grad();
        var input = ImageTensor.ToTensor(ImageFile.LoadRgb(tmp["in/x.png"])).unsqueeze(0);
        var expected = ImageTensor.TensorToImage(g.forward(input));
        var written = ImageFile.LoadRgb(tmp["out/x.png"]);
        Assert.Equal(expected.Pixels.Length, written.Pixels.Length);
        Assert.True(expected.Pixels.Zip(written.Pixels, (a, b) => Math.Abs(a - b)).Max() <= 1);
    }

    [Fact]
    public void Official_checkpoint_runs_through_test_into_one_folder_per_visual_within_one_level()
    {
        using var tmp = TestPaths.NewTempDir("cut-test");
        using var io = SafeTensorsFile.Read(Cut("networks.safetensors"));
        foreach (var (domain, index) in new[] { ("A", 0), ("B", 1) })
        {
            Directory.CreateDirectory(tmp[$"data/test{domain}"]);
            ImageFile.SavePng(ImageTensor.TensorToImage(io["input"][index]), tmp[$"data/test{domain}/{domain}1.png"]);
        }
        Directory.CreateDirectory(tmp["ck/cut"]);
        File.Copy(Cut("latest_net_G.pth"), tmp["ck/cut/latest_net_G.pth"]);
        CliRunner.MustSucceed("test", "--model", "cut", "--CUT_mode", "CUT", "--dataroot", tmp["data"], "--name", "cut",
            "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"], "--netG", "resnet_6blocks", "--ngf", "4",
            "--load_size", "32", "--crop_size", "32", "--phase", "test", "--num_test", "1");

        var images = tmp["results/cut/test_latest/images"];
        Assert.Equal(["fake_B", "real_A", "real_B"], Directory.GetDirectories(images).Select(Path.GetFileName).Order());
        Assert.True(File.Exists(Path.Combine(images, "real_B", "A1.png")), "CUT names every visual after the A image");
        Assert.Contains("fake_B/A1.png", File.ReadAllText(tmp["results/cut/test_latest/index.html"]));

        // The generator is the official one (its output within 1e-4 of the official output of the reference input);
        // what test wrote is that generator on the PNG it read, within one level.
        using var g = CutNetworks.CreateGenerator(new NetworkSpec { Ngf = 4, NetG = "resnet_6blocks" }, false, false);
        using (var sd = PthFile.Read(Cut("latest_net_G.pth"))) CheckpointLoader.Load(g, sd, "latest_net_G.pth");
        using var _ = no_grad();
        var official = (g.forward(io["input"]) - io["output"]).abs().max().item<float>();
        output.WriteLine($"G(reference input) vs official output: {official:G3}");
        Assert.True(official <= 1e-4, $"the generator differs from the official one by {official}");
        var input = ImageTensor.ToTensor(ImageFile.LoadRgb(tmp["data/testA/A1.png"])).unsqueeze(0);
        var expected = ImageTensor.TensorToImage(g.forward(input));
        var written = ImageFile.LoadRgb(Path.Combine(images, "fake_B", "A1.png"));
        Assert.Equal((expected.Width, expected.Height), (written.Width, written.Height));
        var levels = expected.Pixels.Zip(written.Pixels, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"fake_B written by test vs the generator: at most {levels} levels apart");
        Assert.True(levels <= 1, $"fake_B is {levels} levels from the generator's output");
    }
}
