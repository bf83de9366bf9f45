using BitMiracle.LibTiff.Classic;

namespace CycleGan.Data;

/// <summary>
/// TIFF through LibTiff.NET: 8- and 16-bit gray, gray + alpha, RGB and RGBA (strips or tiles, contiguous or planar)
/// are read sample by sample; every other kind LibTiff knows (palette, 1-bit, YCbCr, CMYK, ...) through its RGBA
/// interface at 8 bits. Alpha is dropped as in PIL's <c>convert('RGB')</c>.
/// </summary>
static class TiffCodec
{
    static TiffCodec() => Tiff.SetErrorHandler(new Quiet());

    public static bool IsTiff(ReadOnlySpan<byte> d) =>
        d.Length >= 4 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0)
            || (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42));

    /// <summary>The decoded image at the file's depth, gray as 1 channel, or null with the reason.</summary>
    public static DeepImage? Decode(byte[] data, out string reason, out int orientation)
    {
        orientation = 1;
        try { return DecodeOrNull(data, out reason, ref orientation); }
        // LibTiff.NET throws on some malformed files where C libtiff would report an error; either way it is bad data.
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException
                                      or NullReferenceException or OverflowException or IOException)
        {
            reason = "corrupt TIFF data (" + e.GetType().Name + ")";
            return null;
        }
    }

    static DeepImage? DecodeOrNull(byte[] data, out string reason, ref int orientation)
    {
        reason = "";
        using var tif = Tiff.ClientOpen("image", "r", new MemoryStream(data, writable: false), new TiffStream());
        if (tif == null) { reason = "corrupt TIFF header"; return null; }
        int w = Field(tif, TiffTag.IMAGEWIDTH), h = Field(tif, TiffTag.IMAGELENGTH);
        orientation = Field(tif, TiffTag.ORIENTATION, 1);
        if (w <= 0 || h <= 0) { reason = "image has no pixels"; return null; }
        if (ImageFile.TooLarge(w, h, out reason) || ImageFile.Implausible(w, h, data.Length, out reason)) return null;
        int bits = Field(tif, TiffTag.BITSPERSAMPLE, 1), spp = Field(tif, TiffTag.SAMPLESPERPIXEL, 1);
        var photometric = (Photometric)Field(tif, TiffTag.PHOTOMETRIC, -1);
        bool gray = photometric is Photometric.MINISBLACK or Photometric.MINISWHITE && spp is 1 or 2;
        bool rgb = photometric == Photometric.RGB && spp is 3 or 4;
        var img = (bits is 8 or 16) && (gray || rgb) ? ReadSamples(tif, w, h, bits, spp, gray ? 1 : 3) : ReadRgba(tif, w, h);
        if (img == null) { reason = "corrupt or truncated TIFF data"; return null; }
        if (photometric == Photometric.MINISWHITE && gray)
            for (int i = 0; i < img.Samples.Length; i++) img.Samples[i] = (ushort)(ushort.MaxValue - img.Samples[i]);
        return img;
    }

    /// <summary>
    /// LZW-compressed TIFF bytes of an image of <paramref name="bits"/> 8 or 16 per sample, gray for 1 channel;
    /// <paramref name="row"/> gives the samples of one row (16-bit ones little-endian).
    /// </summary>
    public static byte[] Encode(int width, int height, int channels, int bits, Func<int, byte[]> row)
    {
        var ms = new MemoryStream();
        using (var tif = Tiff.ClientOpen("image", "w", ms, new TiffStream()))
        {
            tif.SetField(TiffTag.IMAGEWIDTH, width);
            tif.SetField(TiffTag.IMAGELENGTH, height);
            tif.SetField(TiffTag.SAMPLESPERPIXEL, channels);
            tif.SetField(TiffTag.BITSPERSAMPLE, bits);
            tif.SetField(TiffTag.PHOTOMETRIC, channels == 1 ? Photometric.MINISBLACK : Photometric.RGB);
            tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tif.SetField(TiffTag.COMPRESSION, Compression.LZW);
            tif.SetField(TiffTag.ROWSPERSTRIP, Math.Max(1, 65536 / Math.Max(1, width * channels * bits / 8)));
            for (int y = 0; y < height; y++)
                if (!tif.WriteScanline(row(y), y)) throw new IOException("LibTiff could not write a row");
        }
        return ms.ToArray();
    }

    static DeepImage? ReadSamples(Tiff tif, int w, int h, int bits, int spp, int channels)
    {
        int bytes = bits / 8;
        var img = DeepImage.Create(w, h, channels, bits);
        var planar = (PlanarConfig)Field(tif, TiffTag.PLANARCONFIG, (int)PlanarConfig.CONTIG);
        void Put(byte[] buf, int offset, int x, int y, int c, int sample)
        {
            int o = offset + (x * sample) * bytes;
            int v = bytes == 1 ? buf[o] * 257 : buf[o] | buf[o + 1] << 8;
            img.Samples[(y * w + x) * channels + c] = (ushort)v;
        }
        if (tif.IsTiled()) return ReadTiled(tif, img, bytes, spp, planar, Put);
        var line = new byte[tif.ScanlineSize()];
        for (int y = 0; y < h; y++)
        {
            if (planar == PlanarConfig.CONTIG)
            {
                if (!tif.ReadScanline(line, y)) return null;
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < channels; c++) Put(line, c * bytes, x, y, c, spp);
            }
            else
                for (int c = 0; c < channels; c++)
                {
                    if (!tif.ReadScanline(line, y, (short)c)) return null;
                    for (int x = 0; x < w; x++) Put(line, 0, x, y, c, 1);
                }
        }
        return img;
    }

    static DeepImage? ReadTiled(Tiff tif, DeepImage img, int bytes, int spp, PlanarConfig planar,
        Action<byte[], int, int, int, int, int> put)
    {
        int tw = Field(tif, TiffTag.TILEWIDTH), th = Field(tif, TiffTag.TILELENGTH);
        // A corrupt header could claim tiles far larger than the image; real tiles are at most a few times its size.
        if (tw <= 0 || th <= 0 || (long)tw * th > 4L * img.Width * img.Height + (1 << 16)) return null;
        var tile = new byte[tif.TileSize()];
        int planes = planar == PlanarConfig.CONTIG ? 1 : img.Channels;
        for (int ty = 0; ty < img.Height; ty += th)
            for (int tx = 0; tx < img.Width; tx += tw)
                for (int p = 0; p < planes; p++)
                {
                    if (tif.ReadTile(tile, 0, tx, ty, 0, (short)p) < 0) return null;
                    int perPixel = planes == 1 ? spp : 1;
                    for (int y = ty; y < Math.Min(ty + th, img.Height); y++)
                        for (int x = tx; x < Math.Min(tx + tw, img.Width); x++)
                        {
                            // Put addresses pixel x of a row; shift the tile row so that x lands on its column.
                            int rowStart = ((y - ty) * tw - tx) * perPixel * bytes;
                            if (planes == 1)
                                for (int c = 0; c < img.Channels; c++) put(tile, rowStart + c * bytes, x, y, c, perPixel);
                            else put(tile, rowStart, x, y, p, 1);
                        }
                }
        return img;
    }

    static DeepImage? ReadRgba(Tiff tif, int w, int h)
    {
        var raster = new int[checked(w * h)];
        if (!tif.ReadRGBAImageOriented(w, h, raster, Orientation.TOPLEFT)) return null;
        var img = DeepImage.Create(w, h, 3, 8);
        for (int i = 0; i < raster.Length; i++)
        {
            img.Samples[3 * i] = (ushort)(Tiff.GetR(raster[i]) * 257);
            img.Samples[3 * i + 1] = (ushort)(Tiff.GetG(raster[i]) * 257);
            img.Samples[3 * i + 2] = (ushort)(Tiff.GetB(raster[i]) * 257);
        }
        return img;
    }

    static int Field(Tiff tif, TiffTag tag, int fallback = 0)
    {
        var v = tif.GetField(tag);
        return v is { Length: > 0 } ? v[0].ToInt() : fallback;
    }

    /// <summary>LibTiff prints errors and warnings to the console by default; the callers report failures themselves.</summary>
    sealed class Quiet : TiffErrorHandler
    {
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }
    }
}
