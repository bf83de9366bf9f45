using System.Text.Json;
using CycleGan.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Tests.Networks;

public class NetworkRegistryTests
{
    public static TheoryData<string> KeyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TestPaths.Ref("keys"), "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(KeyFiles))]
    public void Every_registered_network_has_pytorch_keys_shapes_dtypes_and_parameter_count(string file)
    {
        TorchRuntime.EnsureLoaded();
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Ref("keys", file)));
        var root = doc.RootElement;
        var cfg = root.GetProperty("config");
        var kind = cfg.GetProperty("kind").GetString();
        var spec = ReferenceSpec.Read(cfg);
        using var net = kind == "G" ? NetworkRegistry.CreateGenerator(spec) : NetworkRegistry.CreateDiscriminator(spec, spec.InputNc);
        var ordered = ModuleState.Ordered(net);
        var sd = ordered.ToDictionary(kv => kv.Key, kv => kv.Value);
        var expected = root.GetProperty("keys").EnumerateObject().Select(p => (p.Name, Shape: p.Value.EnumerateArray().Select(x => x.GetInt64()).ToArray())).ToList();
        Assert.Equal(expected.Select(e => e.Name), ordered.Select(kv => kv.Key));
        foreach (var (name, shape) in expected)
            Assert.True(shape.SequenceEqual(sd[name].shape), $"{name}: expected [{string.Join(",", shape)}], got [{string.Join(",", sd[name].shape)}]");
        foreach (var p in root.GetProperty("dtypes").EnumerateObject())
            Assert.Equal(p.Value.GetString() == "int64" ? ScalarType.Int64 : ScalarType.Float32, sd[p.Name].dtype);
        Assert.Equal(root.GetProperty("params").GetInt64(), NetworkRegistry.ParameterCount(net));
    }

    [Theory]
    [InlineData("resnet_9blocks", "instance", 11_378_179L)]
    [InlineData("resnet_6blocks", "instance", 7_837_699L)]
    [InlineData("unet_256", "batch", 54_413_955L)]
    public void Generator_parameter_counts_match_the_official_ngf64_figures(string netG, string norm, long count)
    {
        TorchRuntime.EnsureLoaded();
        using var net = NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = netG, Norm = norm });
        Assert.Equal(count, NetworkRegistry.ParameterCount(net));
    }

    [Theory]
    [InlineData("basic", 3, 2_764_737L)]
    [InlineData("n_layers", 5, 11_154_369L)]
    public void Discriminator_parameter_counts_match_the_official_ndf64_figures(string netD, int nLayers, long count)
    {
        TorchRuntime.EnsureLoaded();
        using var net = NetworkRegistry.CreateDiscriminator(new NetworkSpec { NetD = netD, NLayersD = nLayers }, 3);
        Assert.Equal(count, NetworkRegistry.ParameterCount(net));
    }

    [Fact]
    public void Unknown_network_names_are_user_errors_naming_the_choices()
    {
        TorchRuntime.EnsureLoaded();
        var e = Assert.Throws<UserError>(() => NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = "resnet_7blocks" }));
        Assert.Contains("resnet_9blocks", e.Message);
        Assert.Throws<UserError>(() => NetworkRegistry.CreateDiscriminator(new NetworkSpec { NetD = "huge" }, 3));
        Assert.Throws<UserError>(() => NetworkRegistry.CreateGenerator(new NetworkSpec { Norm = "layer" }));
    }

    [Theory]
    [InlineData("normal", 0.02)]
    [InlineData("xavier", 0.02)]
    [InlineData("kaiming", 0.02)]
    [InlineData("orthogonal", 0.02)]
    public void Init_types_give_the_official_weight_statistics(string initType, double gain)
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(5);
        using var net = NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = "resnet_6blocks", Ngf = 8, Norm = "batch", InitType = initType, InitGain = gain });
        var sd = net.state_dict();
        // A 3x3 conv of the residual blocks: fan_in = 32*9 = 288, fan_out = 288.
        var w = sd["model.10.conv_block.1.weight"];
        var std = w.std().item<float>();
        var expectedStd = initType switch
        {
            "normal" => gain,
            "xavier" => gain * Math.Sqrt(2.0 / (288 + 288)),
            "kaiming" => Math.Sqrt(2.0 / 288),
            _ => gain / Math.Sqrt(288), // orthogonal rows of a 32x288 matrix have unit norm
        };
        Assert.InRange(std, expectedStd * 0.85, expectedStd * 1.15);
        // BatchNorm: weight ~ N(1, gain), bias 0, whatever the init type.
        var bnw = sd["model.2.weight"];
        Assert.InRange(bnw.mean().item<float>(), 1 - 4 * gain, 1 + 4 * gain);
        Assert.Equal(0f, sd["model.2.bias"].abs().max().item<float>());
        // The last conv has a bias; init sets it to 0.
        Assert.Equal(0f, sd["model.23.bias"].abs().max().item<float>());
    }
}
