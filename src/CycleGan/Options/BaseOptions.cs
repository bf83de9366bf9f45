using CycleGan.Data;
using CycleGan.Models;
using CycleGan.Networks;

namespace CycleGan.Options;

/// <summary>
/// The official <c>options/base_options.py</c> at commit 2a7afba: every flag shared by training and testing,
/// with the official names and defaults (the generator's in <see cref="GeneratorOptions"/>, the model's own in
/// <see cref="ModelFlags"/>), plus <c>--device</c>,
/// <c>--seed</c>, <c>--precision</c> and <c>--kernels</c>. Allowed values come from the registries that build them.
/// </summary>
public record BaseOptions : GeneratorOptions
{
    [Option("dataroot", "path to images (should have subfolders trainA, trainB, valA, valB, etc)")]
    public string Dataroot { get; set; } = "";
    [Option("name", "name of the experiment: where samples and models are stored")]
    public string Name { get; set; } = "experiment_name";
    [Option("checkpoints_dir", "models are saved here")]
    public string CheckpointsDir { get; set; } = "./checkpoints";
    [Option("gpu_ids", "accepted for compatibility: -1 means --device cpu, otherwise --device cuda:<first id>")]
    public string GpuIds { get; set; } = "";
    /// <summary><c>--device</c>, <c>--precision</c>, <c>--kernels</c>.</summary>
    [OptionGroup]
    public ComputeOptions Compute { get; set; } = new();

    [Option("model", "chooses which model to use", ChoicesFrom = typeof(ModelRegistry))]
    public string Model { get; set; } = "cycle_gan";
    [Option("ndf", "# of discrim filters in the first conv layer")]
    public int Ndf { get; set; } = 64;
    [Option("netD", "specify discriminator architecture", ChoicesFrom = typeof(NetworkRegistry),
        ChoicesMember = nameof(NetworkRegistry.DiscriminatorNames))]
    public string NetD { get; set; } = "basic";
    [Option("n_layers_D", "only used if netD==n_layers")]
    public int NLayersD { get; set; } = 3;
    [Option("init_type", "network initialization", ChoicesFrom = typeof(WeightInit), ChoicesMember = nameof(WeightInit.Types))]
    public string InitType { get; set; } = "normal";
    [Option("init_gain", "scaling factor for normal, xavier and orthogonal")]
    public double InitGain { get; set; } = 0.02;

    /// <summary>
    /// The flags and defaults of <see cref="Model"/>, declared beside the model (e.g. <c>Models/CycleGanOptions</c>);
    /// null until the options are made for a model with <c>TrainOptions.For(model)</c> / <c>TestOptions.For(model)</c>.
    /// </summary>
    public ModelOptions? ModelFlags { get; set; }

    /// <summary>The flags of <see cref="Model"/> as its options record (e.g. <c>Flags&lt;CycleGanOptions&gt;()</c>).</summary>
    public T Flags<T>() where T : ModelOptions => ModelFlags as T ?? throw new InvalidOperationException(
        $"--model {Model} options carry {ModelFlags?.GetType().Name ?? "no model flags"}, not {typeof(T).Name}: make them " +
        $"with TrainOptions.For(\"{Model}\") or TestOptions.For(\"{Model}\")");

    /// <summary>Sets a flag by its name from its command-line text, as if given (the model's own flags included).</summary>
    public void SetFlag(string name, string value)
    {
        var info = OptionInfo.All(this).FirstOrDefault(i => i.Name == name)
            ?? throw new UserError($"--{name} is not a flag of --model {Model}");
        info.SetValue(this, info.Parse(value));
    }

    [Option("dataset_mode", "chooses how datasets are loaded", ChoicesFrom = typeof(DatasetRegistry),
        ChoicesMember = nameof(DatasetRegistry.Names))]
    public string DatasetMode { get; set; } = "unaligned";
    [Option("direction", "AtoB or BtoA", Choices = ["AtoB", "BtoA"])]
    public string Direction { get; set; } = "AtoB";
    [Option("serial_batches", "if true, takes images in order to make batches, otherwise takes them randomly")]
    public bool SerialBatches { get; set; }
    [Option("num_threads", "# threads for loading data (here: prefetch depth of the background loader)")]
    public int NumThreads { get; set; } = 4;
    [Option("batch_size", "input batch size")]
    public int BatchSize { get; set; } = 1;
    [Option("load_size", "scale images to this size")]
    public int LoadSize { get; set; } = 286;
    [Option("crop_size", "then crop to this size")]
    public int CropSize { get; set; } = 256;
    [Option("max_dataset_size", "maximum number of samples allowed per dataset")]
    public long MaxDatasetSize { get; set; } = long.MaxValue;
    [Option("preprocess", "scaling and cropping of images at load time", ChoicesFrom = typeof(DataOptions),
        ChoicesMember = nameof(DataOptions.PreprocessModes))]
    public string Preprocess { get; set; } = "resize_and_crop";
    [Option("no_flip", "if specified, do not flip the images for data augmentation")]
    public bool NoFlip { get; set; }
    [Option("display_winsize", "display window size for the HTML pages")]
    public int DisplayWinsize { get; set; } = 256;

    [Option("epoch", "which epoch to load? set to latest to use latest cached model")]
    public string Epoch { get; set; } = "latest";
    [Option("load_iter", "which iteration to load? if load_iter > 0, load models by iter_[load_iter]; otherwise by [epoch]")]
    public int LoadIter { get; set; }
    [Option("suffix", "customized suffix: opt.name = opt.name + suffix, e.g. {model}_{netG}_size{load_size}")]
    public string Suffix { get; set; } = "";
    [Option("use_wandb", "accepted and ignored (no network here)")]
    public bool UseWandb { get; set; }
    [Option("wandb_project_name", "accepted and ignored")]
    public string WandbProjectName { get; set; } = "CycleGAN-and-pix2pix";

    [Option("seed", "random seed for initialisation, data order, augmentation, pool and dropout (-1: from the clock)")]
    public int Seed { get; set; } = -1;

    /// <summary>The channel count of the generator's input and output for the configured direction.</summary>
    public bool IsBtoA => Direction == "BtoA";

    /// <summary>The official <c>--suffix</c> expansion: <c>{model}_{netG}</c> style placeholders from option values.</summary>
    public void ApplySuffix()
    {
        if (string.IsNullOrEmpty(Suffix)) return;
        var s = Suffix;
        foreach (var p in OptionInfo.All(this))
            s = s.Replace("{" + p.Name + "}", Convert.ToString(p.GetValue(this), System.Globalization.CultureInfo.InvariantCulture));
        Name = Name + "_" + s;
    }

    /// <summary>Device spec after folding the legacy <c>--gpu_ids</c> into <c>--device</c>.</summary>
    public string DeviceSpec()
    {
        if (!string.IsNullOrEmpty(Compute.Device)) return Compute.Device;
        if (string.IsNullOrEmpty(GpuIds)) return "";
        var first = GpuIds.Split(',')[0].Trim();
        return first == "-1" ? "cpu" : "cuda:" + first;
    }
}
