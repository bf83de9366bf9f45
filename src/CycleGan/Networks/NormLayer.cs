using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Networks;

/// <summary>
/// The official <c>get_norm_layer</c>: <c>instance</c> (affine off, no running stats), <c>batch</c>
/// (affine, tracking), <c>syncbatch</c> (batch norm over all ranks' batches, see <see cref="SyncBatchNorm"/>)
/// or <c>none</c> (Identity, still occupying its Sequential index).
/// </summary>
public sealed class NormLayer
{
    public string Kind { get; }

    NormLayer(string kind) => Kind = kind;

    /// <summary>The <c>--norm</c> names.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["instance", "batch", "syncbatch", "none"];

    public static NormLayer Get(string kind) => Kinds.Contains(kind)
        ? new NormLayer(kind)
        : throw new UserError($"normalization layer [{kind}] is not found (use {string.Join(", ", Kinds)})");

    public Module<Tensor, Tensor> Create(long channels) => Kind switch
    {
        "instance" => new InstanceNorm(channels),
        // In one process the global batch is the local one: syncbatch is plain BatchNorm (same keys, same kernel).
        "syncbatch" when Distributed.MpiWorld.Current is { Size: > 1 } world => new SyncBatchNorm(channels, world),
        "batch" or "syncbatch" => new BatchNorm(channels),
        _ => Identity(),
    };

    /// <summary>Whether training statistics span the batch, so that the images of one batch affect each other.</summary>
    public bool SpansBatch => Kind is "batch" or "syncbatch";

    /// <summary>
    /// The official use_bias rule: convs that feed a norm get a bias only for instance norm
    /// (for <c>none</c> the official test is false too, so those convs have no bias).
    /// </summary>
    public bool UseBias => Kind == "instance";
}
