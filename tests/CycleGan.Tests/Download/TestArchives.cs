using System.Formats.Tar;
using System.IO.Compression;
using CycleGan.Checkpoints;
using CycleGan.Networks;
using CycleGan.Tests.Checkpoints;

namespace CycleGan.Tests.Download;

/// <summary>Archives and checkpoints made at test time: the official layouts, tiny, and hostile variants of them.</summary>
static class TestArchives
{
    /// <summary>A CycleGAN dataset's layout: NAME/{trainA,trainB,testA,testB}/ with one small file each.</summary>
    public static (string Entry, byte[] Data)[] CycleGanLayout(string name) =>
        new[] { "trainA", "trainB", "testA", "testB" }.Select((d, i) => ($"{name}/{d}/{i}.jpg", Bytes(300 + i, i))).ToArray();

    /// <summary>A pix2pix dataset's layout: NAME/{train,val}/ with side-by-side pairs.</summary>
    public static (string Entry, byte[] Data)[] Pix2PixLayout(string name) =>
        [($"{name}/train/1.jpg", Bytes(500, 1)), ($"{name}/val/1.jpg", Bytes(400, 2))];

    public static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    public static byte[] Zip(IEnumerable<(string Entry, byte[] Data)> files, Action<ZipArchive>? more = null)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            // Folder entries first, as the zip tool writes them.
            foreach (var folder in Folders(files)) zip.CreateEntry(folder + "/");
            foreach (var (entry, data) in files)
                using (var s = zip.CreateEntry(entry).Open()) s.Write(data);
            more?.Invoke(zip);
        }
        return ms.ToArray();
    }

    /// <summary>A zip entry whose Unix mode says symbolic link, pointing at <paramref name="target"/>.</summary>
    public static void AddZipSymlink(ZipArchive zip, string entry, string target)
    {
        var e = zip.CreateEntry(entry, CompressionLevel.NoCompression);
        e.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
        using var s = e.Open();
        s.Write(System.Text.Encoding.UTF8.GetBytes(target));
    }

    public static byte[] TarGz(IEnumerable<(string Entry, byte[] Data)> files, params TarEntry[] more)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var folder in Folders(files)) tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder + "/"));
            foreach (var (entry, data) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry) { DataStream = new MemoryStream(data) });
            foreach (var e in more) tar.WriteEntry(e);
        }
        return ms.ToArray();
    }

    // The parent folders of plain, relative entries ("maps", "maps/trainA"); hostile names get none.
    static IEnumerable<string> Folders(IEnumerable<(string Entry, byte[] Data)> files) =>
        files.Select(f => f.Entry).Where(e => !e.StartsWith('/') && !e.Contains(".."))
            .SelectMany(e => Enumerable.Range(1, e.Count(c => c == '/')).Select(n => string.Join('/', e.Split('/').Take(n))))
            .Distinct().Order(StringComparer.Ordinal);

    /// <summary>A tiny generator of the official architecture (ngf 2) saved with <see cref="PthFile.Write"/>.</summary>
    public static byte[] GeneratorPth(string dir, string netG, string norm)
    {
        TorchRuntime.EnsureLoaded();
        var path = Path.Combine(dir, $"made-{netG}-{norm}.pth");
        using (var g = NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = netG, Norm = norm, Ngf = 2 }))
            PthFile.Write(path, g.state_dict());
        return File.ReadAllBytes(path);
    }

    /// <summary>A zip .pth whose pickle calls os.system (touching <paramref name="marker"/>) instead of holding tensors.</summary>
    public static byte[] HostilePth(string marker) => Zip([("evil/data.pkl", PickleBytes.RunsCommand("touch " + marker)),
        ("evil/version", "3\n"u8.ToArray())]);

    /// <summary>Every file and folder under <paramref name="root"/>, relative, sorted.</summary>
    public static string[] Tree(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal).ToArray();
}
