using CycleGan.Reproduce;

namespace CycleGan.Tests.Reproduce;

public class SeparatedOrderingsTests
{
    static TableRow Row(string name, double mean, double sd, int seeds = 3) =>
        new(name, name, seeds, new PaperScores(mean, mean, mean), new PaperScores(sd, sd, sd), null);

    [Fact]
    public void Only_rows_whose_mean_sd_intervals_do_not_overlap_are_ordered()
    {
        var rows = new[] { Row("CoGAN", 0.45, 0.02), Row("CycleGAN", 0.44, 0.02), Row("BiGAN", 0.30, 0.03) };
        var found = SeparatedOrderings.Of(rows, s => s.PixelAccuracy);
        Assert.Equal([("CoGAN", "BiGAN"), ("CycleGAN", "BiGAN")], found);
    }

    [Fact]
    public void One_seed_rows_support_no_ordering()
    {
        var rows = new[] { Row("pix2pix", 0.84, double.NaN, 1), Row("BiGAN", 0.20, double.NaN, 1) };
        Assert.Empty(SeparatedOrderings.Of(rows, s => s.PixelAccuracy));
    }
}
