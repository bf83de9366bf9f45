namespace CycleGan.Evaluation;

/// <summary>
/// Pixel counts: row = ground-truth class, column = predicted class, accumulated over all images of an
/// evaluation (the pix2pix paper's FCN-score protocol: one matrix for the whole test set, not a mean of images).
/// </summary>
public sealed class ConfusionMatrix
{
    readonly long[] _counts;

    public int Classes { get; }

    public ConfusionMatrix(int classes)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes));
        Classes = classes;
        _counts = new long[classes * classes];
    }

    public long this[int gt, int pred] => _counts[gt * Classes + pred];

    public void Add(ReadOnlySpan<byte> groundTruth, ReadOnlySpan<byte> prediction)
    {
        if (groundTruth.Length != prediction.Length)
            throw new ArgumentException($"ground truth has {groundTruth.Length} pixels, prediction {prediction.Length}");
        for (int i = 0; i < groundTruth.Length; i++)
        {
            int g = groundTruth[i], p = prediction[i];
            if (g >= Classes || p >= Classes) throw new ArgumentOutOfRangeException(nameof(groundTruth),
                $"class index {Math.Max(g, p)} outside 0..{Classes - 1}");
            _counts[g * Classes + p]++;
        }
    }

    public void Add(int gt, int pred, long count = 1) => _counts[gt * Classes + pred] += count;

    public long Total => _counts.Sum();

    public long Trace { get { long t = 0; for (int k = 0; k < Classes; k++) t += this[k, k]; return t; } }

    /// <summary>Ground-truth pixels of class k.</summary>
    public long RowSum(int k) { long s = 0; for (int j = 0; j < Classes; j++) s += this[k, j]; return s; }

    /// <summary>Pixels predicted as class k.</summary>
    public long ColumnSum(int k) { long s = 0; for (int i = 0; i < Classes; i++) s += this[i, k]; return s; }

    /// <summary>trace / total; NaN for an empty matrix.</summary>
    public double PixelAccuracy => Total == 0 ? double.NaN : (double)Trace / Total;

    /// <summary>diagonal / row sum; NaN when the class has no ground-truth pixels.</summary>
    public double ClassAccuracy(int k) { var r = RowSum(k); return r == 0 ? double.NaN : (double)this[k, k] / r; }

    /// <summary>diagonal / (row + column − diagonal); NaN when the union is empty.</summary>
    public double ClassIou(int k)
    {
        var union = RowSum(k) + ColumnSum(k) - this[k, k];
        return union == 0 ? double.NaN : (double)this[k, k] / union;
    }

    /// <summary>Mean over classes that have ground-truth pixels (absent classes are left out, not counted as 0).</summary>
    public double MeanClassAccuracy => MeanDefined(ClassAccuracy);

    /// <summary>Mean over classes with a non-empty union: a class absent from the ground truth but predicted counts as IoU 0.</summary>
    public double MeanClassIou => MeanDefined(ClassIou);

    double MeanDefined(Func<int, double> f)
    {
        var v = Enumerable.Range(0, Classes).Select(f).Where(x => !double.IsNaN(x)).ToArray();
        return v.Length == 0 ? double.NaN : v.Average();
    }

    public SegmentationScores Scores(Palette palette, int images)
    {
        if (palette.Count != Classes) throw new ArgumentException("palette and matrix differ in class count");
        var per = Enumerable.Range(0, Classes)
            .Select(k => new ClassScore(palette.Classes[k].Name, ClassAccuracy(k), ClassIou(k), RowSum(k)))
            .ToArray();
        return new SegmentationScores(PixelAccuracy, MeanClassAccuracy, MeanClassIou, per, images);
    }
}
