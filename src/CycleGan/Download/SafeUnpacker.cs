using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using CycleGan.Checkpoints;

namespace CycleGan.Download;

/// <summary>
/// Checks and unpacks the official dataset archives (<c>unzip</c>, <c>tar -zxvf</c> in the official scripts) without
/// trusting them: every entry must lie under the archive's top folder <c>NAME/</c> (no <c>..</c>, no absolute path),
/// be a plain file or folder (no symbolic or hard link, no device, FIFO or socket), and the whole must stay within
/// <see cref="UnpackLimits"/>; zip CRCs and sizes and the gzip trailer are verified. <see cref="Verify"/> reads the
/// archive through without writing; <see cref="Unpack"/> repeats every check while writing into a fresh folder.
/// A refusal is a <see cref="UserError"/> naming the archive and the entry.
/// </summary>
public static class SafeUnpacker
{
    const int BufferSize = 1 << 16;
    // st_mode file types in the high 16 bits of a zip entry's external attributes (written by Unix zip tools).
    const int TypeMask = 0xF000, SymlinkType = 0xA000, RegularType = 0x8000, DirectoryType = 0x4000;

    public static ArchiveSummary Verify(string archive, DownloadPayload format, string folder, UnpackLimits limits) =>
        Walk(archive, format, folder, limits, into: null);

    /// <summary>Writes the contents of <c>NAME/</c> into <paramref name="into"/>, which must not exist yet.</summary>
    public static ArchiveSummary Unpack(string archive, DownloadPayload format, string folder, string into, UnpackLimits limits)
    {
        if (Directory.Exists(into) || File.Exists(into)) throw new InvalidOperationException($"{into} exists already");
        Directory.CreateDirectory(into);
        return Walk(archive, format, folder, limits, Path.GetFullPath(into));
    }

    static ArchiveSummary Walk(string archive, DownloadPayload format, string folder, UnpackLimits limits, string? into)
    {
        var tally = new Tally(archive, new FileInfo(archive).Length, limits);
        try
        {
            if (format == DownloadPayload.Zip) WalkZip(archive, folder, tally, into);
            else if (format == DownloadPayload.TarGz) WalkTarGz(archive, folder, tally, into);
            else throw new ArgumentException($"{format} is not an archive", nameof(format));
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw Refuse(archive, tally.Entry, $"damaged or not a {Kind(format)} ({e.Message})", e);
        }
        catch (EndOfStreamException e) { throw Refuse(archive, tally.Entry, "the archive ends early (truncated)", e); }
        catch (IOException e) when (into != null) { throw Refuse(archive, tally.Entry, $"cannot unpack it: {e.Message}", e); }
        return new ArchiveSummary(tally.Files, tally.Folders, tally.Bytes);
    }

