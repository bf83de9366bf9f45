using CycleGan.Data;
using CycleGan.Data.Synth;

namespace CycleGan.Tests.Data.Synth;

public class StreetScenesTests
{
    static Scene SceneOf(ulong seed, int i) => StreetScenes.Generate(Rng.Derive(seed, "test", i));

    static RgbImage Photo(Scene s, int i, PhotoStyle style, int size = 64) =>
        StreetScenes.RenderPhoto(s, size, style, Rng.Derive(7, "photo", i));

    [Fact]
    public void Same_seed_gives_identical_labels_and_photos()
    {
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(StreetScenes.RenderLabels(SceneOf(3, i), 64).Pixels, StreetScenes.RenderLabels(SceneOf(3, i), 64).Pixels);
            Assert.Equal(Photo(SceneOf(3, i), i, PhotoStyle.Day).Pixels, Photo(SceneOf(3, i), i, PhotoStyle.Day).Pixels);
            Assert.Equal(Photo(SceneOf(3, i), i, PhotoStyle.Night).Pixels, Photo(SceneOf(3, i), i, PhotoStyle.Night).Pixels);
        }
    }

    [Fact]
    public void Different_seeds_give_different_scenes()
    {
        for (int i = 0; i < 5; i++)
            Assert.NotEqual(StreetScenes.RenderLabels(SceneOf(3, i), 64).Pixels, StreetScenes.RenderLabels(SceneOf(4, i), 64).Pixels);
        Assert.NotEqual(StreetScenes.RenderLabels(SceneOf(3, 0), 64).Pixels, StreetScenes.RenderLabels(SceneOf(3, 1), 64).Pixels);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(16)]
    [InlineData(100)]
    public void Label_maps_contain_only_palette_colours(int size)
    {
        var palette = StreetScenes.Palette.Select(p => (p.R, p.G, p.B)).ToHashSet();
        for (int i = 0; i < 40; i++)
        {
            var img = StreetScenes.RenderLabels(SceneOf(11, i), size);
            Assert.Equal(size, img.Width);
            Assert.Equal(size, img.Height);
            for (int p = 0; p < img.Pixels.Length; p += 3)
                Assert.Contains((img.Pixels[p], img.Pixels[p + 1], img.Pixels[p + 2]), palette);
        }
    }

    [Fact]
    public void Palette_has_one_distinct_colour_per_class()
    {
        Assert.Equal(Enum.GetValues<StreetClass>().Length, StreetScenes.Palette.Count);
        Assert.Equal(StreetScenes.Palette.Count, StreetScenes.Palette.Select(p => (p.R, p.G, p.B)).Distinct().Count());
        Assert.Equal("lane_marking", StreetScenes.Palette[(int)StreetClass.LaneMarking].Name);
    }

    [Fact]
    public void Every_class_appears_in_at_least_a_third_of_scenes_and_the_large_ones_in_all()
    {
        const int n = 200;
        var seen = new int[StreetScenes.Palette.Count];
        for (int i = 0; i < n; i++)
            foreach (var c in StreetScenes.RenderClassMap(SceneOf(5, i), 64).Distinct())
                seen[c]++;
        for (int c = 0; c < seen.Length; c++)
            Assert.True(seen[c] >= n / 3, $"{StreetScenes.Palette[c].Name} appears in only {seen[c]} of {n} scenes");
        foreach (var c in new[] { StreetClass.Sky, StreetClass.Building, StreetClass.Window, StreetClass.Road, StreetClass.Sidewalk })
            Assert.Equal(n, seen[(int)c]);
    }

    [Fact]
    public void Photo_classes_have_their_own_colours_with_texture_not_the_palette()
    {
        // Per class over 30 scenes: the mean photo colour is far from the flat label colour, and pixels vary.
        int k = StreetScenes.Palette.Count;
        var sum = new double[k, 3];
        var sumSq = new double[k];
        var count = new int[k];
        for (int i = 0; i < 30; i++)
        {
            var scene = SceneOf(9, i);
            var classes = StreetScenes.RenderClassMap(scene, 64);
            var photo = Photo(scene, i, PhotoStyle.Day);
            for (int p = 0; p < classes.Length; p++)
            {
                int c = classes[p];
                double luma = 0;
                for (int ch = 0; ch < 3; ch++) { sum[c, ch] += photo.Pixels[3 * p + ch]; luma += photo.Pixels[3 * p + ch] / 3.0; }
                sumSq[c] += luma * luma;
                count[c]++;
            }
        }
        foreach (var c in new[] { StreetClass.Sky, StreetClass.Building, StreetClass.Window, StreetClass.Road, StreetClass.Sidewalk, StreetClass.Vegetation, StreetClass.Car })
        {
            int ci = (int)c;
            Assert.True(count[ci] > 100, $"{c}: only {count[ci]} pixels");
            var pal = StreetScenes.Palette[ci];
            double mr = sum[ci, 0] / count[ci], mg = sum[ci, 1] / count[ci], mb = sum[ci, 2] / count[ci];
            double dist = Math.Sqrt((mr - pal.R) * (mr - pal.R) + (mg - pal.G) * (mg - pal.G) + (mb - pal.B) * (mb - pal.B));
            double meanLuma = (mr + mg + mb) / 3, std = Math.Sqrt(sumSq[ci] / count[ci] - meanLuma * meanLuma);
            Assert.True(dist > 20, $"{c}: mean photo colour ({mr:F0}, {mg:F0}, {mb:F0}) is within {dist:F1} of the palette colour");
            Assert.True(std > 8, $"{c}: photo brightness std {std:F1} is too flat");
        }
    }

    [Fact]
    public void Night_style_differs_measurably_from_day_on_the_same_scene()
    {
        double darker = 0, diff = 0;
        const int n = 10;
        for (int i = 0; i < n; i++)
        {
            var scene = SceneOf(2, i);
            var day = Photo(scene, i, PhotoStyle.Day).Pixels;
            var night = Photo(scene, i, PhotoStyle.Night).Pixels;
            darker += (day.Average(b => (double)b) - night.Average(b => (double)b)) / n;
            diff += day.Zip(night, (a, b) => (double)Math.Abs(a - b)).Average() / n;
        }
        Assert.True(darker > 40, $"night photos are only {darker:F1} levels darker on average");
        Assert.True(diff > 50, $"day and night photos differ by only {diff:F1} levels per channel on average");
    }

    [Fact]
    public void Photos_vary_with_lighting_seed_on_the_same_scene()
    {
        var scene = SceneOf(1, 0);
        var a = StreetScenes.RenderPhoto(scene, 64, PhotoStyle.Day, Rng.Derive(1, "photo", 0)).Pixels;
        var b = StreetScenes.RenderPhoto(scene, 64, PhotoStyle.Day, Rng.Derive(1, "photo", 1)).Pixels;
        Assert.True(a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Average() > 5);
    }

    [Fact]
    public void Rng_sequence_is_fixed_by_the_code()
    {
        // SplitMix64 from seed 0: the published first outputs.
        var rng = new Rng(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextULong());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextULong());
    }
}
