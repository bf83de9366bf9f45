using CycleGan.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static CycleGan.Tests.Checkpoints.CheckpointTestUtil;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Tests.Checkpoints;

public class CheckpointLoaderTests
{
    /// <summary>A miniature ResnetGenerator: same Sequential nesting and key names as the official one.</summary>
    sealed class TinyResnet : Module<Tensor, Tensor>
    {
        readonly Sequential model;

        public TinyResnet(string norm = "instance", int ngf = 4, int inputNc = 3, int blocks = 2, bool dropout = false) : base(nameof(TinyResnet))
        {
            var useBias = norm == "instance";
            Module<Tensor, Tensor> Norm(int c) => norm == "batch" ? BatchNorm2d(c) : InstanceNorm2d(c);
            var layers = new List<Module<Tensor, Tensor>> { ReflectionPad2d(3), Conv2d(inputNc, ngf, 7, padding: 0L, bias: useBias), Norm(ngf), ReLU(true) };
            for (var i = 0; i < blocks; i++) layers.Add(new TinyBlock(ngf, useBias, dropout, Norm));
            layers.Add(Conv2d(ngf, 3, 1));
            model = Sequential(layers);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => model.forward(x);
    }

    sealed class TinyBlock : Module<Tensor, Tensor>
    {
        readonly Sequential conv_block;

        public TinyBlock(int c, bool useBias, bool dropout, Func<int, Module<Tensor, Tensor>> norm) : base(nameof(TinyBlock))
        {
            var layers = new List<Module<Tensor, Tensor>> { ReflectionPad2d(1), Conv2d(c, c, 3, padding: 0L, bias: useBias), norm(c), ReLU(true) };
            if (dropout) layers.Add(Dropout(0.5));
            layers.AddRange([ReflectionPad2d(1), Conv2d(c, c, 3, padding: 0L, bias: useBias), norm(c)]);
            conv_block = Sequential(layers);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => x + conv_block.forward(x);
    }

    static string LoadError(Module net, StateDict sd) =>
        Assert.Throws<UserError>(() => CheckpointLoader.Load(net, sd, "latest_net_G.pth")).Message;

    [Fact]
    public void Module_prefixed_file_with_stale_instance_norm_stats_loads_and_reports_the_dropped_keys()
    {
        using var source = new TinyResnet();
        using var sd = FromModule(source, "module.");
        sd.Add("module.model.2.running_mean", torch.zeros(4));
        sd.Add("module.model.2.running_var", torch.ones(4));
        sd.Add("module.model.2.num_batches_tracked", torch.tensor(5L));
        using var net = new TinyResnet();

        var result = CheckpointLoader.Load(net, sd, "latest_net_G.pth");

        Assert.True(result.StrippedModulePrefix);
        Assert.Equal(["model.2.running_mean", "model.2.running_var", "model.2.num_batches_tracked"], result.DroppedKeys);
        using var expected = FromModule(source);
        using var actual = FromModule(net);
        AssertSameTensors(expected, actual);
    }

    [Fact]
    public void Float64_checkpoint_values_are_converted_to_the_networks_float32()
    {
        using var source = new TinyResnet();
        using var sd = new StateDict();
        foreach (var (k, t) in source.state_dict()) sd.Add(k, t.detach().to(ScalarType.Float64));
        using var net = new TinyResnet();
        CheckpointLoader.Load(net, sd, "x.pth");
        Assert.Equal(ScalarType.Float32, net.state_dict()["model.1.weight"].dtype);
        Assert.True(net.state_dict()["model.1.weight"].equal(source.state_dict()["model.1.weight"]).all().item<bool>());
    }

    [Fact]
    public void Batch_norm_checkpoint_into_instance_norm_network_hints_norm_batch()
    {
        using var sd = FromModule(new TinyResnet(norm: "batch"));
        Assert.Contains("looks like --norm batch", LoadError(new TinyResnet(norm: "instance"), sd));
    }

    [Fact]
    public void Instance_norm_checkpoint_into_batch_norm_network_hints_norm_instance()
    {
        using var sd = FromModule(new TinyResnet(norm: "instance"));
        Assert.Contains("looks like --norm instance", LoadError(new TinyResnet(norm: "batch"), sd));
    }

    [Fact]
    public void Checkpoint_without_dropout_into_network_with_dropout_hints_add_no_dropout()
    {
        using var sd = FromModule(new TinyResnet(dropout: false));
        Assert.Contains("the checkpoint was trained without dropout: add --no_dropout", LoadError(new TinyResnet(dropout: true), sd));
    }

    [Fact]
    public void Checkpoint_with_dropout_into_network_without_dropout_hints_remove_no_dropout()
    {
        using var sd = FromModule(new TinyResnet(norm: "batch", dropout: true));
        Assert.Contains("remove --no_dropout", LoadError(new TinyResnet(norm: "batch", dropout: false), sd));
    }

    [Fact]
    public void Different_first_conv_width_hints_the_checkpoints_ngf()
    {
        using var sd = FromModule(new TinyResnet(ngf: 8));
        var message = LoadError(new TinyResnet(ngf: 4), sd);
        Assert.Contains("looks like --ngf 8", message);
        Assert.Contains("model.1.weight: checkpoint [8, 3, 7, 7], network [4, 3, 7, 7]", message);
    }

    [Fact]
    public void Different_input_channels_hint_input_nc()
    {
        using var sd = FromModule(new TinyResnet(inputNc: 1));
        Assert.Contains("looks like --input_nc 1", LoadError(new TinyResnet(inputNc: 3), sd));
    }

    [Fact]
    public void Different_block_count_hints_a_different_netG_and_truncates_long_key_lists()
    {
        using var sd = FromModule(new TinyResnet(blocks: 9));
        var message = LoadError(new TinyResnet(blocks: 2), sd);
        Assert.Contains("looks like --netG resnet_9blocks", message);
        Assert.Contains("more]", message);
    }
}
