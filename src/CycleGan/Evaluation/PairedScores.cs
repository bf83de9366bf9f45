using System.Text.Json.Serialization;

namespace CycleGan.Evaluation;

/// <summary>Metrics of one aligned pair.</summary>
public sealed record PairedImageScore(
    [property: JsonPropertyName("stem")] string Stem,
    [property: JsonPropertyName("l1")] double L1,
    [property: JsonPropertyName("psnr")] double Psnr,
    [property: JsonPropertyName("ssim")] double Ssim);

/// <summary>Means over the images of an aligned test set (PSNR: mean of per-image dB values).</summary>
public sealed record PairedScores(
    [property: JsonPropertyName("l1")] double L1,
    [property: JsonPropertyName("psnr")] double Psnr,
    [property: JsonPropertyName("ssim")] double Ssim,
    [property: JsonPropertyName("images")] int Images,
    [property: JsonPropertyName("per_image")] IReadOnlyList<PairedImageScore> PerImage)
{
    public static PairedScores Evaluate(IReadOnlyList<ImagePair> pairs, AbSide predSide, AbSide gtSide, Action<int, int>? progress = null)
    {
        var per = new List<PairedImageScore>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var a = EvalImages.Load(pairs[i].PredictionPath, predSide);
            var b = EvalImages.Load(pairs[i].GroundTruthPath, gtSide);
            per.Add(new PairedImageScore(pairs[i].Stem, PairedMetrics.L1(a, b), PairedMetrics.Psnr(a, b), PairedMetrics.Ssim(a, b)));
            progress?.Invoke(i + 1, pairs.Count);
        }
        return new PairedScores(per.Average(p => p.L1), per.Average(p => p.Psnr), per.Average(p => p.Ssim), per.Count, per);
    }
}
