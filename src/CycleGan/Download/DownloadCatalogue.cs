namespace CycleGan.Download;

/// <summary>
/// The four official download scripts of junyanz/pytorch-CycleGAN-and-pix2pix (names, URLs, destinations as they
/// have them): <c>datasets/download_cyclegan_dataset.sh</c>, <c>datasets/download_pix2pix_dataset.sh</c>,
/// <c>scripts/download_cyclegan_model.sh</c>, <c>scripts/download_pix2pix_model.sh</c>.
/// </summary>
public static class DownloadCatalogue
{
    public static IReadOnlyList<DownloadKind> Kinds { get; } =
    [
        new("cyclegan_dataset", "datasets/download_cyclegan_dataset.sh",
            "https://people.eecs.berkeley.edu/~taesung_park/CycleGAN/datasets/{0}.zip", "./datasets", DownloadPayload.Zip,
            ["apple2orange", "summer2winter_yosemite", "horse2zebra", "monet2photo", "cezanne2photo", "ukiyoe2photo",
             "vangogh2photo", "maps", "cityscapes", "facades", "iphone2dslr_flower", "ae_photos", "mini", "mini_pix2pix",
             "mini_colorization"]),
        new("pix2pix_dataset", "datasets/download_pix2pix_dataset.sh",
            "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{0}.tar.gz", "./datasets", DownloadPayload.TarGz,
            ["cityscapes", "night2day", "edges2handbags", "edges2shoes", "facades", "maps"],
            Unavailable: new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // The official script's own refusal, in one line.
                ["cityscapes"] = "due to license issues the Cityscapes dataset is not distributed by the official "
                    + "repository: download gtFine_trainvaltest.zip and leftImg8bit_trainvaltest.zip from "
                    + "https://cityscapes-dataset.com and prepare them with the official datasets/prepare_cityscapes_dataset.py",
            }),
        new("cyclegan_model", "scripts/download_cyclegan_model.sh",
            "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/{0}.pth", "./checkpoints", DownloadPayload.Generator,
            ["apple2orange", "orange2apple", "summer2winter_yosemite", "winter2summer_yosemite", "horse2zebra", "zebra2horse",
             "monet2photo", "style_monet", "style_cezanne", "style_ukiyoe", "style_vangogh", "sat2map", "map2sat",
             "cityscapes_photo2label", "cityscapes_label2photo", "facades_photo2label", "facades_label2photo",
             "iphone2dslr_flower"],
            NetG: "resnet_9blocks", Norm: "instance"),
        new("pix2pix_model", "scripts/download_pix2pix_model.sh",
            "http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/{0}.pth", "./checkpoints", DownloadPayload.Generator,
            ["edges2shoes", "sat2map", "map2sat", "facades_label2photo", "day2night"],
            NetG: "unet_256", Norm: "batch"),
    ];

    public static IReadOnlyList<string> KindNames { get; } = Kinds.Select(k => k.Name).ToArray();

    /// <summary>The kind of that name, or a <see cref="UserError"/> listing the kinds.</summary>
    public static DownloadKind Kind(string name) =>
        Kinds.FirstOrDefault(k => k.Name == name)
        ?? throw new UserError($"unknown download '{name}': use one of {string.Join(", ", KindNames)} "
            + "(cyclegan download --list)");

    /// <summary>
    /// Checks that <paramref name="kind"/> offers <paramref name="name"/>: a <see cref="UserError"/> listing the valid names.
    /// </summary>
    public static DownloadKind Resolve(string kind, string name)
    {
        var k = Kind(kind);
        if (string.IsNullOrEmpty(name))
            throw new UserError($"name the {k.Name} to download: cyclegan download {k.Name} NAME, NAME one of "
                + string.Join(", ", k.Names));
        if (!k.Names.Contains(name, StringComparer.Ordinal))
            throw new UserError($"{k.Name} has no '{name}'; available are: {string.Join(", ", k.Names)}");
        if (k.Unavailable?.TryGetValue(name, out var why) == true) throw new UserError($"{k.Name} {name}: {why}");
        return k;
    }
}
