namespace CycleGan.Data;

/// <summary>
/// The official <c>get_params</c> / <c>get_transform</c> of <c>data/base_dataset.py</c> on decoded images:
/// optional grayscale, then resize (<c>resize*</c>) or width scaling (<c>scale_width*</c>), crop (<c>*crop</c>),
/// size rounding to a multiple of 4 (<c>none</c>), and a horizontal flip unless <c>--no_flip</c>. All resizing is
/// PIL BICUBIC (<see cref="PilResize"/>). Randomness comes from the generator the caller passes.
/// </summary>
public static class ImageTransform
{
    /// <summary>
    /// Official <c>get_params(opt, size)</c>: the crop position within the size the image will have after resizing
    /// and the flip (probability 0.5), drawn in the official order (x, y, flip). Used for aligned data, so that A and
    /// B get the same crop and flip.
    /// </summary>
    public static TransformParams GetParams(DataOptions o, int width, int height, Rng rng)
    {
        int newW = width, newH = height;
        if (o.Preprocess == "resize_and_crop") newW = newH = o.LoadSize;
        else if (o.Preprocess == "scale_width_and_crop") { newW = o.LoadSize; newH = (int)((long)o.LoadSize * height / width); }
        int x = rng.NextInt(0, Math.Max(0, newW - o.CropSize) + 1);
        int y = rng.NextInt(0, Math.Max(0, newH - o.CropSize) + 1);
        bool flip = rng.NextDouble() > 0.5;
        return new TransformParams(x, y, flip);
    }

    /// <summary>
    /// Official <c>get_transform(opt, params, grayscale)</c> without the tensor conversion. With <paramref name="p"/>
    /// given, crops like <c>__crop</c> and flips when <c>p.Flip</c>; without, crops like <c>transforms.RandomCrop</c>
    /// (an error when the image is smaller than the crop) and flips like <c>RandomHorizontalFlip</c>, drawing from
    /// <paramref name="rng"/>.
    /// </summary>
    public static RgbImage Apply(RgbImage img, DataOptions o, TransformParams? p, bool grayscale, Rng? rng, string pathForErrors = "image")
    {
        if (grayscale) img = Grayscale(img);
        if (o.Preprocess.Contains("resize")) img = PilResize.Bicubic(img, o.LoadSize, o.LoadSize);
        else if (o.Preprocess.Contains("scale_width")) img = ScaleWidth(img, o.LoadSize, o.CropSize);

        if (o.Preprocess.Contains("crop"))
        {
            if (p != null) img = CropIfLarger(img, p.CropX, p.CropY, o.CropSize);
            else
            {
                if (img.Width < o.CropSize || img.Height < o.CropSize)
                    throw new UserError($"{pathForErrors}: {img.Width}x{img.Height} after --preprocess {o.Preprocess} is smaller than " +
                        $"--crop_size {o.CropSize}; lower --crop_size or raise --load_size");
                var r = rng ?? throw new ArgumentNullException(nameof(rng), "a random crop needs a generator");
                // torchvision RandomCrop draws the row (i) before the column (j).
                int y = r.NextInt(0, img.Height - o.CropSize + 1);
                int x = r.NextInt(0, img.Width - o.CropSize + 1);
                img = Crop(img, x, y, o.CropSize, o.CropSize);
            }
        }
        if (o.Preprocess == "none") img = MakePower2(img, 4);

        if (!o.NoFlip)
        {
            bool flip = p?.Flip ?? (rng ?? throw new ArgumentNullException(nameof(rng), "a random flip needs a generator"))
                .NextDouble() < 0.5;
            if (flip) img = FlipLeftRight(img);
        }
        return img;
    }

    /// <summary><c>transforms.Grayscale(1)</c> = PIL <c>convert('L')</c>: L = (19595 R + 38470 G + 7471 B + 32768) >> 16.</summary>
    public static RgbImage Grayscale(RgbImage img)
    {
        if (img.Channels == 1) return img;
        var g = RgbImage.Create(img.Width, img.Height, 1);
        var s = img.Pixels;
        for (int i = 0, j = 0; i < g.Pixels.Length; i++, j += 3)
            g.Pixels[i] = (byte)((19595 * s[j] + 38470 * s[j + 1] + 7471 * s[j + 2] + 32768) >> 16);
        return g;
    }

    /// <summary><see cref="Grayscale(RgbImage)"/>'s formula on 16-bit samples (the same weights, 16 fractional bits).</summary>
    public static DeepImage Grayscale(DeepImage img)
    {
        if (img.Channels == 1) return img;
        var g = DeepImage.Create(img.Width, img.Height, 1, img.SourceBits);
        var s = img.Samples;
        for (int i = 0, j = 0; i < g.Samples.Length; i++, j += 3)
            g.Samples[i] = (ushort)((19595L * s[j] + 38470L * s[j + 1] + 7471L * s[j + 2] + 32768) >> 16);
        return g;
    }

    /// <summary>A gray 8-bit image as RGB (the value in every channel), as PIL's <c>convert('RGB')</c> of gray.</summary>
    public static RgbImage Rgb(RgbImage img)
    {
        if (img.Channels == 3) return img;
        var rgb = RgbImage.Create(img.Width, img.Height, 3);
        for (int i = 0; i < img.Pixels.Length; i++)
            rgb.Pixels[3 * i] = rgb.Pixels[3 * i + 1] = rgb.Pixels[3 * i + 2] = img.Pixels[i];
        return rgb;
    }

