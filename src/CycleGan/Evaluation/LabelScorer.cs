using CycleGan.Data;

namespace CycleGan.Evaluation;

/// <summary>Pixel accuracy of one image, for the report's example rows and per-image table.</summary>
public sealed record ImageScore(string Stem, double PixelAccuracy);

/// <summary>A row of example images for a report: captions with the images they describe.</summary>
public sealed record ExampleRow(string Stem, IReadOnlyList<(string Caption, RgbImage Image)> Images);

/// <summary>The outcome of a segmentation evaluation: the scores, the matrix behind them, per-image accuracies and examples.</summary>
public sealed record LabelEvaluation(SegmentationScores Scores, ConfusionMatrix Matrix, IReadOnlyList<ImageScore> PerImage,
    IReadOnlyList<ExampleRow> Examples);

/// <summary>
/// Photo→labels scores (<c>cyclegan eval labels</c>): predicted and ground-truth label maps are both mapped
/// to the nearest palette colour and one confusion matrix is accumulated over all images.
/// </summary>
public static class LabelScorer
{
    public static LabelEvaluation Score(IReadOnlyList<ImagePair> pairs, Palette palette, AbSide predSide = AbSide.Full,
        AbSide gtSide = AbSide.Full, int examples = 4, Action<int, int>? progress = null) =>
        ScoreLabelMaps(pairs, palette, predSide, gtSide, examples, progress, palette.ToIndexMap,
            ("prediction", "prediction, nearest palette colours", "ground truth"));

    /// <summary>
    /// The loop of every label score: each prediction image made into a label map by <paramref name="labelsOf"/>
    /// (at the image's size), compared with the ground truth's nearest palette colours at the ground truth's size
    /// (generated maps may come out at the network's size), one confusion matrix over all images, and the first
    /// <paramref name="examples"/> rows captioned by <paramref name="captions"/>.
    /// </summary>
    public static LabelEvaluation ScoreLabelMaps(IReadOnlyList<ImagePair> pairs, Palette palette, AbSide predSide, AbSide gtSide,
        int examples, Action<int, int>? progress, Func<RgbImage, byte[]> labelsOf,
        (string Prediction, string Labels, string GroundTruth) captions)
    {
        var m = new ConfusionMatrix(palette.Count);
        var perImage = new List<ImageScore>();
        var rows = new List<ExampleRow>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            var gtImg = EvalImages.Load(p.GroundTruthPath, gtSide);
            var predImg = EvalImages.Load(p.PredictionPath, predSide);
            var gt = palette.ToIndexMap(gtImg);
            var pred = Resample.NearestIndexMap(labelsOf(predImg), predImg.Width, predImg.Height, gtImg.Width, gtImg.Height);
            perImage.Add(new ImageScore(p.Stem, Accumulate(m, gt, pred)));
            if (rows.Count < examples)
                rows.Add(new ExampleRow(p.Stem, [(captions.Prediction, predImg),
                    (captions.Labels, palette.Colorize(pred, gtImg.Width, gtImg.Height)), (captions.GroundTruth, gtImg)]));
            progress?.Invoke(i + 1, pairs.Count);
        }
        return new LabelEvaluation(m.Scores(palette, pairs.Count), m, perImage, rows);
    }

    /// <summary>Adds one image to the matrix and returns that image's pixel accuracy.</summary>
    public static double Accumulate(ConfusionMatrix m, byte[] groundTruth, byte[] prediction)
    {
        m.Add(groundTruth, prediction);
        long hit = 0;
        for (int i = 0; i < groundTruth.Length; i++) if (groundTruth[i] == prediction[i]) hit++;
        return groundTruth.Length == 0 ? double.NaN : (double)hit / groundTruth.Length;
    }
}
