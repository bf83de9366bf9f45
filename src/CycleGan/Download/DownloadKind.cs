namespace CycleGan.Download;

/// <summary>
/// One of the official download scripts: the names it accepts, where it fetches them from and where they land.
/// <paramref name="UrlPattern"/> holds <c>{0}</c> for the name; <paramref name="NetG"/>/<paramref name="Norm"/> say which
/// generator a model must load as; <paramref name="Unavailable"/> maps names the script accepts but refuses to their reason.
/// </summary>
public sealed record DownloadKind(
    string Name,
    string Script,
    string UrlPattern,
    string DefaultDir,
    DownloadPayload Payload,
    IReadOnlyList<string> Names,
    string NetG = "",
    string Norm = "",
    IReadOnlyDictionary<string, string>? Unavailable = null)
{
    /// <summary>The official file name of the generator inside the model's folder.</summary>
    public const string GeneratorFile = "latest_net_G.pth";

    public bool IsModel => Payload == DownloadPayload.Generator;

    /// <summary>The folder a name lands in under the root: <c>NAME</c> for datasets, <c>NAME_pretrained</c> for models.</summary>
    public string Folder(string name) => IsModel ? name + "_pretrained" : name;

    /// <summary>The official URL of a name.</summary>
    public string Url(string name) => string.Format(System.Globalization.CultureInfo.InvariantCulture, UrlPattern, name);

    /// <summary>The file extension of what is fetched (<c>.zip</c>, <c>.tar.gz</c>, <c>.pth</c>).</summary>
    public string Extension => Payload switch
    {
        DownloadPayload.Zip => ".zip",
        DownloadPayload.TarGz => ".tar.gz",
        _ => ".pth",
    };
}
