using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Evaluation;
using CycleGan.Networks;
using CycleGan.Tests.Cli;
using TorchSharp;

namespace CycleGan.Tests.Models;

/// <summary>The paper's baselines as models: each trains through the CLI, saves its networks, and `cyclegan test` translates with it.</summary>
public class BaselineModelTests
{
    static string[] Common(string dataroot, string ck, string name, string model) =>
    [
        "--dataroot", dataroot, "--name", name, "--checkpoints_dir", ck, "--model", model, "--ngf", "4", "--ndf", "4",
        "--netG", "resnet_6blocks", "--crop_size", "32", .. CoGanFlags(model),
    ];

    // --nz is CoGAN's own flag: another model refuses it.
    static string[] CoGanFlags(string model) => model == "cogan" ? ["--nz", "8"] : [];

    static readonly string[] CoGanTestFlags = ["--cogan_inference_steps", "5"];

    static void TrainAndTest(string model, string[] nets, string[] losses, params string[] extra)
    {
        using var tmp = TestPaths.NewTempDir("baseline-" + model);
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 3, Test: 2, Seed: 1));
        CliRunner.MustSucceed([
            "train", .. Common(tmp["data"], tmp["ck"], model, model), "--load_size", "32", "--n_epochs", "1", "--n_epochs_decay", "1",
            "--seed", "2", "--print_freq", "2", "--display_freq", "100", "--save_latest_freq", "100", "--no_html", .. extra,
        ]);
        foreach (var net in nets)
        {
            using var sd = PthFile.Read(tmp[$"ck/{model}/latest_net_{net}.pth"]);
            Assert.True(sd.Count > 0, net);
        }
        Assert.Contains($"model: {model}", File.ReadAllText(tmp[$"ck/{model}/train_opt.txt"]));
        var log = File.ReadAllLines(tmp[$"ck/{model}/loss_log.jsonl"]);
        Assert.Equal(3, log.Length);
        foreach (var loss in losses) Assert.Contains($"\"{loss}\"", log[0]);

        CliRunner.MustSucceed(["test", .. Common(tmp["data"], tmp["ck"], model, model), "--results_dir", tmp["results"], "--load_size", "32", .. (model == "cogan" ? CoGanTestFlags : [])]);
        var images = Directory.GetFiles(tmp[$"results/{model}/test_latest/images"]).Select(Path.GetFileName).ToHashSet();
        foreach (var stem in new[] { "t_00000", "t_00001" })
        {
            Assert.Contains($"{stem}_real_A.png", images);
            Assert.Contains($"{stem}_fake_B.png", images);
            var fake = ImageFile.LoadRgb(tmp[$"results/{model}/test_latest/images/{stem}_fake_B.png"]);
            Assert.Equal((32, 32), (fake.Width, fake.Height));
        }
    }

    [Fact]
    public void SimGan_trains_with_gan_and_self_regularisation_saves_G_and_D_and_translates() =>
        TrainAndTest("simgan", ["G", "D"], ["G_GAN", "G_reg", "D"], "--pool_size", "2");

    [Fact]
    public void FeatureGan_trains_with_the_ResNet18_feature_loss_saves_G_and_D_and_translates() =>
        TrainAndTest("feature_gan", ["G", "D"], ["G_GAN", "G_feat", "D"]);

    [Fact]
    public void CoGan_trains_coupled_networks_saves_the_shared_and_per_domain_parts_and_translates_by_latent_search() =>
        TrainAndTest("cogan", ["G_shared", "G_A", "G_B", "D_A", "D_B", "D_shared"], ["G_A", "G_B", "D_A", "D_B"]);

    [Fact]
    public void BiGan_trains_generator_encoder_and_joint_discriminator_and_translates_with_G() =>
        TrainAndTest("bigan", ["G", "E", "D"], ["G", "E", "D_real", "D_fake"]);

    [Fact]
    public void ResNet18Torch_gives_the_features_of_the_onnx_evaluation_model()
    {
        TorchRuntime.EnsureLoaded();
        var rng = new Random(5);
        var img = RgbImage.Create(224, 224, 3);
        for (int y = 0; y < 224; y++)
            for (int x = 0; x < 224; x++)
                for (int c = 0; c < 3; c++)
                    img[y, x, c] = (byte)Math.Clamp((x + y) / 2 + rng.Next(-40, 40) + 30 * c, 0, 255);
        using var onnx = new ResNet18Features();
        var expected = onnx.Extract(img);
        using var net = new ResNet18Torch();
        using var scope = torch.NewDisposeScope();
        var got = net.forward(ImageTensor.ToTensor(img).unsqueeze(0)).data<float>().ToArray();
        Assert.Equal(ResNet18Features.Dimension, got.Length);
        var maxDiff = expected.Zip(got, (e, g) => Math.Abs(e - g)).Max();
        var scale = expected.Max(Math.Abs);
        Assert.True(maxDiff <= 1e-3 * Math.Max(1, scale), $"max |onnx - torch| = {maxDiff} (feature scale {scale})");
    }

    [Fact]
    public void ResNet18Torch_is_differentiable_with_respect_to_its_input_and_has_no_parameters()
    {
        TorchRuntime.EnsureLoaded();
        using var net = new ResNet18Torch();
        Assert.Empty(net.parameters());
        using var scope = torch.NewDisposeScope();
        var x = torch.rand(1, 3, 32, 32).mul(2).sub(1).requires_grad_(true);
        net.forward(x).abs().sum().backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }
}
