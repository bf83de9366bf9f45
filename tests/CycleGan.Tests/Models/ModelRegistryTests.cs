using CycleGan.Data.Synth;
using CycleGan.Models;
using CycleGan.Options;
using CycleGan.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Tests.Models;

public sealed class ModelRegistryTests : IDisposable
{
    public void Dispose() => ModelRegistry.Unregister("toy_l1");

    sealed class Losses : ITrainingObserver
    {
        public List<IReadOnlyDictionary<string, double>> Reports { get; } = [];
        public void OnLosses(LossReport report) => Reports.Add(report.Losses);
    }

    /// <summary>Counts what the sync is given and zeroes it, as an all-reduce that averages to zero would.</summary>
    sealed class ZeroingSync : IGradientSync
    {
        public List<int> Calls { get; } = [];
        public void Average(IReadOnlyList<Tensor> gradients)
        {
            Calls.Add(gradients.Count);
            using var _ = no_grad();
            foreach (var g in gradients) g.zero_();
        }
    }

    static TrainOptions Tiny(string data, string checkpoints, string model) => TrainOptions.For(model) with
    {
        Dataroot = data, CheckpointsDir = checkpoints, Name = model, Compute = new() { Device = "cpu" }, Seed = 3, NoDropout = true,
        NetG = "resnet_6blocks", Ngf = 4, Ndf = 4, LoadSize = 32, CropSize = 32, NEpochs = 1, NEpochsDecay = 0,
        NoHtml = true, PrintFreq = 1, DisplayFreq = 1000,
    };

    [Fact]
    public void A_model_registered_by_one_line_trains_through_the_trainer_and_saves_its_network()
    {
        ModelRegistry.Register("toy_l1", new(c => new ToyModel(c), () => new ToyModel.Flags()));
        using var tmp = TestPaths.NewTempDir("toymodel");
        SynthDataset.Write(new SynthOptions(tmp["data"], Size: 32, Train: 2, Test: 1));
        var losses = new Losses();
        var opt = Tiny(tmp["data"], tmp["ck"], "toy_l1");
        Assert.Equal("aligned", opt.DatasetMode); // the toy's own default, applied by TrainOptions.For
        opt.SetFlag("lambda_toy", "2.5");

        var outcome = new Trainer(opt with { DatasetMode = "unaligned" }, [losses]).Run();

        Assert.Equal(2, outcome.TotalIters);
        Assert.True(File.Exists(tmp["ck/toy_l1/latest_net_G.pth"]));
        Assert.Equal(2, losses.Reports.Count);
        Assert.All(losses.Reports, r => Assert.True(r["L1"] > 0, "L1 is logged"));
        // The toy's own flag is recorded with the run, beside the shared ones.
        Assert.Matches(@"lambda_toy: 2\.5\s+\[default: 1\]", File.ReadAllText(tmp["ck/toy_l1/train_opt.txt"]));
    }

    [Fact]
    public void Gradient_sync_gets_each_optimizers_gradients_before_its_step_and_the_step_applies_what_it_leaves()
    {
        TorchRuntime.EnsureLoaded();
        var opt = TrainOptions.For("cycle_gan") with { NetG = "resnet_6blocks", Ngf = 4, Ndf = 4, CropSize = 32, NoDropout = true };
        using var model = ModelRegistry.Create(opt, isTrain: true, CPU);
        var sync = new ZeroingSync();
        model.GradientSync = sync;
        var before = model.Networks.ToDictionary(kv => kv.Key, kv => kv.Value.parameters().Select(p => p.detach().clone()).ToList());
        using var a = rand(1, 3, 32, 32) * 2 - 1;
        using var b = rand(1, 3, 32, 32) * 2 - 1;
        model.SetInput(a, b, ["a"], ["b"]);

        model.OptimizeParameters(new Rng(1));

        int ParameterCount(params string[] nets) => nets.Sum(n => model.Networks[n].parameters().Count());
        Assert.Equal([ParameterCount("G_A", "G_B"), ParameterCount("D_A", "D_B")], sync.Calls);
        // Adam's first step on all-zero gradients moves nothing: the step used the gradients the sync left.
        foreach (var (name, net) in model.Networks)
            foreach (var (p, p0) in net.parameters().Zip(before[name]))
                Assert.True((p.detach() - p0).abs().max().item<float>() == 0, $"{name} changed");
    }
}
