using System.Globalization;

namespace CycleGan.Download;

/// <summary>
/// <c>cyclegan download KIND NAME</c>: what the official download scripts do (<see cref="DownloadCatalogue"/>), made
/// safe: fetched resumably into a <c>.part</c> file (<see cref="HttpFetcher"/>), checked (<see cref="SafeUnpacker"/>,
/// <see cref="GeneratorFileCheck"/>) and only then moved into place. Nothing is written outside
/// <c>DIR/NAME</c> (<c>NAME_pretrained</c> for models), <c>DIR/NAME.zip.part</c> or <c>.tar.gz.part</c>, and the
/// unpacking folder <c>DIR/NAME.part/</c>; an existing destination is replaced only with <c>--force</c>.
/// </summary>
public sealed class Downloader
{
    public HttpFetcher Fetcher { get; init; } = new();
    public UnpackLimits Limits { get; init; } = new();
    /// <summary>Progress of the transfer (called from the downloading thread, a few times a second).</summary>
    public Action<DownloadProgress>? Progress { get; init; }
    /// <summary>Lines for the user: what is fetched from where, warnings, checks.</summary>
    public Action<string>? Message { get; init; }

    public DownloadResult Run(DownloadOptions o)
    {
        var kind = DownloadCatalogue.Resolve(o.Kind, o.Name);
        var root = string.IsNullOrEmpty(o.Dir) ? kind.DefaultDir : o.Dir;
        var dest = Path.Combine(root, kind.Folder(o.Name));
        var final = kind.IsModel ? Path.Combine(dest, DownloadKind.GeneratorFile) : dest;
        var exists = File.Exists(final) || Directory.Exists(final);
        if (exists && !o.Force) throw new UserError($"{final} already exists; add --force to replace it");
        var url = SourceUrl(kind, o.Name, o.Mirror);
        var fetcher = string.IsNullOrEmpty(o.Mirror) ? Fetcher : Fetcher with { HttpsFirst = false };

        Directory.CreateDirectory(kind.IsModel ? dest : root);
        var part = kind.IsModel ? final + ".part" : Path.Combine(root, o.Name + kind.Extension + ".part");
        if (File.Exists(part)) Message?.Invoke($"resuming {part} ({new FileInfo(part).Length:N0} bytes so far)");
        Message?.Invoke($"downloading {url} (the official {kind.Script} {o.Name})");
        var fetched = fetcher.Fetch(url, part, Progress, Message);

        string description;
        try
        {
            description = kind.IsModel
                ? GeneratorFileCheck.Check(part, kind.NetG, kind.Norm)
                : Describe(SafeUnpacker.Verify(part, kind.Payload, o.Name, Limits), kind.Payload);
        }
        catch (UserError e)
        {
            // A complete download that fails its check would fail again on resume: start afresh next time.
            File.Delete(part);
            throw new UserError($"{e.Message} (nothing was put in place; the download was deleted)", e);
        }
        Message?.Invoke($"checked: {description}");

        if (kind.IsModel) File.Move(part, final, overwrite: true);
        else
        {
            var staging = Path.Combine(root, kind.Folder(o.Name) + ".part");
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            try
            {
                SafeUnpacker.Unpack(part, kind.Payload, o.Name, staging, Limits);
            }
            catch
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                throw;
            }
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            else if (File.Exists(final)) File.Delete(final);
            Directory.Move(staging, final);
            File.Delete(part); // as the official `rm $ZIP_FILE`
        }
        return new DownloadResult(final, fetched, description, exists);
    }

    /// <summary>The official URL, or the same path on <paramref name="mirror"/> (scheme, host, optional path prefix).</summary>
    public static Uri SourceUrl(DownloadKind kind, string name, string mirror)
    {
        var official = new Uri(kind.Url(name));
        if (string.IsNullOrEmpty(mirror)) return official;
        if (!Uri.TryCreate(mirror, UriKind.Absolute, out var m) || m.Scheme is not ("http" or "https"))
            throw new UserError($"--mirror {mirror} is not an http:// or https:// URL");
        return new Uri(m.GetLeftPart(UriPartial.Path).TrimEnd('/') + official.AbsolutePath);
    }

    /// <summary>Every kind with its names (or those of one kind), one line each, for <c>--list</c>.</summary>
    public static IEnumerable<string> List(string kind = "") =>
        (string.IsNullOrEmpty(kind) ? DownloadCatalogue.Kinds : [DownloadCatalogue.Kind(kind)])
        .Select(k => $"{k.Name}: {string.Join(", ", k.Names)}");

    static string Describe(ArchiveSummary s, DownloadPayload format) =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Files:N0} files in {s.Folders:N0} folders, {s.Bytes:N0} bytes, ")
        + (format == DownloadPayload.Zip ? "every CRC matches" : "gzip and tar intact")
        + ", no entry outside its folder, no link or device";
}
