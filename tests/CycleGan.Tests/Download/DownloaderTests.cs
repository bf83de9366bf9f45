using System.Formats.Tar;
using System.IO.Compression;
using CycleGan.Download;

namespace CycleGan.Tests.Download;

public class DownloaderTests
{
    // Small enough that the bomb cases stay tiny; far above what the normal test archives hold.
    static readonly UnpackLimits Small = new() { MaxBytes = 1 << 20, MaxEntries = 50, MaxRatio = 100, RatioFromBytes = 1 << 16 };
    static readonly HttpFetcher NoWait = new() { RetryDelay = TimeSpan.Zero };

    static DownloadOptions Options(string kind, string name, string dir, LocalHttpServer server) =>
        new() { Kind = kind, Name = name, Dir = dir, Mirror = server.Base.ToString() };

    static string PathOf(string kind, string name) =>
        Downloader.SourceUrl(DownloadCatalogue.Kind(kind), name, "").AbsolutePath;

    [Fact]
    public void A_download_cut_in_the_middle_resumes_with_Range_in_the_same_run_and_gives_the_same_bytes()
    {
        using var tmp = TestPaths.NewTempDir("resume");
        using var server = new LocalHttpServer();
        var files = TestArchives.CycleGanLayout("maps").Select(f => (f.Entry, TestArchives.Bytes(40_000, f.Entry.Length))).ToArray();
        var zip = TestArchives.Zip(files);
        server.Serve(PathOf("cyclegan_dataset", "maps"), zip, cutOnceAt: zip.Length / 2);
        var messages = new List<string>();

        var r = new Downloader { Fetcher = NoWait, Message = messages.Add }.Run(Options("cyclegan_dataset", "maps", tmp.Path, server));

        Assert.Equal(zip.Length, r.Fetch.Bytes);
        Assert.Equal(["/~taesung_park/CycleGAN/datasets/maps.zip", $"/~taesung_park/CycleGAN/datasets/maps.zip from {zip.Length / 2}"],
            server.Requests);
        Assert.Contains(messages, m => m.Contains("connection was lost") || m.Contains("closed the connection"));
        foreach (var (entry, data) in files) Assert.Equal(data, File.ReadAllBytes(Path.Combine(tmp.Path, entry)));
    }

    [Fact]
    public void A_download_stopped_by_a_cut_keeps_only_its_part_file_and_the_next_run_resumes_it_to_the_same_bytes()
    {
        using var tmp = TestPaths.NewTempDir("resume");
        using var server = new LocalHttpServer();
        Directory.CreateDirectory(tmp["made"]);
        var pth = TestArchives.GeneratorPth(tmp["made"], "resnet_9blocks", "instance");
        server.Serve(PathOf("cyclegan_model", "style_monet"), pth, cutOnceAt: pth.Length / 3);
        var root = tmp["checkpoints"];
        var once = new Downloader { Fetcher = NoWait with { Retries = 0 } };

        var e = Assert.Throws<UserError>(() => once.Run(Options("cyclegan_model", "style_monet", root, server)));
        Assert.Contains($"stopped after {pth.Length / 3:N0} of {pth.Length:N0} bytes", e.Message);
        Assert.Contains("run the same command again to resume", e.Message);
        Assert.Equal(["style_monet_pretrained", "style_monet_pretrained/latest_net_G.pth.part"], TestArchives.Tree(root));

        var r = once.Run(Options("cyclegan_model", "style_monet", root, server));
        Assert.Equal(pth.Length / 3, r.Fetch.ResumedFrom);
        Assert.EndsWith($"from {pth.Length / 3}", server.Requests[^1]);
        Assert.Equal(pth, File.ReadAllBytes(r.Destination));
        Assert.Equal(["style_monet_pretrained", "style_monet_pretrained/latest_net_G.pth"], TestArchives.Tree(root));
    }

    [Fact]
    public void A_server_announcing_more_bytes_than_it_sends_is_refused_and_only_the_part_file_is_written()
    {
        using var tmp = TestPaths.NewTempDir("length");
        using var server = new LocalHttpServer();
        var zip = TestArchives.Zip(TestArchives.CycleGanLayout("facades"));
        server.Serve(PathOf("cyclegan_dataset", "facades"), zip, claimedLength: zip.Length + 1000);

        var e = Assert.Throws<UserError>(() => new Downloader { Fetcher = NoWait with { Retries = 1 } }
            .Run(Options("cyclegan_dataset", "facades", tmp.Path, server)));

        Assert.Contains($"stopped after {zip.Length:N0} of {zip.Length + 1000:N0} bytes", e.Message);
        Assert.Equal(["facades.zip.part"], TestArchives.Tree(tmp.Path));
    }

