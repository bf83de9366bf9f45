using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>
/// The official CUT <c>PatchNCELoss</c>: for each query patch, a softmax cross-entropy at temperature <c>--nce_T</c>
/// that picks its key (the same position of the input) out of the keys of all other positions of the same image —
/// or, with <c>--nce_includes_all_negatives_from_minibatch</c>, of the whole batch. Keys are detached. Returns the
/// loss of every query (<c>[batch·patches]</c>, no reduction), as officially.
/// </summary>
public sealed class PatchNceLoss
{
    /// <summary>The official fill for a patch against itself among the negatives (exp(−10/T), practically
    /// 0).</summary>
    static readonly Scalar SelfSimilarity = (-10.0).ToScalar();

    readonly Scalar _nceT;

    public double NceT { get; }
    public bool IncludesAllNegativesFromMinibatch { get; }

    /// <summary>The official <c>opt.batch_size</c>: queries are grouped into this many images of equal patch
    /// counts.</summary>
    public int BatchSize { get; }

    public PatchNceLoss(double nceT, bool includesAllNegativesFromMinibatch, int batchSize)
    {
        if (!(nceT > 0)) throw new UserError($"--nce_T must be positive (got {nceT})");
        NceT = nceT;
        IncludesAllNegativesFromMinibatch = includesAllNegativesFromMinibatch;
        BatchSize = batchSize;
        _nceT = nceT.ToScalar();
    }

    /// <summary>The loss of each query of <paramref name="featQ"/> (<c>[n, dim]</c>) against the keys
    /// <paramref name="featK"/>.</summary>
    public Tensor Forward(Tensor featQ, Tensor featK)
    {
        using var scope = NewDisposeScope();
        long numPatches = featQ.shape[0], dim = featQ.shape[1];
        featK = featK.detach();
        var lPos = bmm(featQ.view(numPatches, 1, -1), featK.view(numPatches, -1, 1)).view(numPatches, 1);
        long batchDim = IncludesAllNegativesFromMinibatch ? 1 : BatchSize;
        var q = featQ.view(batchDim, -1, dim);
        var k = featK.view(batchDim, -1, dim);
        long nPatches = q.size(1);
        var lNeg = bmm(q, k.transpose(2, 1));
        var diagonal = eye(nPatches, dtype: ScalarType.Bool, device: q.device).unsqueeze(0);
        lNeg.masked_fill_(diagonal, SelfSimilarity);
        var logits = cat([lPos, lNeg.view(-1, nPatches)], 1).div(_nceT);
        var target = zeros([logits.size(0)], ScalarType.Int64, q.device);
        return nn.functional.cross_entropy(logits, target, reduction: nn.Reduction.None).MoveToOuterDisposeScope();
    }
}
