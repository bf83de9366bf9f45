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
    readonly Dictionary<string, Module<Tensor, Tensor>> _networks = [];
    readonly List<AdamOptimizer> _optimizers = [];
    readonly List<LrScheduler> _schedulers = [];
    readonly List<ImagePool> _pools = [];
    Tensor? _realA, _realB;

    protected GanModel(ModelContext c)
    {
        Opt = c.Opt;
        IsTrain = c.IsTrain;
        Device = c.Device;
        Compute = Compute.FromOptions(c.Opt.Compute.Kernels, c.Opt.Compute.Precision,
            PrecisionChoice.Probe.ForGenerator(c.Opt.Ngf, c.Opt.CropSize));
    }

    public BaseOptions Opt { get; }
    public bool IsTrain { get; }
    public Device Device { get; }

    /// <summary>Official <c>loss_names</c> (without the <c>loss_</c> prefix), in logging order.</summary>
    public abstract IReadOnlyList<string> LossNames { get; }
    /// <summary>Official <c>visual_names</c>, in display order.</summary>
    public abstract IReadOnlyList<string> VisualNames { get; }
    /// <summary>Networks by their official names (<c>G_A</c>, <c>D_A</c>, <c>G</c>, ...): the ones saved and loaded.</summary>
    public IReadOnlyDictionary<string, Module<Tensor, Tensor>> Networks => _networks;
    public IReadOnlyList<AdamOptimizer> Optimizers => _optimizers;
    public IReadOnlyList<LrScheduler> Schedulers => _schedulers;

    /// <summary>The model's image pools, saved with the training state for an exact resume.</summary>
    public IReadOnlyList<ImagePool> Pools => _pools;

    /// <summary>Optional listener for the phases of a training step (profiling); null costs nothing.</summary>
    public IStepPhaseObserver? PhaseObserver { get; set; }

    /// <summary>Data-parallel training: when set, every optimizer step first averages its gradients through it.</summary>
    public IGradientSync? GradientSync { get; set; }

    /// <summary>Paths of the current input images (for naming result files).</summary>
    public IReadOnlyList<string> ImagePaths { get; protected set; } = [];

    /// <summary>Sets the batch: A and B as the dataset gives them; the model applies --direction.</summary>
    public abstract void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths);

    /// <summary>The current real_A on the model's device (owned by the model until the next batch).</summary>
    protected Tensor RealA => _realA ?? throw new InvalidOperationException("no input set");
    /// <summary>The current real_B; an error for a batch without B (single datasets).</summary>
    protected Tensor RealB => _realB ?? throw new InvalidOperationException("the input has no B images");
    /// <summary>The current real_B, or null for a batch without B.</summary>
    protected Tensor? RealBIfAny => _realB;

    /// <summary>
    /// The official <c>set_input</c>: real_A is A and real_B is B, swapped for <c>--direction BtoA</c>; without a B
    /// (single datasets) real_A is A. <paramref name="missingB"/> is the error when B is required but absent.
    /// </summary>
    protected void TakeInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths, string? missingB)
    {
        if (b is null && missingB != null) throw new UserError(missingB);
        var aToB = !Opt.IsBtoA;
        _realA?.Dispose();
        _realB?.Dispose();
        _realA = OnDeviceInput(aToB || b is null ? a : b);
        _realB = b is null ? null : OnDeviceInput(aToB ? b : a);
        ImagePaths = aToB || bPaths is null ? aPaths : bPaths;
    }

    /// <summary>The official <c>test()</c>: <see cref="ForwardVisuals"/> under no_grad, recorded as the current visuals.</summary>
    public void Test()
    {
        using var scope = NewDisposeScope();
        using (no_grad()) RecordVisuals(ForwardVisuals());
    }

    /// <summary>The official <c>forward()</c> as <c>test()</c> runs it, as visuals by name (null: not computed).</summary>
    protected abstract IEnumerable<(string Name, Tensor? Value)> ForwardVisuals();

    /// <summary>One official <c>optimize_parameters()</c>: gradients and optimizer steps, in the official order.</summary>
    public abstract void OptimizeParameters(Rng rng);

    /// <summary><c>--kernels</c> and <c>--precision</c> of every network this model builds (see <see cref="Networks.Compute"/>).</summary>
    public Compute Compute { get; }

    Tensor OnDeviceInput(Tensor t) => t.to(Device).DetachFromDisposeScope();

    /// <summary>Latest value of each loss (0 for losses not computed, like the official plain-number 0).</summary>
    public IReadOnlyDictionary<string, double> CurrentLosses() =>
        LossNames.ToDictionary(n => n, n => _losses.TryGetValue(n, out var t) ? t.Value() : 0.0);

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

    /// <summary>A loss that is not computed in this configuration (logged as 0).</summary>
    protected Tensor ZeroLoss() => zeros([], device: Device);

    protected void RecordVisual(string name, Tensor value)
    {
        if (_visuals.Remove(name, out var old)) old.Dispose();
        _visuals[name] = value.detach().to(ScalarType.Float32).clone().DetachFromDisposeScope();
    }

    /// <summary>Records every visual that was computed (a null value is skipped).</summary>
    protected void RecordVisuals(IEnumerable<(string Name, Tensor? Value)> visuals)
    {
        foreach (var (name, value) in visuals)
            if (value is not null) RecordVisual(name, value);
    }

    /// <summary>Runs one phase of a training step and tells <see cref="PhaseObserver"/> that it ended.</summary>
    protected void Phase(string name, Action step)
    {
        step();
        PhaseObserver?.PhaseEnded(name);
    }

    /// <inheritdoc cref="Phase(string, Action)"/>
    protected T Phase<T>(string name, Func<T> step)
    {
        var result = step();
        PhaseObserver?.PhaseEnded(name);
        return result;
    }

    /// <summary>The error for a training call on a model built for testing.</summary>
    protected static InvalidOperationException BuiltForTesting() => new("model was built for testing");

    protected static void SetRequiresGrad(bool requiresGrad, params IEnumerable<Module<Tensor, Tensor>> nets)
    {
        foreach (var net in nets)
            foreach (var p in net.parameters())
                p.requires_grad = requiresGrad;
    }

    /// <summary>The official <c>set_requires_grad(nets, requires_grad)</c> over the networks of one optimizer.</summary>
    protected static void SetRequiresGrad(bool requiresGrad, OptimizerGroup group) => SetRequiresGrad(requiresGrad, group.Networks);

    /// <summary>
    /// The official <c>optimizer.zero_grad()</c> as PyTorch 2.x runs it (<c>set_to_none=True</c>): gradients are dropped,
    /// so the next backward writes them instead of adding them to zeroed buffers (TorchSharp's
    /// <c>Optimizer.zero_grad()</c> zeroes in place). <see cref="AdamOptimizer"/> skips parameters without a gradient, as PyTorch's does.
    /// </summary>
    protected static void ClearGradients(OptimizerGroup group)
    {
        foreach (var net in group.Networks) net.zero_grad(set_to_none: true);
    }

    /// <summary>
    /// The one place an optimizer steps. With <see cref="GradientSync"/> set, the gradients of
    /// <paramref name="parameters"/> that have one are averaged through it first, in parameter order.
    /// </summary>
    protected void StepOptimizer(AdamOptimizer opt, IReadOnlyList<TorchSharp.Modules.Parameter> parameters)
    {
        if (GradientSync is { } sync)
        {
            var gradients = new List<Tensor>(parameters.Count);
            foreach (var p in parameters)
                if (p.grad is { } g) gradients.Add(g);
            sync.Average(gradients);
        }
        opt.Step();
    }

    /// <summary>The official <c>optimizer.step()</c> of one group (through <see cref="StepOptimizer"/>).</summary>
    protected void Step(OptimizerGroup group) => StepOptimizer(group.Optimizer, group.Parameters);

    /// <summary>
    /// The G half of an official step: D frozen (no .grad for D, gradients still flow through it), then
    /// <paramref name="g"/> (and <paramref name="alsoStepping"/>) cleared, backward, stepped, as the phases
    /// "&lt;who&gt; losses, backward" and "&lt;who&gt; optimizer".
    /// </summary>
    protected void StepGenerator(OptimizerGroup g, OptimizerGroup frozenD, Action backward, string who = "G",
        OptimizerGroup? alsoStepping = null)
    {
        SetRequiresGrad(false, frozenD);
        ClearGradients(g);
        if (alsoStepping is { } also) ClearGradients(also);
        Phase($"{who} losses, backward", backward);
        Phase($"{who} optimizer", () =>
        {
            Step(g);
            if (alsoStepping is { } also) Step(also);
        });
    }

    /// <summary>The D half of an official step: D trainable again, its gradients cleared, backward, stepped.</summary>
    protected void StepDiscriminator(OptimizerGroup d, Action backward, string backwardPhase = "D losses, backward")
    {
        SetRequiresGrad(true, d);
        ClearGradients(d);
        Phase(backwardPhase, backward);
        Phase("D optimizer", () => Step(d));
    }

    /// <summary>Official Adam over <paramref name="networks"/> (--lr, --beta1) with its --lr_policy scheduler.</summary>
    protected OptimizerGroup Adam(TrainOptions t, params Module<Tensor, Tensor>[] networks)
    {
        var parameters = networks.SelectMany(n => n.parameters()).ToList();
        var opt = new AdamOptimizer(parameters, t.Lr, t.Beta1, 0.999);
        _optimizers.Add(opt);
        _schedulers.Add(new LrScheduler(t.LrPolicy, t.Lr, t.NEpochs, t.NEpochsDecay, t.EpochCount, t.LrDecayIters));
        return new OptimizerGroup(opt, networks, parameters);
    }

    /// <summary>Adds a network under its official name (saved and loaded as <c>&lt;epoch&gt;_net_&lt;name&gt;.pth</c>).</summary>
    protected Module<Tensor, Tensor> AddNetwork(string name, Module<Tensor, Tensor> net)
    {
        _networks.Add(name, net);
        return net;
    }

    /// <summary>An image pool of <paramref name="size"/> images, saved with the training state and owned by the model.</summary>
    protected ImagePool AddPool(int size)
    {
        var pool = new ImagePool(size);
        _pools.Add(pool);
        return pool;
    }

    /// <summary>A --netG generator from <paramref name="inputNc"/> to <paramref name="outputNc"/> channels, on the device.</summary>
    protected Module<Tensor, Tensor> Generator(int inputNc, int outputNc) =>
        OnDevice(NetworkRegistry.CreateGenerator(Spec(!Opt.NoDropout) with { InputNc = inputNc, OutputNc = outputNc }));

    /// <summary>A --netD discriminator on <paramref name="inputNc"/> channels, on the device.</summary>
    protected Module<Tensor, Tensor> Discriminator(int inputNc) =>
        OnDevice(NetworkRegistry.CreateDiscriminator(Spec(false), inputNc));

    protected NetworkSpec Spec(bool useDropout) => new()
    {
        InputNc = Opt.InputNc, OutputNc = Opt.OutputNc, Ngf = Opt.Ngf, Ndf = Opt.Ndf, NetG = Opt.NetG, NetD = Opt.NetD,
        NLayersD = Opt.NLayersD, Norm = Opt.Norm, UseDropout = useDropout, InitType = Opt.InitType, InitGain = Opt.InitGain,
    };

    protected Module<Tensor, Tensor> OnDevice(Module<Tensor, Tensor> net)
    {
        net.to(Device);
        return Compute.Apply(net, gradients: IsTrain);
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
            _optimizers[i].LearningRate = lr;
        }
        return (old, CurrentLearningRate);
    }

    public void ApplySchedulerRates()
    {
        for (int i = 0; i < _optimizers.Count; i++) _optimizers[i].LearningRate = _schedulers[i].Lr;
    }

    public double CurrentLearningRate => _optimizers.Count > 0 ? _optimizers[0].LearningRate : 0;

    /// <summary>Official <c>save_networks</c>: <c>&lt;label&gt;_net_&lt;name&gt;.pth</c> in <paramref name="dir"/>, each written
    /// atomically.</summary>
    public void SaveNetworks(string dir, string label)
    {
        foreach (var (name, net) in Networks)
        {
            using var scope = NewDisposeScope();
            var cpu = ModuleState.Ordered(net).Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().cpu())).ToList();
            PthFile.Write(Path.Combine(dir, $"{label}_net_{name}.pth"), cpu);
        }
    }

    /// <summary>Official <c>load_networks</c>: <c>&lt;label&gt;_net_&lt;name&gt;.pth</c> (or a file per network name given by
    /// <paramref name="fileFor"/>).</summary>
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
        foreach (var p in _pools) p.Dispose();
        _realA?.Dispose();
        _realB?.Dispose();
        foreach (var t in _losses.Values) t.Dispose();
        foreach (var t in _visuals.Values) t.Dispose();
        _losses.Clear();
        _visuals.Clear();
        foreach (var o in _optimizers) o.Dispose();
        foreach (var n in Networks.Values) n.Dispose();
        GC.SuppressFinalize(this);
    }
}
