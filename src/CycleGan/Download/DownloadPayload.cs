namespace CycleGan.Download;

/// <summary>What an official download holds, which decides how it is checked and where it goes.</summary>
public enum DownloadPayload
{
    /// <summary>A <c>.zip</c> holding <c>NAME/</c> (the CycleGAN datasets): unpacked to <c>DIR/NAME</c>.</summary>
    Zip,
    /// <summary>A <c>.tar.gz</c> holding <c>NAME/</c> (the pix2pix datasets): unpacked to <c>DIR/NAME</c>.</summary>
    TarGz,
    /// <summary>One generator state dict (<c>.pth</c>): saved as <c>DIR/NAME_pretrained/latest_net_G.pth</c>.</summary>
    Generator,
}
