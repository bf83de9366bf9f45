using CycleGan.Data;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Data;

/// <summary>`cyclegan datasets combine`, the official combine_A_and_B.py, on small folder trees.</summary>
public class CombineAandBTests
{
    static void Write(TempDir tmp, string relative, RgbImage img)
    {
        var path = tmp[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageFile.Save(img, path);
    }

    [Fact]
    public void Pairs_by_name_per_split_A_left_same_format_and_reports_an_A_without_partner()
    {
        using var tmp = TestPaths.NewTempDir("combine");
        var a1 = TestImages.Pattern(6, 4, 1);
        var b1 = TestImages.Pattern(5, 4, 2);
        Write(tmp, "A/train/1.png", a1);
        Write(tmp, "B/train/1.png", b1);
        Write(tmp, "A/train/2.jpg", TestImages.Pattern(8, 8, 3));
        Write(tmp, "B/train/2.jpg", TestImages.Pattern(8, 8, 4));
        Write(tmp, "A/train/3.png", TestImages.Pattern(4, 4, 5));
        Write(tmp, "A/val/v.png", TestImages.Pattern(4, 4, 6));
        Write(tmp, "B/val/v.png", TestImages.Pattern(4, 4, 7));
        Write(tmp, "A/only_in_A/x.png", TestImages.Pattern(4, 4, 8));

        var r = CliRunner.MustSucceed("datasets", "combine", "--fold_A", tmp["A"], "--fold_B", tmp["B"], "--fold_AB", tmp["AB"]);

        var ab = ImageFile.LoadRgb(tmp["AB/train/1.png"]);
        Assert.Equal((11, 4), (ab.Width, ab.Height));
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 11; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(x < 6 ? a1[y, x, c] : b1[y, x - 6, c], ab[y, x, c]);
        var jpeg = File.ReadAllBytes(tmp["AB/train/2.jpg"]);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        Assert.Equal(16, ImageFile.LoadRgb(tmp["AB/train/2.jpg"]).Width);
        Assert.False(File.Exists(tmp["AB/train/3.png"]));
        Assert.True(File.Exists(tmp["AB/val/v.png"]));
        Assert.False(Directory.Exists(tmp["AB/only_in_A"]));
        Assert.Contains("1 A image(s) without a B partner were skipped: " + tmp["A/train/3.png"], r.Stdout);
        Assert.Contains("wrote 3 pair(s)", r.Stdout);
    }

    [Fact]
    public void Images_of_different_heights_are_a_one_line_error_naming_the_pair()
    {
        using var tmp = TestPaths.NewTempDir("combine-height");
        Write(tmp, "A/test/p.png", TestImages.Pattern(4, 4));
        Write(tmp, "B/test/p.png", TestImages.Pattern(4, 5));
        var r = CliRunner.Run("datasets", "combine", "--fold_A", tmp["A"], "--fold_B", tmp["B"], "--fold_AB", tmp["AB"]);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(tmp["A/test/p.png"], line);
        Assert.Contains(tmp["B/test/p.png"], line);
        Assert.Contains("same height", line);
    }

    [Fact]
    public void Use_AB_pairs_A_and_B_suffixes_into_one_name_and_serial_equals_parallel()
    {
        using var tmp = TestPaths.NewTempDir("combine-ab");
        for (int i = 0; i < 6; i++)
        {
            Write(tmp, $"A/train/{i:D4}_A.png", TestImages.Pattern(4, 4, i));
            Write(tmp, $"B/train/{i:D4}_B.png", TestImages.Pattern(4, 4, 10 + i));
        }
        CliRunner.MustSucceed("datasets", "combine", "--fold_A", tmp["A"], "--fold_B", tmp["B"], "--fold_AB", tmp["par"], "--use_AB");
        CliRunner.MustSucceed("datasets", "combine", "--fold_A", tmp["A"], "--fold_B", tmp["B"], "--fold_AB", tmp["ser"], "--use_AB",
            "--no_multiprocessing", "--num_imgs", "4");
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"{i:D4}.png"), Directory.GetFiles(tmp["par/train"]).Select(Path.GetFileName).Order());
        Assert.Equal(4, Directory.GetFiles(tmp["ser/train"]).Length);
        foreach (var f in Directory.GetFiles(tmp["ser/train"]))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(tmp["par/train"], Path.GetFileName(f))));
    }
}
