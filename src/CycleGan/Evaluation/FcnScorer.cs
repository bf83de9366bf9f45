namespace CycleGan.Evaluation;

/// <summary>
/// FCN-score for labels→photo (pix2pix paper, section 4.2): a segmenter trained on real photos labels the
/// generated photos, and its output is scored against the input label maps with <see cref="LabelScorer"/>'s
/// matrix. Scored on real photos it gives the upper bound the paper also reports.
/// </summary>
public static class FcnScorer
{
    public static LabelEvaluation Score(Segmenter segmenter, IReadOnlyList<ImagePair> pairs, Palette palette,
        AbSide photoSide = AbSide.Full, AbSide gtSide = AbSide.Full, int examples = 4, Action<int, int>? progress = null)
    {
        if (segmenter.NumClasses != palette.Count)
            throw new UserError($"the segmenter has {segmenter.NumClasses} classes but the palette {palette.Count}");
        var m = new ConfusionMatrix(palette.Count);
        var perImage = new List<ImageScore>();
        var rows = new List<ExampleRow>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            var gtImg = EvalImages.Load(p.GroundTruthPath, gtSide);
            var photo = EvalImages.Load(p.PredictionPath, photoSide);
            var gt = palette.ToIndexMap(gtImg);
            var pred = Resample.NearestIndexMap(segmenter.Segment(photo), photo.Width, photo.Height, gtImg.Width, gtImg.Height);
            perImage.Add(new ImageScore(p.Stem, LabelScorer.Accumulate(m, gt, pred)));
            if (rows.Count < examples)
                rows.Add(new ExampleRow(p.Stem, [("photo", photo), ("segmentation", palette.Colorize(pred, gtImg.Width, gtImg.Height)),
                    ("ground-truth labels", gtImg)]));
            progress?.Invoke(i + 1, pairs.Count);
        }
        return new LabelEvaluation(m.Scores(palette, pairs.Count), m, perImage, rows);
    }
}
