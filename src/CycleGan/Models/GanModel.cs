using CycleGan.Checkpoints;
using CycleGan.Data;
using CycleGan.Networks;
using CycleGan.Options;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// What the official <c>BaseModel</c> provides: named networks, optimizers and schedulers, loss and visual names,
/// saving and loading <c>&lt;epoch&gt;_net_&lt;name&gt;.pth</c>. A model is its networks, its losses and one
/// optimisation step; the trainer, the CLI and the checkpoint code never switch on the model's name.
/// </summary>
public abstract class GanModel : IDisposable
{
    readonly Dictionary<string, Tensor> _losses = [];
    readonly Dictionary<string, Tensor> _visuals = [];

    protected GanModel(BaseOptions opt, bool isTrain, Device device)
    {
        Opt = opt;
        IsTrain = isTrain;
        Device = device;
        Compute = Compute.FromOptions(opt.Kernels, opt.Precision);
    }

    public BaseOptions Opt { get; }
    public bool IsTrain { get; }
    public Device Device { get; }

    /// <summary>Official <c>loss_names</c> (without the <c>loss_</c> prefix), in logging order.</summary>
    public abstract IReadOnlyList<string> LossNames { get; }
    /// <summary>Official <c>visual_names</c>, in display order.</summary>
    public abstract IReadOnlyList<string> VisualNames { get; }
    /// <summary>Networks by their official names (<c>G_A</c>, <c>D_A</c>, <c>G</c>, ...): the ones saved and loaded.</summary>
    public abstract IReadOnlyDictionary<string, Module<Tensor, Tensor>> Networks { get; }
    public IReadOnlyList<optim.Optimizer> Optimizers => _optimizers;
    public IReadOnlyList<LrScheduler> Schedulers => _schedulers;
    protected readonly List<optim.Optimizer> _optimizers = [];
    protected readonly List<LrScheduler> _schedulers = [];

    /// <summary>The model's image pools, saved with the training state for an exact resume.</summary>
    public virtual IReadOnlyList<ImagePool> Pools => [];

    /// <summary>Optional listener for the phases of a training step (profiling); null costs nothing.</summary>
    public IStepPhaseObserver? PhaseObserver { get; set; }

    /// <summary>Averages the gradients of one optimizer's parameters across processes before its step; null: one process.</summary>
    public IGradientSync? GradientSync { get; set; }

    protected void PhaseEnded(string phase) => PhaseObserver?.PhaseEnded(phase);

    /// <summary>Paths of the current input images (for naming result files).</summary>
    public IReadOnlyList<string> ImagePaths { get; protected set; } = [];