    /// <summary>A gray 16-bit image as RGB (the value in every channel), as PIL's <c>convert('RGB')</c> of gray.</summary>
    public static DeepImage Rgb(DeepImage img)
    {
        if (img.Channels == 3) return img;
        var rgb = DeepImage.Create(img.Width, img.Height, 3, img.SourceBits);
        for (int i = 0; i < img.Samples.Length; i++)
            rgb.Samples[3 * i] = rgb.Samples[3 * i + 1] = rgb.Samples[3 * i + 2] = img.Samples[i];
        return rgb;
    }

    /// <summary>Official <c>__scale_width</c>: width to <paramref name="targetWidth"/>, height int(max(target·oh/ow, crop)).</summary>
    public static RgbImage ScaleWidth(RgbImage img, int targetWidth, int cropSize)
    {
        int ow = img.Width, oh = img.Height;
        if (ow == targetWidth && oh >= cropSize) return img;
        int h = (int)Math.Max((double)targetWidth * oh / ow, cropSize);
        return PilResize.Bicubic(img, targetWidth, h);
    }

    /// <summary>Official <c>__make_power_2</c>: each side rounded (half to even) to a multiple of <paramref name="base"/>.</summary>
    public static RgbImage MakePower2(RgbImage img, int @base = 4)
    {
        int h = (int)(Math.Round((double)img.Height / @base) * @base);
        int w = (int)(Math.Round((double)img.Width / @base) * @base);
        if (h == img.Height && w == img.Width) return img;
        return PilResize.Bicubic(img, w, h);
    }

    /// <summary>Official <c>__crop</c>: crops only when the image is larger than the crop in some direction.</summary>
    public static RgbImage CropIfLarger(RgbImage img, int x, int y, int size) =>
        img.Width > size || img.Height > size ? Crop(img, x, y, size, size) : img;

    /// <summary>PIL <c>img.crop((x, y, x + w, y + h))</c>: the part outside the image is black.</summary>
    public static RgbImage Crop(RgbImage img, int x, int y, int width, int height)
    {
        int c = img.Channels;
        var dst = RgbImage.Create(width, height, c);
        for (int yy = 0; yy < height; yy++)
        {
            int sy = y + yy;
            if (sy < 0 || sy >= img.Height) continue;
            int x0 = Math.Max(0, -x), x1 = Math.Min(width, img.Width - x);
            if (x1 <= x0) continue;
            Array.Copy(img.Pixels, (sy * img.Width + x + x0) * c, dst.Pixels, (yy * width + x0) * c, (x1 - x0) * c);
        }
        return dst;
    }

    /// <summary>
    /// PIL's <c>ImageOps.exif_transpose</c> for an EXIF orientation (1 upright … 8): the flip or rotation that shows
    /// the image the way a viewer does. Anything outside 2–8 returns the image unchanged.
    /// </summary>
    public static RgbImage Orient(RgbImage img, int orientation)
    {
        var px = Orient(img.Pixels, img.Width, img.Height, img.Channels, orientation, out int w, out int h);
        return ReferenceEquals(px, img.Pixels) ? img : new RgbImage(w, h, img.Channels, px);
    }

    /// <summary><see cref="Orient(RgbImage, int)"/> for a 16-bit image.</summary>
    public static DeepImage Orient(DeepImage img, int orientation)
    {
        var px = Orient(img.Samples, img.Width, img.Height, img.Channels, orientation, out int w, out int h);
        return ReferenceEquals(px, img.Samples) ? img : img with { Width = w, Height = h, Samples = px };
    }

    static T[] Orient<T>(T[] src, int sw, int sh, int c, int orientation, out int w, out int h)
    {
        bool swap = orientation is >= 5 and <= 8;
        (w, h) = swap ? (sh, sw) : (sw, sh);
        if (orientation is < 2 or > 8) return src;
        var dst = new T[src.Length];
        for (int oy = 0; oy < h; oy++)
            for (int ox = 0; ox < w; ox++)
            {
                var (sx, sy) = orientation switch
                {
                    2 => (sw - 1 - ox, oy),
                    3 => (sw - 1 - ox, sh - 1 - oy),
                    4 => (ox, sh - 1 - oy),
                    5 => (oy, ox),
                    6 => (oy, sh - 1 - ox),
                    7 => (sw - 1 - oy, sh - 1 - ox),
                    _ => (sw - 1 - oy, ox),
                };
                Array.Copy(src, (sy * sw + sx) * c, dst, (oy * w + ox) * c, c);
            }
        return dst;
    }

    /// <summary>The part of a 16-bit image inside it (no padding, unlike <see cref="Crop(RgbImage, int, int, int, int)"/>).</summary>
    public static DeepImage Crop(DeepImage img, int x, int y, int width, int height)
    {
        int c = img.Channels;
        var dst = DeepImage.Create(width, height, c, img.SourceBits);
        for (int yy = 0; yy < height; yy++)
            Array.Copy(img.Samples, ((y + yy) * img.Width + x) * c, dst.Samples, yy * width * c, width * c);
        return dst;
    }

    /// <summary>PIL <c>transpose(FLIP_LEFT_RIGHT)</c>.</summary>
    public static RgbImage FlipLeftRight(RgbImage img)
    {
        int c = img.Channels, w = img.Width;
        var dst = RgbImage.Create(w, img.Height, c);
        for (int y = 0; y < img.Height; y++)
            for (int x = 0; x < w; x++)
                Array.Copy(img.Pixels, (y * w + x) * c, dst.Pixels, (y * w + (w - 1 - x)) * c, c);
        return dst;
    }
}
