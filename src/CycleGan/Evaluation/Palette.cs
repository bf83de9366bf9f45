using System.Text.Json;
using CycleGan.Data;

namespace CycleGan.Evaluation;

/// <summary>One class of a label palette: its name and the colour it is drawn with.</summary>
public sealed record PaletteClass(string Name, byte R, byte G, byte B);

/// <summary>
/// The colours of a label map, in class-index order. File format:
/// <c>{"classes": [{"name": "...", "rgb": [r, g, b]}, ...]}</c> (what <c>facades/palette.pix2pix.json</c> holds).
/// </summary>
public sealed class Palette
{
    public IReadOnlyList<PaletteClass> Classes { get; }

    public Palette(IReadOnlyList<PaletteClass> classes)
    {
        if (classes.Count is 0 or > 255) throw new UserError($"a palette needs 1 to 255 classes, got {classes.Count}");
        Classes = classes;
    }

    public int Count => Classes.Count;

    public static Palette Load(string path)
    {
        if (!File.Exists(path)) throw new UserError($"palette file {path} does not exist");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("classes", out var arr) || arr.ValueKind != JsonValueKind.Array)
                throw new UserError($"{path}: expected {{\"classes\": [{{\"name\": ..., \"rgb\": [r, g, b]}}, ...]}}");
            var list = new List<PaletteClass>();
            foreach (var c in arr.EnumerateArray())
            {
                var name = c.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
                if (!c.TryGetProperty("rgb", out var rgb) || rgb.ValueKind != JsonValueKind.Array || rgb.GetArrayLength() != 3)
                    throw new UserError($"{path}: class {list.Count} ({name}) needs \"rgb\": [r, g, b]");
                var v = rgb.EnumerateArray().Select(e => e.GetInt32()).ToArray();
                if (v.Any(x => x is < 0 or > 255)) throw new UserError($"{path}: class {list.Count} ({name}) has a colour outside 0..255");
                list.Add(new PaletteClass(name.Length > 0 ? name : "class" + list.Count, (byte)v[0], (byte)v[1], (byte)v[2]));
            }
            return new Palette(list);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new UserError($"{path}: not a palette file ({e.Message})", e);
        }
    }

    /// <summary>The class whose colour is nearest (Euclidean RGB; ties go to the lower index).</summary>
    public int Nearest(byte r, byte g, byte b)
    {
        int best = 0, bestD = int.MaxValue;
        for (int k = 0; k < Classes.Count; k++)
        {
            var c = Classes[k];
            int dr = r - c.R, dg = g - c.G, db = b - c.B;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestD) { bestD = d; best = k; }
        }
        return best;
    }

    /// <summary>
    /// Maps every pixel to its nearest class. JPEG-blurred and generated colours land on the closest
    /// palette entry, never on "no class". A 24-bit lookup cache keeps whole folders fast.
    /// </summary>
    public byte[] ToIndexMap(RgbImage img)
    {
        if (img.Channels != 3) throw new ArgumentException("label maps must be RGB", nameof(img));
        var map = new byte[img.Width * img.Height];
        var cache = new Dictionary<int, byte>();
        var px = img.Pixels;
        for (int i = 0; i < map.Length; i++)
        {
            int key = (px[3 * i] << 16) | (px[3 * i + 1] << 8) | px[3 * i + 2];
            if (!cache.TryGetValue(key, out var k))
            {
                k = (byte)Nearest(px[3 * i], px[3 * i + 1], px[3 * i + 2]);
                cache[key] = k;
            }
            map[i] = k;
        }
        return map;
    }

    /// <summary>Draws an index map with the palette colours.</summary>
    public RgbImage Colorize(byte[] indexMap, int width, int height)
    {
        var img = RgbImage.Create(width, height);
        for (int i = 0; i < indexMap.Length; i++)
        {
            var c = Classes[indexMap[i]];
            img.Pixels[3 * i] = c.R; img.Pixels[3 * i + 1] = c.G; img.Pixels[3 * i + 2] = c.B;
        }
        return img;
    }
}
