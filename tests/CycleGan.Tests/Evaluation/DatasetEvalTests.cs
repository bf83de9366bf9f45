using CycleGan.Evaluation;

namespace CycleGan.Tests.Evaluation;

/// <summary>Checks on the real shared datasets (subsets, to stay fast).</summary>
public class DatasetEvalTests
{
    static string Datasets => Path.Combine(TestPaths.Shared, "datasets");

    static IReadOnlyList<string> Files(string dir, int skip, int take) =>
        Directory.GetFiles(dir).Order(StringComparer.Ordinal).Skip(skip).Take(take).ToList();

    /// <summary>The first <paramref name="count"/> facades test images, each matched with itself, and their palette.</summary>
    static (IReadOnlyList<ImagePair> Pairs, Palette Palette) FacadesWithThemselves(TempDir tmp, int count)
    {
        foreach (var f in Files(Path.Combine(Datasets, "facades", "test"), 0, count))
            File.Copy(f, Path.Combine(tmp.Path, Path.GetFileName(f)));
        var palette = Palette.Load(Path.Combine(Datasets, "facades", "palette.pix2pix.json"));
        return (EvalImages.Match(tmp.Path, tmp.Path, "_fake_B", "_real_B", "prediction", "ground-truth"), palette);
    }

    [Fact]
    public void Facades_ground_truth_scored_against_itself_is_one_everywhere()
    {
        using var tmp = TestPaths.NewTempDir("gtgt");
        var (pairs, palette) = FacadesWithThemselves(tmp, 10);
        var s = LabelScorer.Score(pairs, palette, AbSide.Right, AbSide.Right).Scores;
        Assert.Equal(10, s.Images);
        Assert.Equal(1.0, s.PixelAccuracy);
        Assert.Equal(1.0, s.MeanClassAccuracy);
        Assert.Equal(1.0, s.MeanClassIou);
        Assert.All(s.PerClass.Where(c => c.Pixels > 0), c => Assert.Equal(1.0, c.Iou));
    }

    [Fact]
    public void Facades_photo_half_scored_as_labels_is_far_from_perfect()
    {
        // Guards the side option: the left half is the photo, so mapping it to label colours must score badly.
        using var tmp = TestPaths.NewTempDir("side");
        var (pairs, palette) = FacadesWithThemselves(tmp, 3);
        Assert.True(LabelScorer.Score(pairs, palette, AbSide.Left, AbSide.Right).Scores.PixelAccuracy < 0.5);
    }

    [Fact]
    public void Resnet18_fd_is_zero_for_a_folder_with_itself_and_larger_across_monet_and_photos_than_between_photo_halves()
    {
        var monet = Files(Path.Combine(Datasets, "monet2photo", "testA"), 0, 30);
        var photos = Files(Path.Combine(Datasets, "monet2photo", "testB"), 0, 60);
        using var feats = new ResNet18Features();
        var fa = feats.ExtractFiles(monet);
        var fb = feats.ExtractFiles(photos);
        var half1 = fb.Where((_, i) => i % 2 == 0).ToArray();
        var half2 = fb.Where((_, i) => i % 2 == 1).ToArray();
        Assert.Equal(512, fa[0].Length);
        var self = FrechetDistance.Compute(half1, half1);
        var across = FrechetDistance.Compute(fa, half1);
        var within = FrechetDistance.Compute(half1, half2);
        Assert.True(Math.Abs(self) < 1e-6 * across, $"FD(self) = {self}");
        // With 30 images in 512 dimensions FD is dominated by its small-sample bias, so only the order is checked;
        // KD (unbiased) separates the pairs clearly.
        Assert.True(across > within, $"FD(monet, photos) = {across}, FD(photo halves) = {within}");
        var kdAcross = KernelDistance.Compute(fa, half1, 20, 10, 0);
        var kdWithin = KernelDistance.Compute(half1, half2, 20, 10, 0);
        Assert.True(kdAcross.Mean > 3 * kdWithin.Mean, $"KD(monet, photos) = {kdAcross.Mean}, KD(photo halves) = {kdWithin.Mean}");
    }
}
