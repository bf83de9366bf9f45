namespace CycleGan.Tests;

public class RngTests
{
    [Fact]
    public void NextInt_excludes_its_upper_bound_and_reaches_every_value_below_it()
    {
        var rng = new Rng(5);
        var seen = Enumerable.Range(0, 2000).Select(_ => rng.NextInt(3, 8)).ToHashSet();
        Assert.Equal([3, 4, 5, 6, 7], seen.Order());
        Assert.Equal([0, 1, 2], Enumerable.Range(0, 500).Select(_ => rng.NextInt(3)).Distinct().Order());
    }

    [Fact]
    public void Streams_depend_only_on_what_derives_them()
    {
        Assert.Equal(new Rng(Rng.Mix(1, 2, 3)).NextULong(), new Rng(Rng.Mix(1, 2, 3)).NextULong());
        Assert.NotEqual(Rng.Mix(1, 2, 3), Rng.Mix(1, 2, 4));
        Assert.NotEqual(Rng.Mix(1, 2), Rng.Mix(1, 2, 0));
        Assert.Equal(Rng.Derive(9, "photo", 4).NextULong(), Rng.Derive(9, "photo", 4).NextULong());
        Assert.NotEqual(Rng.Derive(9, "photo", 4).NextULong(), Rng.Derive(9, "labels", 4).NextULong());
    }
}
