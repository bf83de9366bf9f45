using System.Buffers.Binary;
using SkiaSharp;

namespace CycleGan.Data;

/// <summary>
/// Decoding and encoding of image files, as the official code does with PIL 9.4
/// (<c>default_loader</c> = <c>Image.open(path).convert('RGB')</c>).
/// </summary>
/// <remarks>
/// Checked against <c>reference/images</c>: RGB, RGBA (alpha dropped, colour as stored, no compositing), palette
/// (palette colours, tRNS ignored), 8-bit gray (replicated), baseline JPEG and Adobe CMYK JPEG all give PIL's bytes
/// exactly with SkiaSharp's decoder (libjpeg-turbo, islow IDCT, fancy upsampling; for CMYK Skia's
/// <c>MulDiv255Round(C, K)</c> on the stored inverted values is algebraically PIL's formula).
/// Deliberate deviation: a 16-bit gray PNG, which PIL opens as mode <c>I</c> and CLIPS to 255 (most pixels white),
/// is SCALED to 8 bits by keeping the high byte (<c>v &gt;&gt; 8</c>) — what PIL itself does for 16-bit RGB,
/// RGBA and gray+alpha PNGs; 16-bit TIFFs are reduced the same way (<see cref="TiffCodec"/>). A truncated or corrupt
/// file is an error, as in PIL with its default <c>LOAD_TRUNCATED_IMAGES = False</c>. EXIF orientation is ignored, as
/// by PIL's <c>Image.open</c>, unless a caller asks for it (translate does).
/// </remarks>
public static class ImageFile
{
    /// <summary>The extensions the official <c>make_dataset</c> accepts (case-sensitive, as there).</summary>
    public static readonly string[] Extensions =
        [".jpg", ".JPG", ".jpeg", ".JPEG", ".png", ".PNG", ".ppm", ".PPM", ".bmp", ".BMP", ".tif", ".TIF", ".tiff", ".TIFF"];

    /// <summary>
    /// PIL's decompression-bomb error threshold (<c>2 * Image.MAX_IMAGE_PIXELS</c>): a header claiming more pixels is
    /// rejected before anything is allocated, as <c>Image.open</c> raises <c>DecompressionBombError</c>.
    /// </summary>
    public const long MaxPixels = 2L * 89_478_485;

