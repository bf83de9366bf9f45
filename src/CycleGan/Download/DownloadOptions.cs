using CycleGan.Options;

namespace CycleGan.Download;

/// <summary>
/// What <c>cyclegan download KIND NAME</c> takes. <see cref="Kind"/> and <see cref="Name"/> are the command's two
/// arguments (the official scripts' <c>$1</c> is the name); the rest are flags.
/// </summary>
public sealed record DownloadOptions
{
    /// <summary>cyclegan_dataset, pix2pix_dataset, cyclegan_model or pix2pix_model (<see cref="DownloadCatalogue"/>).</summary>
    public string Kind { get; init; } = "";
    /// <summary>The official name, e.g. <c>maps</c> or <c>horse2zebra</c>.</summary>
    public string Name { get; init; } = "";

    [Option("dir", "root folder: NAME (datasets) or NAME_pretrained (models) is made in it; default ./datasets for "
        + "datasets, ./checkpoints for models, as the official scripts")]
    public string Dir { get; init; } = "";
    [Option("mirror", "URL replacing the official scheme and host (the path is kept), for mirrors and proxies; "
        + "default $CYCLEGAN_MIRROR")]
    public string Mirror { get; init; } = "";
    [Option("force", "replace NAME (a dataset folder) or NAME_pretrained/latest_net_G.pth when it already exists")]
    public bool Force { get; init; }
    [Option("list", "list the names each download offers (or those of KIND) and exit")]
    public bool List { get; init; }
}
