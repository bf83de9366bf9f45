using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official CUT <c>PatchSampleF</c> (<c>--netF sample | mlp_sample</c>): from each feature map of
/// <see cref="CutResnetGenerator.EncodeOnly"/> it takes the same <c>num_patches</c> random positions for every image of
/// the batch, passes them through that layer's 2-layer MLP (<c>mlp_sample</c>: Linear(C, nc), ReLU, Linear(nc, nc),
/// keys <c>mlp_N.0.*</c>, <c>mlp_N.2.*</c>) and L2-normalises them. The MLPs are created on the first
/// <see cref="Forward"/> from the features' channel counts, and initialised then, as officially — so an optimizer
/// over <see cref="nn.Module.parameters"/> can only be made after it (<see cref="CreateMlp"/> makes them up front,
/// e.g. to load a checkpoint).
/// </summary>
public sealed class PatchSampleF : Module<Tensor, Tensor>
{
    /// <summary>The official <c>Normalize</c>'s epsilon: <c>x / (‖x‖ + 1e-7)</c>.</summary>
    static readonly Scalar NormEps = 1e-7.ToScalar();

    readonly string _initType;
    readonly double _initGain;
    readonly List<Sequential> _mlps = [];

    /// <summary>Whether each sample goes through a per-layer MLP (<c>mlp_sample</c>) or is only normalised
    /// (<c>sample</c>).</summary>
    public bool UseMlp { get; }

    /// <summary><c>--netF_nc</c>: the MLPs' width, the length of every sampled feature.</summary>
    public long Nc { get; }

    /// <summary>The official <c>mlp_init</c>: whether the MLPs exist yet.</summary>
    public bool MlpInit { get; private set; }

    public PatchSampleF(bool useMlp, long nc, string initType, double initGain) : base(nameof(PatchSampleF))
    {
        if (nc < 1) throw new UserError($"--netF_nc must be at least 1 (got {nc})");
        UseMlp = useMlp;
        Nc = nc;
        _initType = initType;
        _initGain = initGain;
    }

    /// <summary>
    /// The official <c>create_mlp</c>: one MLP per feature map of <paramref name="channels"/> channels, then the
    /// official <c>init_net</c> of the whole module (Linear weights by the init type, biases 0).
    /// </summary>
    public void CreateMlp(IReadOnlyList<long> channels, Device? device = null)
    {
        if (MlpInit) throw new InvalidOperationException("the MLPs of PatchSampleF exist already");
        for (int i = 0; i < channels.Count; i++)
        {
            var mlp = Sequential(Linear(channels[i], Nc), ReLU(), Linear(Nc, Nc));
            if (device is not null) mlp.to(device);
            register_module($"mlp_{i}", mlp);
            _mlps.Add(mlp);
        }
        WeightInit.Apply(this, _initType, _initGain);
        MlpInit = true;
    }

    /// <summary>
    /// The official <c>forward(feats, num_patches, patch_ids)</c>. With <paramref name="numPatches"/> &gt; 0 it
    /// returns, per feature map, <c>[batch·patches, nc]</c> samples and the positions used (row-major over H×W): those
    /// of <paramref name="patchIds"/>, or fresh ones from <paramref name="rng"/> (a random permutation's first
    /// <c>min(num_patches, H·W)</c>). With 0 it keeps every position and returns <c>[batch, nc, H, W]</c> maps,
    /// normalised over dimension 1 of <c>[batch, H·W, nc]</c> as officially (that is, over the positions), with
    /// empty ids.
    /// </summary>
    public (List<Tensor> Samples, List<Tensor> PatchIds) Forward(IReadOnlyList<Tensor> feats, int numPatches,
        IReadOnlyList<Tensor>? patchIds = null, Rng? rng = null)
    {
        if (UseMlp && !MlpInit) CreateMlp([.. feats.Select(f => f.shape[1])], feats[0].device);
        var samples = new List<Tensor>(feats.Count);
        var ids = new List<Tensor>(feats.Count);
        for (int i = 0; i < feats.Count; i++)
        {
            var feat = feats[i];
            long b = feat.shape[0], h = feat.shape[2], w = feat.shape[3];
            var reshaped = feat.permute(0, 2, 3, 1).flatten(1, 2);
            Tensor x, id;
            if (numPatches > 0)
            {
                id = patchIds is not null
                    ? patchIds[i].to(ScalarType.Int64, feat.device)
                    : tensor(SamplePatchIds(rng ?? throw new ArgumentNullException(nameof(rng)), h * w, numPatches),
                        device: feat.device);
                x = reshaped.index_select(1, id).flatten(0, 1);
            }
            else
            {
                x = reshaped;
                id = empty(0, ScalarType.Int64, feat.device);
            }
            if (UseMlp) x = _mlps[i].forward(x);
            x = L2Norm(x);
            if (numPatches == 0) x = x.permute(0, 2, 1).reshape(b, x.shape[^1], h, w);
            samples.Add(x);
            ids.Add(id);
        }
        return (samples, ids);
    }

    /// <summary>
    /// F maps a list of feature maps (<see cref="Forward"/>); it is a <c>Module&lt;Tensor, Tensor&gt;</c> only so that
    /// a model saves, loads and trains it with its other networks.
    /// </summary>
    public override Tensor forward(Tensor input) => throw new NotSupportedException(
        "PatchSampleF samples a list of feature maps: call Forward(feats, numPatches, patchIds, rng)");

    /// <summary>The first <c>min(count, positions)</c> entries of a uniformly random permutation of the
    /// positions.</summary>
    public static long[] SamplePatchIds(Rng rng, long positions, int count)
    {
        var perm = new long[positions];
        for (long i = 0; i < positions; i++) perm[i] = i;
        var n = (int)Math.Min(count, positions);
        for (int i = 0; i < n; i++)
        {
            var j = i + rng.NextInt((int)(positions - i));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm[..n];
    }

    /// <summary>The official <c>Normalize(2)</c> over dimension 1.</summary>
    static Tensor L2Norm(Tensor x)
    {
        using var scope = NewDisposeScope();
        var norm = x.pow(Scalars.Two).sum(1, keepdim: true).pow(Scalars.Half);
        return x.div(norm.add(NormEps, Scalars.One)).MoveToOuterDisposeScope();
    }
}