    /// <summary>Sets the batch: A and B as the dataset gives them; the model applies --direction.</summary>
    public abstract void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths);

    /// <summary>The current real_A and real_B on the model's device (owned by the model until the next batch).</summary>
    protected Tensor? RealA { get; private set; }
    protected Tensor? RealB { get; private set; }

    /// <summary>
    /// The official <c>set_input</c>: real_A is A and real_B is B, swapped for <c>--direction BtoA</c>; without a B
    /// (single datasets) real_A is A. <paramref name="missingB"/> is the error when B is required but absent.
    /// </summary>
    protected void TakeInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths, string? missingB)
    {
        if (b is null && missingB != null) throw new UserError(missingB);
        var aToB = !Opt.IsBtoA;
        RealA?.Dispose();
        RealB?.Dispose();
        RealA = OnDeviceInput(aToB || b is null ? a : b);
        RealB = b is null ? null : OnDeviceInput(aToB ? b : a);
        ImagePaths = aToB || bPaths is null ? aPaths : bPaths;
    }

    /// <summary>The inference forward of <c>test()</c>: runs under no_grad and records visuals.</summary>
    public abstract void Test();

    /// <summary>One official <c>optimize_parameters()</c>: gradients and optimizer steps, in the official order.</summary>
    public abstract void OptimizeParameters(Rng rng);

    /// <summary><c>--kernels</c> and <c>--precision</c> of every network this model builds (see <see cref="Networks.Compute"/>).</summary>
    public Compute Compute { get; }

    Tensor OnDeviceInput(Tensor t) => t.to(Device).DetachFromDisposeScope();

    /// <summary>Latest value of each loss (0 for losses not computed, like the official plain-number 0).</summary>
    public IReadOnlyDictionary<string, double> CurrentLosses() =>
        LossNames.ToDictionary(n => n, n => _losses.TryGetValue(n, out var t) ? t.ToDouble() : 0.0);

    /// <summary>Latest visuals (detached, owned by the model until the next step).</summary>
    public IReadOnlyDictionary<string, Tensor> CurrentVisuals() =>
        VisualNames.Where(_visuals.ContainsKey).ToDictionary(n => n, n => _visuals[n]);

    /// <summary>
    /// The visuals as the images that pages and result files show: official <c>compute_visuals</c> + <c>tensor2im</c>,
    /// except that a 1-channel visual stays a 1-channel image (the official code tiles it to 3).
    /// </summary>
    public virtual IReadOnlyDictionary<string, RgbImage> CurrentVisualImages() =>
        CurrentVisuals().ToDictionary(kv => kv.Key, kv => ImageTensor.TensorToImage(kv.Value, tileGray: false));

    /// <summary>A recorded visual by name, whether or not it is one of <see cref="VisualNames"/>.</summary>
    protected Tensor? RecordedVisual(string name) => _visuals.GetValueOrDefault(name);

    protected void RecordLoss(string name, Tensor value)
    {
        if (_losses.Remove(name, out var old)) old.Dispose();
        _losses[name] = value.detach().clone().DetachFromDisposeScope();
    }

    protected void RecordVisual(string name, Tensor value)
    {
        if (_visuals.Remove(name, out var old)) old.Dispose();
        _visuals[name] = value.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
    }

    protected static void SetRequiresGrad(bool requiresGrad, params Module<Tensor, Tensor>[] nets)
    {
        foreach (var net in nets)
            foreach (var p in net.parameters())
                p.requires_grad = requiresGrad;
    }

    /// <summary>
    /// The official <c>optimizer.zero_grad()</c> as PyTorch 2.x runs it (<c>set_to_none=True</c>): gradients are dropped,
    /// so the next backward writes them instead of adding them to zeroed buffers. TorchSharp's
    /// <c>Optimizer.zero_grad()</c> zeroes them in place, which costs a memset plus a read-add pass over every gradient
    /// (measured: under 1 % of a 128 px CycleGAN step). Adam skips parameters without a gradient, as PyTorch's does.
    /// </summary>
    protected static void ClearGradients(params Module[] nets)
    {
        foreach (var net in nets) net.zero_grad(set_to_none: true);
    }

    protected optim.Optimizer Adam(IEnumerable<TorchSharp.Modules.Parameter> parameters, TrainOptions t)
    {
        var opt = optim.Adam(parameters, t.Lr, t.Beta1, 0.999);
        _optimizers.Add(opt);
        _schedulers.Add(new LrScheduler(t.LrPolicy, t.Lr, t.NEpochs, t.NEpochsDecay, t.EpochCount, t.LrDecayIters));
        return opt;
    }

    protected NetworkSpec Spec(bool useDropout) => new()
    {
        InputNc = Opt.InputNc, OutputNc = Opt.OutputNc, Ngf = Opt.Ngf, Ndf = Opt.Ndf, NetG = Opt.NetG, NetD = Opt.NetD,
        NLayersD = Opt.NLayersD, Norm = Opt.Norm, UseDropout = useDropout, InitType = Opt.InitType, InitGain = Opt.InitGain,
    };

    protected Module<Tensor, Tensor> OnDevice(Module<Tensor, Tensor> net)
    {
        net.to(Device);
        return Compute.Apply(net);
    }

    /// <summary>Train mode, or eval mode (official <c>--eval</c> at test time).</summary>
    public void SetTrainMode(bool train)
    {
        foreach (var n in Networks.Values) n.train(train);
    }

    /// <summary>Official <c>update_learning_rate</c>: steps every scheduler once and applies the new rate.</summary>
    public (double Old, double New) UpdateLearningRate(double metric = 0)
    {
        var old = CurrentLearningRate;
        for (int i = 0; i < _optimizers.Count; i++)
        {
            var lr = _schedulers[i].Step(metric);
            SetLearningRate(_optimizers[i], lr);
        }
        return (old, CurrentLearningRate);
    }

    public void ApplySchedulerRates()
    {
        for (int i = 0; i < _optimizers.Count; i++) SetLearningRate(_optimizers[i], _schedulers[i].Lr);
    }

    public double CurrentLearningRate => _optimizers.Count > 0 ? _optimizers[0].ParamGroups.First().LearningRate : 0;

    static void SetLearningRate(optim.Optimizer opt, double lr)
    {
        foreach (var g in opt.ParamGroups) g.LearningRate = lr;
    }

    /// <summary>Official <c>save_networks</c>: <c>&lt;label&gt;_net_&lt;name&gt;.pth</c> in <paramref name="dir"/>, each written atomically.</summary>
    public void SaveNetworks(string dir, string label)
    {
        foreach (var (name, net) in Networks)
        {
            using var scope = NewDisposeScope();
            var cpu = ModuleState.Ordered(net).Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu())).ToList();
            PthFile.Write(Path.Combine(dir, $"{label}_net_{name}.pth"), cpu);
        }
    }

    /// <summary>Official <c>load_networks</c>: <c>&lt;label&gt;_net_&lt;name&gt;.pth</c> (or a file per network name given by <paramref name="fileFor"/>).</summary>
    public void LoadNetworks(string dir, string label, Func<string, string>? fileFor = null)
    {
        foreach (var (name, net) in Networks)
        {
            var path = fileFor?.Invoke(name) ?? Path.Combine(dir, $"{label}_net_{name}.pth");
            LoadNetwork(net, path, name);
        }
    }

    public static void LoadNetwork(Module<Tensor, Tensor> net, string path, string what)
    {
        if (!File.Exists(path))
            throw new UserError($"checkpoint for {what} not found: {path}");
        using var sd = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? SafeTensorsFile.Read(path) : PthFile.Read(path);
        CheckpointLoader.Load(net, sd, path);
    }

    public virtual void Dispose()
    {
        RealA?.Dispose();
        RealB?.Dispose();
        foreach (var t in _losses.Values) t.Dispose();
        foreach (var t in _visuals.Values) t.Dispose();
        _losses.Clear();
        _visuals.Clear();
        foreach (var o in _optimizers) o.Dispose();
        foreach (var n in Networks.Values) n.Dispose();
        GC.SuppressFinalize(this);
    }
}
