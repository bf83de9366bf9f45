using CycleGan.Data;
using TorchSharp;

namespace CycleGan.Tests.Data;

public class DataLoaderTests
{
    static DataOptions Single(string root) => new()
    {
        Dataroot = root, DatasetMode = "single", Preprocess = "resize_and_crop", LoadSize = 12, CropSize = 8, BatchSize = 2, PrefetchBatches = 2,
    };

    static TempDir MakeImages(int count)
    {
        var dir = TestPaths.NewTempDir("loader");
        for (int i = 0; i < count; i++) TestImages.WritePng(dir[$"{i:D2}.png"], TestImages.Pattern(14, 10, i));
        return dir;
    }

    [Fact]
    public void Each_epoch_yields_every_item_once_in_batches_with_a_partial_last_one()
    {
        using var dir = MakeImages(5);
        var loader = DataLoader.Create(Single(dir.Path) with { Seed = 4 });
        Assert.Equal(3, loader.BatchCount);
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            var batches = loader.Epoch(epoch).ToList();
            Assert.Equal([2, 2, 1], batches.Select(b => b.Count));
            Assert.Equal(new long[] { 2, 3, 8, 8 }, batches[0].A.Shape);
            Assert.Equal(new long[] { 1, 3, 8, 8 }, batches[2].A.Shape);
            Assert.Equal(Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal), batches.SelectMany(b => b.APaths).Order(StringComparer.Ordinal));
        }
        Assert.True(loader.WaitSeconds >= 0);
    }

    [Fact]
    public void Same_seed_gives_the_same_batches_and_epochs_differ()
    {
        using var dir = MakeImages(6);
        var o = Single(dir.Path) with { Seed = 11 };
        var first = DataLoader.Create(o).Epoch(1).ToList();
        var again = DataLoader.Create(o with { PrefetchBatches = 1 }).Epoch(1).ToList();
        Assert.Equal(first.SelectMany(b => b.APaths), again.SelectMany(b => b.APaths));
        Assert.Equal(first.SelectMany(b => b.A.Data), again.SelectMany(b => b.A.Data));
        var loader = DataLoader.Create(o);
        Assert.NotEqual(loader.Order(1), loader.Order(2));
        Assert.NotEqual(loader.Order(1), DataLoader.Create(o with { Seed = 12 }).Order(1));
    }

    [Fact]
    public void Serial_batches_keep_the_sorted_order()
    {
        using var dir = MakeImages(4);
        var loader = DataLoader.Create(Single(dir.Path) with { SerialBatches = true });
        Assert.Equal(Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal), loader.Epoch(0).SelectMany(b => b.APaths));
    }

    [Fact]
    public void A_bad_image_surfaces_as_a_user_error_on_the_consumer_and_an_early_break_stops_the_worker()
    {
        using var dir = MakeImages(3);
        File.WriteAllText(dir["01.png"], "not a png");
        var loader = DataLoader.Create(Single(dir.Path) with { SerialBatches = true, BatchSize = 1, PrefetchBatches = 1 });
        var e = Assert.Throws<UserError>(() => loader.Epoch(0).ToList());
        Assert.Contains(dir["01.png"], e.Message);
        foreach (var _ in loader.Epoch(0)) break;
    }

    [Fact]
    public void Batch_tensors_are_made_in_the_consumers_dispose_scope()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = MakeImages(2);
        var loader = DataLoader.Create(Single(dir.Path) with { BatchSize = 2 });
        var batch = loader.Epoch(0).Single();
        torch.Tensor t;
        using (var scope = torch.NewDisposeScope())
        {
            t = batch.A.ToTensor();
            Assert.Equal(new long[] { 2, 3, 8, 8 }, t.shape);
            Assert.Equal(batch.A.Data, t.data<float>().ToArray());
        }
        Assert.True(t.IsInvalid);
    }
}
