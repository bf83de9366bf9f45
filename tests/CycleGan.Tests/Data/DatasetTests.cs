using CycleGan.Data;

namespace CycleGan.Tests.Data;

public class DatasetTests
{
    static DataOptions Options(string root, string mode) => new()
    {
        Dataroot = root, DatasetMode = mode, Preprocess = "resize_and_crop", LoadSize = 20, CropSize = 16,
    };

    static void MakeUnaligned(TempDir dir, int countA, int countB)
    {
        for (int i = 0; i < countA; i++) TestImages.WritePng(dir[$"trainA/a{i}.png"], TestImages.Pattern(24, 18, i));
        for (int i = 0; i < countB; i++) TestImages.WritePng(dir[$"trainB/b{i}.png"], TestImages.Pattern(18, 24, 100 + i));
    }

    [Fact]
    public void Unaligned_serial_pairs_index_mod_size_and_length_is_the_larger_side()
    {
        using var dir = TestPaths.NewTempDir("unaligned");
        MakeUnaligned(dir, 3, 2);
        var ds = new UnalignedDataset(Options(dir.Path, "unaligned") with { SerialBatches = true });
        Assert.Equal(3, ds.Count);
        var items = Enumerable.Range(0, 3).Select(i => ds.GetItem(i, new Rng((ulong)i))).ToList();
        Assert.Equal(["a0.png", "a1.png", "a2.png"], items.Select(i => Path.GetFileName(i.APath)));
        Assert.Equal(["b0.png", "b1.png", "b0.png"], items.Select(i => Path.GetFileName(i.BPath!)));
        Assert.Equal(new long[] { 3, 16, 16 }, items[0].A.Shape);
        Assert.Equal(new long[] { 3, 16, 16 }, items[0].B!.Shape);
    }

    [Fact]
    public void Unaligned_random_pairing_draws_B_from_the_generator()
    {
        using var dir = TestPaths.NewTempDir("unaligned");
        MakeUnaligned(dir, 2, 4);
        var ds = new UnalignedDataset(Options(dir.Path, "unaligned"));
        Assert.Equal(4, ds.Count);
        var bs = Enumerable.Range(0, 40).Select(k => Path.GetFileName(ds.GetItem(0, new Rng((ulong)k)).BPath!)).ToList();
        Assert.Equal(4, bs.Distinct().Count());
        Assert.Equal(ds.GetItem(1, new Rng(7)).BPath, ds.GetItem(1, new Rng(7)).BPath);
        Assert.Equal(ds.GetItem(1, new Rng(7)).A.Data, ds.GetItem(1, new Rng(7)).A.Data);
    }

    [Theory]
    [InlineData("AtoB", 1, 3)]
    [InlineData("BtoA", 3, 1)]
    public void Direction_decides_which_side_gets_input_nc_as_officially(string direction, int channelsA, int channelsB)
    {
        using var dir = TestPaths.NewTempDir("direction");
        MakeUnaligned(dir, 1, 1);
        var o = Options(dir.Path, "unaligned") with { InputNc = 1, OutputNc = 3, Direction = direction };
        var item = DatasetRegistry.Create(o).GetItem(0, new Rng(0));
        Assert.Equal(channelsA, item.A.Shape[0]);
        Assert.Equal(channelsB, item.B!.Shape[0]);
        Assert.EndsWith("a0.png", item.APath);

        Directory.CreateDirectory(dir["train"]);
        File.Copy(dir["trainA/a0.png"], dir["train/ab.png"]);
        var aligned = DatasetRegistry.Create(o with { DatasetMode = "aligned" }).GetItem(0, new Rng(0));
        Assert.Equal((channelsA, channelsB), (aligned.A.Shape[0], aligned.B!.Shape[0]));
    }

    [Fact]
    public void Aligned_halves_get_the_same_crop_and_flip()
    {
        using var dir = TestPaths.NewTempDir("aligned");
        var half = TestImages.Pattern(30, 22, 9);
        var ab = RgbImage.Create(60, 22);
        for (int y = 0; y < 22; y++)
            for (int x = 0; x < 60; x++)
                for (int c = 0; c < 3; c++) ab[y, x, c] = half[y, x % 30, c];
        TestImages.WritePng(dir["train/1.png"], ab);
        var o = Options(dir.Path, "aligned") with { LoadSize = 30, CropSize = 16 };
        var ds = new AlignedDataset(o);
        var results = new HashSet<string>();
        for (int seed = 0; seed < 30; seed++)
        {
            var item = ds.GetItem(0, new Rng((ulong)seed));
            Assert.Equal(item.A.Data, item.B!.Data);
            Assert.Equal(item.APath, item.BPath);
            results.Add(string.Join(",", item.A.Data.Take(8)));
        }
        Assert.True(results.Count > 10, "crop and flip should vary with the generator");
    }

    [Fact]
    public void Aligned_splits_an_odd_width_at_int_half()
    {
        using var dir = TestPaths.NewTempDir("aligned");
        TestImages.WritePng(dir["train/1.png"], TestImages.Pattern(33, 10));
        var o = Options(dir.Path, "aligned") with { Preprocess = "none", NoFlip = true };
        var item = new AlignedDataset(o).GetItem(0, new Rng(0));
        // A is 16 wide, B 17 wide; make_power_2 rounds both to 16 x 8.
        Assert.Equal(new long[] { 3, 8, 16 }, item.A.Shape);
        Assert.Equal(new long[] { 3, 8, 16 }, item.B!.Shape);
    }

    [Fact]
    public void Single_reads_the_dataroot_itself_and_has_no_B()
    {
        using var dir = TestPaths.NewTempDir("single");
        TestImages.WritePng(dir["x.png"], TestImages.Pattern(16, 16));
        var o = Options(dir.Path, "single") with { Preprocess = "resize_and_crop", LoadSize = 16, CropSize = 16, NoFlip = true };
        var ds = DatasetRegistry.Create(o);
        var item = ds.GetItem(0, new Rng(0));
        Assert.Null(item.B);
        Assert.Null(item.BPath);
        Assert.Equal(ImageTensor.ToChw(TestImages.Pattern(16, 16)), item.A.Data);
    }

    [Fact]
    public void Missing_phase_folder_is_a_user_error()
    {
        using var dir = TestPaths.NewTempDir("missing");
        var e = Assert.Throws<UserError>(() => DatasetRegistry.Create(Options(dir.Path, "unaligned")));
        Assert.Contains(Path.Combine(dir.Path, "trainA") + " does not exist", e.Message);
    }
}
