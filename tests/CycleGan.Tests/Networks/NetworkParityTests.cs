using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Tests.Networks;

/// <summary>Network outputs from official checkpoints against PyTorch's, within the reference's 1e-4.</summary>
public class NetworkParityTests
{
    static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    static Module<Tensor, Tensor> Load(NetworkSpec spec, bool isG, string checkpoint, int dInputNc = 3)
    {
        TorchRuntime.EnsureLoaded();
        var net = isG ? NetworkRegistry.CreateGenerator(spec) : NetworkRegistry.CreateDiscriminator(spec, dInputNc);
        using var sd = checkpoint.EndsWith(".safetensors") ? SafeTensorsFile.Read(checkpoint) : PthFile.Read(checkpoint);
        CheckpointLoader.Load(net, sd, checkpoint);
        return net;
    }

    static Tensor Run(Module<Tensor, Tensor> net, Tensor input, bool train = false)
    {
        net.train(train);
        if (train)
            foreach (var (_, m) in net.named_modules())
                if (m is Dropout d) d.eval();
        using var _ = no_grad();
        return net.forward(input);
    }

    [Fact]
    public void Resnet9_ngf64_generator_matches_pytorch_within_1e_4()
    {
        using var net = Load(new NetworkSpec { Ngf = 64, NetG = "resnet_9blocks" }, true, TestPaths.Ref("resnet9_ngf64", "latest_net_G.pth"));
        using var io = SafeTensorsFile.Read(TestPaths.Ref("resnet9_ngf64", "io.safetensors"));
        Assert.True(MaxDiff(Run(net, io["input"]), io["output"]) <= 1e-4);
    }

    [Fact]
    public void Basic_discriminator_ndf64_matches_pytorch_within_1e_4()
    {
        using var net = Load(new NetworkSpec { Ndf = 64, NetD = "basic" }, false, TestPaths.Ref("basicD_ndf64", "latest_net_D.pth"));
        using var io = SafeTensorsFile.Read(TestPaths.Ref("basicD_ndf64", "io.safetensors"));
        var output = Run(net, io["input"]);
        Assert.Equal(new long[] { 1, 1, 30, 30 }, output.shape);
        Assert.True(MaxDiff(output, io["output"]) <= 1e-4);
    }

    [Theory]
    [InlineData("latest_net_G.pth")]
    [InlineData("latest_net_G_tracked.pth")]
    [InlineData("latest_net_G_module.pth")]
    [InlineData("weights.safetensors")]
    public void Legacy_ngf8_checkpoints_load_and_match_pytorch_without_the_stale_statistics(string file)
    {
        using var net = Load(new NetworkSpec { Ngf = 8, NetG = "resnet_9blocks" }, true, TestPaths.Ref("legacy_ngf8", file));
        using var io = SafeTensorsFile.Read(TestPaths.Ref("legacy_ngf8", "io.safetensors"));
        var output = Run(net, io["input"]);
        Assert.True(MaxDiff(output, io["output"]) <= 1e-4);
        Assert.True(MaxDiff(output, io["output_if_stale_stats_used"]) > 1e-2, "the stale InstanceNorm statistics must not be used");
    }

    [Fact]
    public void Unet_batchnorm_matches_pytorch_in_eval_and_train_mode_and_updates_running_stats()
    {
        var spec = new NetworkSpec { Ngf = 8, NetG = "unet_256", Norm = "batch", UseDropout = true };
        using var io = SafeTensorsFile.Read(TestPaths.Ref("unet_ngf8_batch", "io.safetensors"));
        using (var net = Load(spec, true, TestPaths.Ref("unet_ngf8_batch", "latest_net_G.pth")))
            Assert.True(MaxDiff(Run(net, io["input"]), io["output_eval"]) <= 1e-4);
        using var trained = Load(spec, true, TestPaths.Ref("unet_ngf8_batch", "latest_net_G.pth"));
        Assert.True(MaxDiff(Run(trained, io["input"], train: true), io["output_train"]) <= 1e-4);
        var state = ModuleState.Ordered(trained).ToDictionary(kv => kv.Key, kv => kv.Value);
        int checkedBuffers = 0;
        foreach (var (key, expected) in io)
        {
            if (!key.StartsWith("after_train_forward.")) continue;
            var mine = state[key["after_train_forward.".Length..]];
            if (mine.dtype == ScalarType.Int64) Assert.Equal(expected.item<long>(), mine.item<long>());
            else Assert.True(MaxDiff(mine, expected) <= 1e-6, key);
            checkedBuffers++;
        }
        Assert.True(checkedBuffers > 10);
    }

    [Fact]
    public void Shared_storage_discriminator_matches_pytorch()
    {
        var spec = new NetworkSpec { Ndf = 8, NetD = "basic", Norm = "batch" };
        using var io = SafeTensorsFile.Read(TestPaths.Ref("shared_storage", "io.safetensors"));
        foreach (var file in new[] { "latest_net_D.pth", "latest_net_D_legacy.pth" })
        {
            using var net = Load(spec, false, TestPaths.Ref("shared_storage", file));
            Assert.True(MaxDiff(Run(net, io["input"]), io["output"]) <= 1e-4, file);
        }
    }

    public static TheoryData<string> MatrixCases()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Ref("matrix", "index.json")));
        foreach (var p in doc.RootElement.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(MatrixCases))]
    public void Every_matrix_variant_matches_pytorch_in_eval_and_train_mode(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Ref("matrix", "index.json")));
        var c = doc.RootElement.GetProperty(name);
        var isG = c.GetProperty("kind").GetString() == "G";
        var spec = ReferenceSpec.Read(c);
        var file = TestPaths.Ref("matrix", name, isG ? "latest_net_G.pth" : "latest_net_D.pth");
        using var io = SafeTensorsFile.Read(TestPaths.Ref("matrix", name, "io.safetensors"));
        using (var net = Load(spec, isG, file, spec.InputNc))
        {
            Assert.Equal(c.GetProperty("params").GetInt64(), NetworkRegistry.ParameterCount(net));
            Assert.True(MaxDiff(Run(net, io["input"]), io["output"]) <= 1e-4, "eval output");
        }
        if (c.GetProperty("has_output_train").GetBoolean())
        {
            using var net = Load(spec, isG, file, spec.InputNc);
            Assert.True(MaxDiff(Run(net, io["input"], train: true), io["output_train"]) <= 1e-4, "train output");
        }
    }
}