    public static TheoryData<string, string, string> Refused() => new()
    {
        { "zip truncated", "cyclegan_dataset", "ends early|damaged or not a zip" },
        { "zip crc", "cyclegan_dataset", "'maps/trainA/0.jpg' is refused: damaged: CRC" },
        { "zip traversal", "cyclegan_dataset", "'maps/../../evil.txt' is refused: a path with '..'" },
        { "zip absolute", "cyclegan_dataset", "'/tmp/evil.txt' is refused: an absolute path" },
        { "zip outside", "cyclegan_dataset", "'evil.txt' is refused: outside the folder maps/" },
        { "zip symlink", "cyclegan_dataset", "'maps/trainA/link' is refused: a symbolic link" },
        { "zip bomb", "cyclegan_dataset", "'maps/bomb.bin' is refused: unpacks to more than the limit" },
        { "zip ratio bomb", "cyclegan_dataset", "'maps/bomb.bin' is refused: unpacks to more than 100 times" },
        { "zip entry bomb", "cyclegan_dataset", "entries, more than the limit of 50" },
        { "tar truncated", "pix2pix_dataset", "truncated" },
        { "tar traversal", "pix2pix_dataset", "'maps/../../evil.txt' is refused: a path with '..'" },
        { "tar symlink", "pix2pix_dataset", "'maps/train/link' is refused: a symbolic link to '/etc/passwd'" },
        { "tar hardlink", "pix2pix_dataset", "'maps/train/hard' is refused: a hard link to '../../../etc/passwd'" },
        { "tar device", "pix2pix_dataset", "'maps/train/dev' is refused: a device file" },
        { "tar bomb", "pix2pix_dataset", "'maps/bomb.bin' is refused: unpacks to more than the limit" },
    };

    internal static byte[] Hostile(string what)
    {
        var zipFiles = TestArchives.CycleGanLayout("maps");
        var tarFiles = TestArchives.Pix2PixLayout("maps");
        var zeros = new byte[2 << 20];
        switch (what)
        {
            case "zip truncated": var z = TestArchives.Zip(zipFiles); return z[..(z.Length - 30)];
            case "zip crc":
                var ms = new MemoryStream();
                using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
                using (var s = zip.CreateEntry("maps/trainA/0.jpg", CompressionLevel.NoCompression).Open()) s.Write("QQQQQQQQQQQQQQQQ"u8);
                var bytes = ms.ToArray();
                bytes[Array.IndexOf(bytes, (byte)'Q')] = (byte)'R'; // a data byte, after the header
                return bytes;
            case "zip traversal": return TestArchives.Zip([.. zipFiles, ("maps/../../evil.txt", "x"u8.ToArray())]);
            case "zip absolute": return TestArchives.Zip([.. zipFiles, ("/tmp/evil.txt", "x"u8.ToArray())]);
            case "zip outside": return TestArchives.Zip([.. zipFiles, ("evil.txt", "x"u8.ToArray())]);
            case "zip symlink": return TestArchives.Zip(zipFiles, zip => TestArchives.AddZipSymlink(zip, "maps/trainA/link", "/etc"));
            case "zip bomb": return TestArchives.Zip([.. zipFiles, ("maps/bomb.bin", zeros)]);
            case "zip ratio bomb": return TestArchives.Zip([.. zipFiles, ("maps/bomb.bin", zeros[..(300 << 10)])]);
            case "zip entry bomb": return TestArchives.Zip(Enumerable.Range(0, 60).Select(i => ($"maps/{i}", new byte[1])));
            case "tar truncated": var t = TestArchives.TarGz(tarFiles); return t[..(t.Length - 6)];
            case "tar traversal": return TestArchives.TarGz([.. tarFiles, ("maps/../../evil.txt", "x"u8.ToArray())]);
            case "tar symlink":
                return TestArchives.TarGz(tarFiles, new PaxTarEntry(TarEntryType.SymbolicLink, "maps/train/link") { LinkName = "/etc/passwd" });
            case "tar hardlink":
                return TestArchives.TarGz(tarFiles,
                    new PaxTarEntry(TarEntryType.HardLink, "maps/train/hard") { LinkName = "../../../etc/passwd" });
            case "tar device": return TestArchives.TarGz(tarFiles, new PaxTarEntry(TarEntryType.CharacterDevice, "maps/train/dev"));
            case "tar bomb": return TestArchives.TarGz([.. tarFiles, ("maps/bomb.bin", zeros)]);
            default: throw new ArgumentException(what);
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_damaged_or_hostile_archive_is_refused_naming_the_entry_and_nothing_is_written(string what, string kind,
        string expected)
    {
        using var tmp = TestPaths.NewTempDir("hostile");
        using var server = new LocalHttpServer();
        server.Serve(PathOf(kind, "maps"), Hostile(what));
        var root = tmp["datasets"];

        var e = Assert.Throws<UserError>(() => new Downloader { Fetcher = NoWait, Limits = Small }.Run(Options(kind, "maps", root, server)));

        Assert.Matches(expected.Replace("(", "\\(").Replace(")", "\\)").Replace(".", "\\."), e.Message);
        Assert.Contains("nothing was put in place", e.Message);
        Assert.Empty(TestArchives.Tree(root));
        Assert.Equal(["datasets"], TestArchives.Tree(tmp.Path));
        Assert.False(File.Exists("/tmp/evil.txt"));
    }
}