    public static bool IsImageFile(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.Ordinal));

    /// <summary>
    /// Decodes like <c>Image.open(path).convert('RGB')</c> into 3-channel HWC bytes.
    /// Throws <see cref="UserError"/> naming the file and the reason when it is not a decodable image.
    /// </summary>
    public static RgbImage LoadRgb(string path)
    {
        var data = ReadBytes(path);
        return TryDecode(data, out var reason) ?? throw new UserError($"{path}: {reason}");
    }

    /// <summary>
    /// <see cref="LoadRgb(string)"/>, turned upright by the file's EXIF (JPEG, PNG, WebP) or TIFF orientation when
    /// <paramref name="applyOrientation"/>, as PIL's <c>ImageOps.exif_transpose</c> does.
    /// </summary>
    public static RgbImage LoadRgb(string path, bool applyOrientation)
    {
        var data = ReadBytes(path);
        var img = TryDecode(data, out var reason) ?? throw new UserError($"{path}: {reason}");
        return applyOrientation ? ImageTransform.Orient(img, Orientation(data)) : img;
    }

    /// <summary>
    /// The image at its file's depth: 16-bit PNG and TIFF samples as stored, 8-bit files widened (v·257), gray files
    /// as 1 channel and everything else as RGB; optionally turned upright like <see cref="LoadRgb(string, bool)"/>.
    /// </summary>
    public static DeepImage LoadDeep(string path, bool applyOrientation)
    {
        var data = ReadBytes(path);
        DeepImage? img;
        string reason;
        int orientation = 1;
        if (TiffCodec.IsTiff(data)) img = TiffCodec.Decode(data, out reason, out orientation);
        else if (Png16Codec.IsPng16(data)) img = Png16Codec.Decode(data, out reason) ?? Fallback8(data, ref reason);
        else img = TryDecode(data, out reason) is { } rgb ? DeepImage.From8(rgb) : null;
        if (img == null) throw new UserError($"{path}: {reason}");
        if (!applyOrientation) return img;
        return ImageTransform.Orient(img, TiffCodec.IsTiff(data) ? orientation : Orientation(data));
    }

    /// <summary><see cref="LoadRgb(string)"/> for bytes already in memory; <paramref name="nameForErrors"/> goes into the error.</summary>
    public static RgbImage DecodeRgb(byte[] data, string nameForErrors) =>
        TryDecode(data, out var reason) ?? throw new UserError($"{nameForErrors}: {reason}");

    /// <summary>
    /// Every file of <paramref name="paths"/> that cannot be read or decoded, with the reason, in ordinal path
    /// order; empty when all decode. For checking a dataset before training starts.
    /// </summary>
    public static IReadOnlyList<BadImage> Validate(IEnumerable<string> paths)
    {
        var bad = new System.Collections.Concurrent.ConcurrentBag<BadImage>();
        Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path =>
        {
            byte[] data;
            try { data = File.ReadAllBytes(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { bad.Add(new BadImage(path, "cannot read: "
                + e.Message)); return; }
            if (TryDecode(data, out var reason) == null) bad.Add(new BadImage(path, reason));
        });
        return bad.OrderBy(b => b.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary>Writes an 8-bit RGB or gray image as PNG, atomically.</summary>
    public static void SavePng(RgbImage img, string path)
    {
        var bytes = EncodePng(img);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Writes a 16-bit RGB or gray PNG, atomically.</summary>
    public static void SavePng16(DeepImage img, string path) => AtomicFile.WriteAllBytes(path, Png16Codec.Encode(img));

    /// <summary>
    /// Writes an 8-bit image in the format its extension names (PNG, JPEG at quality 95 as OpenCV's
    /// <c>imwrite</c> default, BMP, PPM/PGM, TIFF), atomically.
    /// </summary>
    public static void Save(RgbImage img, string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        byte[] bytes = ext switch
        {
            ".png" => EncodePng(img),
            ".jpg" or ".jpeg" => EncodeJpeg(img),
            ".bmp" => EncodeBmp(img),
            ".ppm" or ".pgm" => EncodePnm(img),
            ".tif" or ".tiff" => TiffCodec.Encode(img.Width, img.Height, img.Channels, 8,
                y => img.Pixels.AsSpan(y * img.Width * img.Channels, img.Width * img.Channels).ToArray()),
            _ => throw new UserError($"{path}: cannot write images with extension '{ext}' (use .png, .jpg, .bmp, .ppm or .tif)"),
        };
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>16-bit TIFF bytes of an RGB or gray image (LZW).</summary>
    public static byte[] EncodeTiff16(DeepImage img)
    {
        int n = img.Width * img.Channels;
        return TiffCodec.Encode(img.Width, img.Height, img.Channels, 16, y =>
        {
            var row = new byte[2 * n];
            for (int i = 0; i < n; i++)
                BinaryPrimitives.WriteUInt16LittleEndian(row.AsSpan(2 * i), img.Samples[y * n + i]);
            return row;
        });
    }

    static byte[] EncodeJpeg(RgbImage img)
    {
        using var bmp = ToBitmap(img.Channels == 1 ? Gray3(img) : img);
        using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, JpegQuality);
        return data.ToArray();
    }

    /// <summary>OpenCV's default <c>IMWRITE_JPEG_QUALITY</c>, what combine_A_and_B.py writes with.</summary>
    const int JpegQuality = 95;

    static RgbImage Gray3(RgbImage g)
    {
        var img = RgbImage.Create(g.Width, g.Height);
        for (int i = 0; i < g.Pixels.Length; i++) img.Pixels[3 * i] = img.Pixels[3 * i + 1] = img.Pixels[3 * i + 2] = g.Pixels[i];
        return img;
    }

    /// <summary>A 24-bit bottom-up BMP (BITMAPINFOHEADER), what OpenCV writes for a 3-channel image.</summary>
    static byte[] EncodeBmp(RgbImage img)
    {
        var rgb = img.Channels == 1 ? Gray3(img) : img;
        int stride = (3 * rgb.Width + 3) & ~3, size = 54 + stride * rgb.Height;
        var b = new byte[size];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), rgb.Width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), rgb.Height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        for (int y = 0; y < rgb.Height; y++)
            for (int x = 0; x < rgb.Width; x++)
            {
                int o = 54 + (rgb.Height - 1 - y) * stride + 3 * x, i = 3 * (y * rgb.Width + x);
                b[o] = rgb.Pixels[i + 2]; b[o + 1] = rgb.Pixels[i + 1]; b[o + 2] = rgb.Pixels[i];
            }
        return b;
    }

    static byte[] EncodePnm(RgbImage img)
    {
        var header = System.Text.Encoding.ASCII.GetBytes($"P{(img.Channels == 1 ? 5 : 6)}\n{img.Width} {img.Height}\n255\n");
        return [.. header, .. img.Pixels];
    }

    /// <summary>Lossless PNG bytes of an 8-bit RGB or gray image.</summary>
    public static byte[] EncodePng(RgbImage img)
    {
        using var bmp = ToBitmap(img);
        using var data = bmp.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    static SKBitmap ToBitmap(RgbImage img)
    {
        bool gray = img.Channels == 1;
        var info = new SKImageInfo(img.Width, img.Height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        var bmp = new SKBitmap(info);
        byte[] px;
        if (gray) px = img.Pixels;
        else
        {
            px = new byte[img.Width * img.Height * 4];
            for (int i = 0, j = 0; j < px.Length; i += 3, j += 4)
            {
                px[j] = img.Pixels[i]; px[j + 1] = img.Pixels[i + 1]; px[j + 2] = img.Pixels[i + 2]; px[j + 3] = 255;
            }
        }
        int rowBytes = img.Width * (gray ? 1 : 4);
        for (int y = 0; y < img.Height; y++)
            System.Runtime.InteropServices.Marshal.Copy(px, y * rowBytes, bmp.GetPixels() + y * bmp.RowBytes, rowBytes);
        return bmp;
    }

    static byte[] ReadBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new UserError($"{path}: image file does not exist"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserError($"{path}: " +
            $"cannot read: {e.Message}", e); }
    }

    static RgbImage? TryDecode(byte[] data, out string reason)
    {
        reason = "";
        if (data.Length == 0) { reason = "empty file (0 bytes), not an image"; return null; }
        if (TiffCodec.IsTiff(data)) return TiffCodec.Decode(data, out reason, out _) is { } deep ? To8(deep) : null;
        if (data.Length >= 2 && data[0] == (byte)'P' && data[1] is >= (byte)'1' and <= (byte)'7')
            return DecodePnm(data, out reason);
        return DecodeSkia(data, out reason);
    }

    static RgbImage? DecodeSkia(byte[] data, out string reason)
    {
        reason = "";
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var createResult);
        if (codec == null)
        {
            reason = createResult == SKCodecResult.IncompleteInput
                ? "truncated image file (header incomplete)"
                : "not an image or an unsupported format (" + DescribeResult(createResult) + ")";
            return null;
        }
        int w = codec.Info.Width, h = codec.Info.Height;
        if (w <= 0 || h <= 0) { reason = "image has no pixels"; return null; }
        if (TooLarge(w, h, out reason) || Implausible(w, h, data.Length, out reason)) return null;
        // No colour space on the destination: Skia then does no colour management, as PIL does none.
        // Skia reduces 16-bit samples to their high byte (v >> 8), which is the documented 16-bit behaviour.
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bmp = new SKBitmap(info);
        if (bmp.GetPixels() == IntPtr.Zero) { reason = $"image of {w}x{h} pixels does not fit in memory"; return null; }
        var result = codec.GetPixels(info, bmp.GetPixels());
        if (result != SKCodecResult.Success)
        {
            reason = result == SKCodecResult.IncompleteInput
                ? "truncated image file (the decoder ran out of data)"
                : "corrupt image data (" + DescribeResult(result) + ")";
            return null;
        }
        var img = RgbImage.Create(w, h);
        var src = bmp.GetPixelSpan();
        int rowBytes = bmp.RowBytes;
        var dst = img.Pixels;
        for (int y = 0, j = 0; y < h; y++)
            for (int x = 0; x < w; x++, j += 3)
            {
                int o = y * rowBytes + x * 4;
                dst[j] = src[o]; dst[j + 1] = src[o + 1]; dst[j + 2] = src[o + 2];
            }
        return img;
    }

    internal static bool TooLarge(int w, int h, out string reason)
    {
        reason = (long)w * h > MaxPixels
            ? $"image claims {w}x{h} pixels, more than the {MaxPixels} PIL accepts (decompression bomb or corrupt header)"
            : "";
        return reason.Length > 0;
    }

    /// <summary>
    /// Below PIL's limit, a corrupt header can still claim far more pixels than the file could encode (deflate and
    /// baseline JPEG both need well over one bit per 8000 pixels). Refused before the pixel buffer is allocated, so
    /// a few bytes cannot make the loader allocate gigabytes; no real image comes near this ratio.
    /// </summary>
    internal static bool Implausible(int w, int h, long fileBytes, out string reason)
    {
        long pixels = (long)w * h;
        reason = pixels > Math.Max(1L << 24, 16384 * fileBytes)
            ? $"corrupt header: claims {w}x{h} pixels but the file has only {fileBytes} bytes"
            : "";
        return reason.Length > 0;
    }

    static string DescribeResult(SKCodecResult r) => r switch
    {
        SKCodecResult.InvalidInput => "invalid input",
        SKCodecResult.Unimplemented => "unsupported variant of the format",
        SKCodecResult.CouldNotRewind or SKCodecResult.InternalError => "decoder error",
        _ => r.ToString(),
    };

    /// <summary>An interlaced 16-bit PNG, which <see cref="Png16Codec"/> does not read: Skia's 8 bits, widened.</summary>
    static DeepImage? Fallback8(byte[] data, ref string reason) =>
        reason.Length == 0 && TryDecode(data, out reason) is { } rgb ? DeepImage.From8(rgb) : null;

    /// <summary>8-bit RGB of a deep image: the high byte of each sample (as Skia does for 16-bit PNG), gray replicated.</summary>
    static RgbImage To8(DeepImage d)
    {
        var img = RgbImage.Create(d.Width, d.Height);
        int hw = d.Width * d.Height;
        for (int i = 0; i < hw; i++)
            for (int c = 0; c < 3; c++)
                img.Pixels[3 * i + c] = (byte)(d.Samples[i * d.Channels + (d.Channels == 1 ? 0 : c)] >> 8);
        return img;
    }

    /// <summary>The EXIF orientation (1–8) Skia finds in JPEG, PNG and WebP files, or the TIFF tag; 1 when none.</summary>
    static int Orientation(byte[] data)
    {
        if (TiffCodec.IsTiff(data)) { TiffCodec.Decode(data, out _, out var o); return o is >= 1 and <= 8 ? o : 1; }
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream);
        return codec == null ? 1 : (int)codec.EncodedOrigin;
    }

    /// <summary>Binary PGM (P5) / PPM (P6) with maxval 255, which Skia cannot read; PIL opens both.</summary>
    static RgbImage? DecodePnm(byte[] d, out string reason)
    {
        reason = "";
        char kind = (char)d[1];
        if (kind != '5' && kind != '6') { reason = $"unsupported PNM variant P{kind} (only binary P5/P6 with maxval 255 are read)";
            return null; }
        int pos = 2;
        var fields = new int[3];
        for (int f = 0; f < 3; f++)
        {
            while (pos < d.Length && (char.IsWhiteSpace((char)d[pos]) || d[pos] == '#'))
            {
                if (d[pos] == '#') while (pos < d.Length && d[pos] != '\n') pos++;
                else pos++;
            }
            int start = pos;
            long v = 0;
            while (pos < d.Length && d[pos] >= '0' && d[pos] <= '9' && v < int.MaxValue) v = v * 10 + (d[pos++] - '0');
            if (pos == start || v > int.MaxValue) { reason = "corrupt PNM header"; return null; }
            fields[f] = (int)v;
        }
        if (pos >= d.Length || !char.IsWhiteSpace((char)d[pos])) { reason = "truncated image file (PNM header)"; return null; }
        pos++;
        int w = fields[0], h = fields[1], maxval = fields[2];
        if (w <= 0 || h <= 0) { reason = "image has no pixels"; return null; }
        if (TooLarge(w, h, out reason)) return null;
        if (maxval != 255) { reason = $"unsupported PNM maxval {maxval} (only 255 is read)"; return null; }
        int channels = kind == '6' ? 3 : 1;
        long need = (long)w * h * channels;
        if (d.Length - pos < need) { reason = $"truncated image file (PNM data: {d.Length - pos} of {need} bytes)"; return null; }
        var img = RgbImage.Create(w, h);
        if (channels == 3) Array.Copy(d, pos, img.Pixels, 0, need);
        else for (int i = 0; i < need; i++) img.Pixels[3 * i] = img.Pixels[3 * i + 1] = img.Pixels[3 * i + 2] = d[pos + i];
        return img;
    }
}
