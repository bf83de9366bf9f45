using SkiaSharp;

namespace CycleGan.Data;

/// <summary>Decoding and encoding of image files, as the official code does with PIL.</summary>
public static class ImageFile
{
    /// <summary>The extensions the official <c>make_dataset</c> accepts (case-sensitive, as there).</summary>
    public static readonly string[] Extensions =
        [".jpg", ".JPG", ".jpeg", ".JPEG", ".png", ".PNG", ".ppm", ".PPM", ".bmp", ".BMP", ".tif", ".TIF", ".tiff", ".TIFF"];

    public static bool IsImageFile(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.Ordinal));

    /// <summary>
    /// Decodes like <c>Image.open(path).convert('RGB')</c>: unpremultiplied RGBA with alpha dropped (not composited).
    /// Throws <see cref="UserError"/> naming the file when it is not a decodable image.
    /// </summary>
    public static RgbImage LoadRgb(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserError($"cannot read image {path}: {e.Message}", e); }
        return DecodeRgb(data, path);
    }

    public static RgbImage DecodeRgb(byte[] data, string nameForErrors)
    {
        if (data.Length == 0) throw new UserError($"{nameForErrors}: empty file, not an image");
        using var codec = SKCodec.Create(new SKMemoryStream(data));
        if (codec == null) throw new UserError($"{nameForErrors}: not a decodable image (unknown format)");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bmp = new SKBitmap(info);
        var result = codec.GetPixels(info, bmp.GetPixels());
        if (result != SKCodecResult.Success)
            throw new UserError($"{nameForErrors}: cannot decode image ({result})");
        var rgba = bmp.Bytes;
        var img = RgbImage.Create(info.Width, info.Height);
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            img.Pixels[j] = rgba[i];
            img.Pixels[j + 1] = rgba[i + 1];
            img.Pixels[j + 2] = rgba[i + 2];
        }
        return img;
    }

    /// <summary>Writes an 8-bit RGB or gray image as PNG, atomically.</summary>
    public static void SavePng(RgbImage img, string path)
    {
        var info = new SKImageInfo(img.Width, img.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bmp = new SKBitmap(info);
        var px = new byte[img.Width * img.Height * 4];
        for (int i = 0, j = 0; i < img.Width * img.Height; i++, j += 4)
        {
            if (img.Channels == 1) { px[j] = px[j + 1] = px[j + 2] = img.Pixels[i]; }
            else { px[j] = img.Pixels[i * 3]; px[j + 1] = img.Pixels[i * 3 + 1]; px[j + 2] = img.Pixels[i * 3 + 2]; }
            px[j + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(px, 0, bmp.GetPixels(), px.Length);
        using var data = bmp.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, s => data.SaveTo(s));
    }
}
