using System.Text.Json.Serialization;
using CycleGan.Options;

namespace CycleGan.Quickstart;

/// <summary>
/// What <c>cyclegan quickstart</c> does: a synthetic street dataset, a small CycleGAN trained on the CPU for at most
/// <see cref="Minutes"/>, both test directions translated and photo→labels scored. The defaults are sized so that
/// the translation visibly works within the budget on 2 CPU cores.
/// </summary>
public sealed record QuickstartOptions
{
    /// <summary>Folder for index.html, scores.json and the data, checkpoints and results behind them.</summary>
    [Option("output", "folder for index.html, scores.json, the data, checkpoints and results")]
    [JsonPropertyName("output")] public string Output { get; init; } = "./quickstart";
    /// <summary>Training budget in minutes: training stops cleanly (latest saved) at the first iteration after it.</summary>
    [Option("minutes", "training budget in minutes; training stops cleanly when it is spent")]
    [JsonPropertyName("minutes")] public double Minutes { get; init; } = 8;
    /// <summary>Image size of the synthetic dataset and of training.</summary>
    [Option("size", "image size", Hidden = true)]
    [JsonPropertyName("size")] public int Size { get; init; } = 32;
    /// <summary>Training scenes per domain.</summary>
    [Option("train", "training scenes per domain", Hidden = true)]
    [JsonPropertyName("train")] public int Train { get; init; } = 400;
    /// <summary>Test scenes, translated in both directions and scored.</summary>
    [Option("test", "test scenes", Hidden = true)]
    [JsonPropertyName("test")] public int Test { get; init; } = 100;
    [JsonPropertyName("netG")] public string NetG { get; init; } = "resnet_6blocks";
    [Option("ngf", "generator width", Hidden = true)]
    [JsonPropertyName("ngf")] public int Ngf { get; init; } = 16;
    [Option("ndf", "discriminator width", Hidden = true)]
    [JsonPropertyName("ndf")] public int Ndf { get; init; } = 16;
    [Option("lr", "initial learning rate", Hidden = true)]
    [JsonPropertyName("lr")] public double Lr { get; init; } = 0.0002;
    [Option("lambda_identity", "weight of the identity loss", Hidden = true)]
    [JsonPropertyName("lambda_identity")] public double LambdaIdentity { get; init; } = 0.5;
    /// <summary>Epochs at the initial learning rate (the official n_epochs).</summary>
    [Option("n_epochs", "epochs at the initial learning rate", Hidden = true)]
    [JsonPropertyName("n_epochs")] public int NEpochs { get; init; } = 5;
    /// <summary>Epochs of linear decay to zero (the official n_epochs_decay).</summary>
    [Option("n_epochs_decay", "epochs of linear decay", Hidden = true)]
    [JsonPropertyName("n_epochs_decay")] public int NEpochsDecay { get; init; } = 5;
    [Option("seed", "random seed", Hidden = true)]
    [JsonPropertyName("seed")] public int Seed { get; init; }
    /// <summary>cpu, cuda or cuda:N; the quickstart is meant for the CPU.</summary>
    [Option("device", ComputeOptions.DeviceHelp, Hidden = true)]
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    /// <summary>
    /// fp32, bf16 (mixed precision, see <see cref="Networks.Conv"/>) or auto (default: bf16 where this CPU computes the
    /// quickstart's network faster in it, <see cref="Networks.PrecisionChoice"/>) for training and translating. bf16
    /// learns as well here (docs/measurements.md); <c>train</c> keeps fp32, the official numbers.
    /// </summary>
    [Option("precision", ComputeOptions.PrecisionHelp + "; auto: bf16 where this CPU runs the network faster in it",
        ChoicesFrom = typeof(Networks.Compute), ChoicesMember = nameof(Networks.Compute.Precisions))]
    [JsonPropertyName("precision")] public string Precision { get; init; } = "auto";
    /// <summary>Example rows on the page.</summary>
    [JsonPropertyName("examples")] public int Examples { get; init; } = 8;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Output)) throw new UserError("--output is empty; give the folder to write the quickstart to");
        if (!(Minutes > 0)) throw new UserError($"--minutes {Minutes} is not allowed; give a positive training budget in minutes (e.g. 8)");
        // The basic PatchGAN discriminator's last 4x4 convolutions need at least 32 px.
        if (Size < 32 || Size % 4 != 0) throw new UserError($"--size {Size} is not allowed; use a multiple of 4 that is " +
            $"at least 32 (e.g. 32 or 64)");
        if (Train < 1) throw new UserError($"--train {Train} is not allowed; give at least 1 training scene");
        if (Test < 1) throw new UserError($"--test {Test} is not allowed; give at least 1 test scene");
        if (Ngf < 1 || Ndf < 1) throw new UserError("--ngf and --ndf must be positive");
        if (NEpochs < 1 || NEpochsDecay < 0) throw new UserError("--n_epochs must be at least 1 and --n_epochs_decay at least 0");
        if (!Networks.Compute.Precisions.Contains(Precision)) throw new UserError($"--precision {Precision}: expected fp32, bf16 or auto");
    }
}