    static void WalkZip(string archive, string folder, Tally tally, string? into)
    {
        using var fs = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Read);
        if (zip.Entries.Count > tally.Limits.MaxEntries)
            throw Refuse(archive, null, $"{zip.Entries.Count:N0} entries, more than the limit of {tally.Limits.MaxEntries:N0}");
        // The sizes the central directory declares, before reading any: a bomb that admits its size stops here.
        var declared = 0L;
        foreach (var e in zip.Entries)
        {
            declared += e.Length;
            if (declared > tally.Limits.MaxBytes) throw Refuse(archive, e.FullName, TooBig(tally.Limits));
        }
        var buffer = new byte[BufferSize];
        foreach (var e in zip.Entries)
        {
            tally.Entry = e.FullName;
            var type = (e.ExternalAttributes >> 16) & TypeMask;
            if (type == SymlinkType) throw Refuse(archive, e.FullName, "a symbolic link; links are not unpacked");
            var isFolder = e.FullName.EndsWith('/') || type == DirectoryType;
            if (type != 0 && type != RegularType && type != DirectoryType)
                throw Refuse(archive, e.FullName, "a device file, FIFO or socket, not a plain file");
            var target = Target(archive, e.FullName, folder, into);
            if (isFolder)
            {
                tally.Folder();
                if (target is { Length: > 0 }) Directory.CreateDirectory(target);
                continue;
            }
            if (target is { Length: 0 }) throw Refuse(archive, e.FullName, $"a file where the folder {folder}/ belongs");
            tally.File();
            using var data = e.Open();
            using var output = Create(archive, e.FullName, target);
            var crc = 0u;
            var read = 0L;
            int n;
            while ((n = data.Read(buffer)) > 0)
            {
                read += n;
                if (read > e.Length) throw Refuse(archive, e.FullName, $"holds more than the {e.Length:N0} bytes it declares");
                tally.Add(n);
                crc = Crc32.Append(crc, buffer.AsSpan(0, n));
                output?.Write(buffer, 0, n);
            }
            if (read != e.Length) throw Refuse(archive, e.FullName, $"damaged: {read:N0} of its {e.Length:N0} bytes");
            if (crc != e.Crc32) throw Refuse(archive, e.FullName, $"damaged: CRC {crc:x8} where the archive says {e.Crc32:x8}");
        }
    }

    static void WalkTarGz(string archive, string folder, Tally tally, string? into)
    {
        using var fs = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        using var gzip = new GZipStream(fs, CompressionMode.Decompress, leaveOpen: true);
        using var counted = new CountingStream(gzip);
        using (var tar = new TarReader(counted, leaveOpen: true))
        {
            var buffer = new byte[BufferSize];
            while (tar.GetNextEntry() is { } e)
            {
                tally.Entry = e.Name;
                if (e.EntryType == TarEntryType.GlobalExtendedAttributes) continue;
                if (tally.Files + tally.Folders >= tally.Limits.MaxEntries)
                    throw Refuse(archive, e.Name, $"more entries than the limit of {tally.Limits.MaxEntries:N0}");
                switch (e.EntryType)
                {
                    case TarEntryType.SymbolicLink:
                    case TarEntryType.HardLink:
                        throw Refuse(archive, e.Name, $"a {(e.EntryType == TarEntryType.HardLink ? "hard" : "symbolic")} link to "
                            + $"'{e.LinkName}'; links are not unpacked");
                    case TarEntryType.CharacterDevice:
                    case TarEntryType.BlockDevice:
                    case TarEntryType.Fifo:
                        throw Refuse(archive, e.Name, "a device file or FIFO, not a plain file");
                    case TarEntryType.Directory:
                        var dir = Target(archive, e.Name, folder, into);
                        tally.Folder();
                        if (dir is { Length: > 0 }) Directory.CreateDirectory(dir);
                        break;
                    case TarEntryType.RegularFile:
                    case TarEntryType.V7RegularFile:
                    case TarEntryType.ContiguousFile:
                        var target = Target(archive, e.Name, folder, into);
                        if (target is { Length: 0 }) throw Refuse(archive, e.Name, $"a file where the folder {folder}/ belongs");
                        tally.File();
                        using (var output = Create(archive, e.Name, target))
                        {
                            if (e.DataStream is not { } data) break;
                            int n;
                            while ((n = data.Read(buffer)) > 0)
                            {
                                tally.Add(n);
                                output?.Write(buffer, 0, n);
                            }
                        }
                        break;
                    default:
                        throw Refuse(archive, e.Name, $"an entry of type {e.EntryType}, not a plain file or folder");
                }
            }
        }
        tally.Entry = null;
        // Past the end-of-archive blocks to the end of the gzip stream, so the trailer's length can be compared.
        counted.CopyTo(Stream.Null);
        // gzip ends with CRC32 and ISIZE (length mod 2^32). zlib checks the CRC when it reaches the trailer, but a
        // stream cut before it just ends, so the length in the file's last 4 bytes must match what was decompressed.
        Span<byte> isize = stackalloc byte[4];
        fs.Seek(-4, SeekOrigin.End);
        fs.ReadExactly(isize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(isize) != (uint)counted.Count)
            throw Refuse(archive, null, "truncated or damaged: the gzip stream ends before its trailer");
    }

    /// <summary>
    /// Where an entry goes: null when only verifying, "" for the top folder itself, else a path inside
    /// <paramref name="into"/>; refuses names that leave <c>NAME/</c>.
    /// </summary>
    static string? Target(string archive, string entry, string folder, string? into)
    {
        if (entry.Contains('\0')) throw Refuse(archive, entry, "a name with a NUL character");
        var name = entry.Replace('\\', '/');
        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':'))
            throw Refuse(archive, entry, "an absolute path; nothing is written outside " + folder + "/");
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains(".."))
            throw Refuse(archive, entry, "a path with '..'; nothing is written outside " + folder + "/");
        if (parts.Length == 0 || parts[0] != folder)
            throw Refuse(archive, entry, $"outside the folder {folder}/ the archive must unpack to");
        if (into is null) return null;
        if (parts.Length == 1) return "";
        var path = Path.GetFullPath(Path.Combine([into, .. parts[1..]]));
        if (!path.StartsWith(into + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw Refuse(archive, entry, "a path leading outside " + folder + "/");
        return path;
    }

    static FileStream? Create(string archive, string entry, string? target)
    {
        if (target is null) return null;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target) || Directory.Exists(target)) throw Refuse(archive, entry, "a second entry of the same name");
        return new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
    }

    static UserError Refuse(string archive, string? entry, string why, Exception? inner = null)
    {
        var message = entry is null ? $"{archive}: {why}" : $"{archive}: entry '{entry}' is refused: {why}";
        return inner is null ? new UserError(message) : new UserError(message, inner);
    }

    static string TooBig(UnpackLimits l) => $"unpacks to more than the limit of {l.MaxBytes:N0} bytes (a zip bomb?)";

    static string Kind(DownloadPayload format) => format == DownloadPayload.Zip ? "zip archive" : "tar.gz archive";

    /// <summary>Counts what is unpacked and refuses it past the limits, naming the entry being read.</summary>
    sealed class Tally(string archive, long archiveBytes, UnpackLimits limits)
    {
        public UnpackLimits Limits => limits;
        public string? Entry { get; set; }
        public long Files { get; private set; }
        public long Folders { get; private set; }
        public long Bytes { get; private set; }

        public void File() => Files++;
        public void Folder() => Folders++;

        public void Add(int n)
        {
            Bytes += n;
            if (Bytes > limits.MaxBytes) throw Refuse(archive, Entry, TooBig(limits));
            if (Bytes > limits.RatioFromBytes && Bytes > archiveBytes * limits.MaxRatio)
                throw Refuse(archive, Entry,
                    $"unpacks to more than {limits.MaxRatio:G} times the archive's size (a zip bomb?)");
        }
    }

    /// <summary>A read-only pass-through that counts the bytes read (the decompressed length, for the gzip trailer).</summary>
    sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Count += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
