using CycleGan.Evaluation;
using TorchSharp;

namespace CycleGan.Tests.Evaluation;

public class SegmenterTests
{
    static string Facades => Path.Combine(TestPaths.Shared, "datasets", "facades");

    static readonly SegmenterTrainingOptions Tiny = new() { ImageSize = 32, Ngf = 4, Levels = 3, Epochs = 2, BatchSize = 4, MaxImages = 8, Lr = 1e-2 };

    [Fact]
    public void Segmenter_outputs_one_logit_per_class_at_input_size()
    {
        TorchRuntime.EnsureLoaded();
        using var net = new Segmenter(12, 4, 3, 32);
        using var x = torch.zeros(2, 3, 32, 32);
        using var y = net.forward(x);
        Assert.Equal(new long[] { 2, 12, 32, 32 }, y.shape);
    }

    [Fact]
    public void Tiny_training_run_saves_a_file_that_loads_to_the_same_predictions_and_scores()
    {
        TorchRuntime.EnsureLoaded();
        var palette = Palette.Load(Path.Combine(Facades, "palette.pix2pix.json"));
        var (photos, targets) = SegmenterTrainer.LoadPairs(Path.Combine(Facades, "train"), palette, Tiny);
        Assert.Equal(new long[] { 8, 3, 32, 32 }, photos.shape);
        Assert.Equal(new long[] { 8, 32, 32 }, targets.shape);
        var epochs = new List<SegmenterEpoch>();
        using var net = SegmenterTrainer.Train(photos, targets, palette.Count, Tiny, onEpoch: (e, _) => epochs.Add(e));
        Assert.Equal(2, epochs.Count);
        Assert.All(epochs, e => Assert.True(double.IsFinite(e.Loss)));

        using var tmp = TestPaths.NewTempDir("seg");
        SegmenterFile.Save(net, palette.Classes.Select(c => c.Name).ToArray(), tmp["seg.safetensors"]);
        var (loaded, names) = SegmenterFile.Load(tmp["seg.safetensors"]);
        using (loaded)
        {
            Assert.Equal("shop", names[11]);
            Assert.Equal(32, loaded.ImageSize);
            var photo = EvalImages.Load(Directory.GetFiles(Path.Combine(Facades, "test")).Order(StringComparer.Ordinal).First(), AbSide.Left);
            Assert.Equal(net.Segment(photo), loaded.Segment(photo));

            foreach (var f in Directory.GetFiles(Path.Combine(Facades, "test")).Order(StringComparer.Ordinal).Take(2))
                File.Copy(f, Path.Combine(tmp.Path, Path.GetFileName(f)));
            var pairs = EvalImages.Match(tmp.Path, tmp.Path, "_fake_B", "_real_A", "photo", "label");
            var s = FcnScorer.Score(loaded, pairs, palette, AbSide.Left, AbSide.Right).Scores;
            Assert.Equal(2, s.Images);
            Assert.InRange(s.PixelAccuracy, 0, 1);
        }
    }

    [Fact]
    public void Loading_a_file_that_is_not_a_segmenter_is_a_user_error()
    {
        using var tmp = TestPaths.NewTempDir("seg");
        File.WriteAllBytes(tmp["x.safetensors"], [255, 255, 0, 0, 0, 0, 0, 0, 1]);
        Assert.Throws<UserError>(() => SegmenterFile.Load(tmp["x.safetensors"]));
    }
}
