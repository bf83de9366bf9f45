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
        return LabelScorer.ScoreLabelMaps(pairs, palette, photoSide, gtSide, examples, progress, segmenter.Segment,
            ("photo", "segmentation", "ground-truth labels"));
    }
}
