using CycleGan.Download;

namespace CycleGan.Tests.Download;

public class SafeUnpackerTests
{
    static readonly UnpackLimits Small = new() { MaxBytes = 1 << 20, MaxEntries = 50, MaxRatio = 100, RatioFromBytes = 1 << 16 };

    [Theory]
    [InlineData("zip traversal", DownloadPayload.Zip)]
    [InlineData("zip absolute", DownloadPayload.Zip)]
    [InlineData("zip symlink", DownloadPayload.Zip)]
    [InlineData("zip bomb", DownloadPayload.Zip)]
    [InlineData("tar traversal", DownloadPayload.TarGz)]
    [InlineData("tar hardlink", DownloadPayload.TarGz)]
    [InlineData("tar bomb", DownloadPayload.TarGz)]
    public void Unpacking_repeats_every_check_itself_and_writes_nothing_outside_its_folder(string what, DownloadPayload format)
    {
        // Without the Verify pass first: the writing pass must refuse on its own.
        using var tmp = TestPaths.NewTempDir("unpack");
        var archive = tmp["in/maps.archive"];
        Directory.CreateDirectory(tmp["in"]);
        File.WriteAllBytes(archive, DownloaderTests.Hostile(what));

        Assert.Throws<UserError>(() => SafeUnpacker.Unpack(archive, format, "maps", tmp["out/maps"], Small));

        Assert.Equal(["in", "in/maps.archive", "out", "out/maps"], TestArchives.Tree(tmp.Path).Where(p => !p.StartsWith("out/maps/")));
        Assert.DoesNotContain(TestArchives.Tree(tmp["out/maps"]), p => p.Contains("evil") || p.Contains("link") || p.Contains("hard"));
    }

    [Fact]
    public void Verify_counts_the_files_folders_and_bytes_of_a_good_archive()
    {
        using var tmp = TestPaths.NewTempDir("unpack");
        var files = TestArchives.Pix2PixLayout("edges2shoes");
        File.WriteAllBytes(tmp["e.tar.gz"], TestArchives.TarGz(files));

        var s = SafeUnpacker.Verify(tmp["e.tar.gz"], DownloadPayload.TarGz, "edges2shoes", new UnpackLimits());

        Assert.Equal(new ArchiveSummary(2, 3, files.Sum(f => f.Data.Length)), s); // edges2shoes/, train/, val/
    }
}
