using static CycleGan.Data.Synth.Scene;

namespace CycleGan.Data.Synth;

/// <summary>
/// Procedural street scenes (sky, buildings with windows and doors, sidewalk, road with lane markings, trees,
/// street lamps, cars) seen from across the street: <see cref="Generate"/> draws a <see cref="Scene"/>,
/// <see cref="RenderLabels"/> paints it in the flat <see cref="Palette"/> colours (no anti-aliasing) and
/// <see cref="RenderPhoto"/> renders the same scene as a photo-like image.
/// </summary>
public static class StreetScenes
{
    /// <summary>Label colours, indexed by <see cref="StreetClass"/>; Cityscapes colours where the class exists there.</summary>
    public static readonly IReadOnlyList<PaletteClass> Palette =
    [
        new("sky", 70, 130, 180),
        new("building", 70, 70, 70),
        new("window", 250, 170, 30),
        new("door", 200, 40, 40),
        new("road", 128, 64, 128),
        new("lane_marking", 255, 255, 255),
        new("sidewalk", 244, 35, 232),
        new("vegetation", 107, 142, 35),
        new("car", 0, 0, 142),
        new("pole", 153, 153, 153),
    ];

    /// <summary>The label class of a part; tree trunks count as vegetation and lamp heads as pole, as in Cityscapes.</summary>
    public static StreetClass ClassOf(Part part) => part switch
    {
        Part.Sky => StreetClass.Sky,
        Part.FarFacade or Part.Facade => StreetClass.Building,
        Part.Window or Part.ShopWindow => StreetClass.Window,
        Part.Door => StreetClass.Door,
        Part.Sidewalk or Part.Curb => StreetClass.Sidewalk,
        Part.Road => StreetClass.Road,
        Part.Lane => StreetClass.LaneMarking,
        Part.Trunk or Part.Crown or Part.Bush => StreetClass.Vegetation,
        Part.Pole or Part.Lamp => StreetClass.Pole,
        Part.CarBody or Part.CarCabin or Part.Wheel => StreetClass.Car,
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };

    static readonly SynthColor[] FacadeColours =
    [
        new(0.62, 0.33, 0.25), new(0.55, 0.27, 0.2), new(0.82, 0.74, 0.6), new(0.7, 0.68, 0.64),
        new(0.88, 0.86, 0.8), new(0.45, 0.35, 0.28), new(0.76, 0.6, 0.42), new(0.58, 0.62, 0.66),
        new(0.8, 0.7, 0.55), new(0.5, 0.5, 0.52),
    ];

    static readonly SynthColor[] CarColours =
    [
        new(0.7, 0.08, 0.07), new(0.1, 0.2, 0.5), new(0.72, 0.73, 0.75), new(0.08, 0.08, 0.09),
        new(0.9, 0.9, 0.88), new(0.2, 0.35, 0.25), new(0.45, 0.46, 0.5), new(0.85, 0.6, 0.1),
    ];

    static readonly SynthColor[] DoorColours =
    [
        new(0.35, 0.2, 0.12), new(0.12, 0.25, 0.18), new(0.15, 0.15, 0.17), new(0.45, 0.12, 0.1), new(0.2, 0.22, 0.35),
    ];

    /// <summary>Draws a random scene; everything about it (layout, materials) comes from <paramref name="rng"/>.</summary>
    public static Scene Generate(Rng rng)
    {
        var shapes = new List<Shape>();
        var items = new List<Item>();
        int NewItem(SynthColor albedo, bool facesRight = false)
        {
            items.Add(new Item(albedo, rng.NextULong(), facesRight));
            return items.Count - 1;
        }
        void Add(ShapeKind kind, Part part, int item, double x0, double y0, double x1, double y1, double il = 0, double ir = 0) =>
            shapes.Add(new Shape(kind, part, item, x0, y0, x1, y1, il, ir));
        SynthColor Jitter(SynthColor c, double amount)
        {
            var k = rng.Uniform(1 - amount, 1 + amount);
            return new SynthColor(c.R * k * rng.Uniform(0.96, 1.04), c.G * k * rng.Uniform(0.96, 1.04), c.B * k * rng.Uniform(0.96, 1.04));
        }

        double ground = rng.Uniform(0.56, 0.68);
        double roadTop = ground + rng.Uniform(0.07, 0.11);
        Add(ShapeKind.Rect, Part.Sky, NewItem(new SynthColor(1, 1, 1)), 0, 0, 1, 1);

        if (rng.Chance(0.6))
        {
            int far = NewItem(Jitter(new SynthColor(0.58, 0.6, 0.64), 0.1));
            for (double x = rng.Uniform(-0.1, 0); x < 1;)
            {
                double w = rng.Uniform(0.07, 0.2);
                Add(ShapeKind.Rect, Part.FarFacade, far, x, ground - rng.Uniform(0.28, 0.5), x + w, ground);
                x += w;
            }
        }

        bool first = true;
        for (double x = rng.Uniform(-0.15, 0); x < 1;)
        {
            if (!first && rng.Chance(0.2)) x += rng.Uniform(0.04, 0.12);
            first = false;
            double w = rng.Uniform(0.2, 0.42), top = ground - rng.Uniform(0.22, 0.5);
            Add(ShapeKind.Rect, Part.Facade, NewItem(Jitter(rng.Pick(FacadeColours), 0.08)), x, top, x + w, ground);

            int glass = NewItem(Jitter(new SynthColor(0.16, 0.19, 0.24), 0.2));
            double doorH = 0, doorU = rng.Uniform(0.1, 0.9);
            if (rng.Chance(0.4))
            {
                // A shop window on the ground floor, on the other side of the building from the door.
                double sw = w * rng.Uniform(0.3, 0.45), sh = rng.Uniform(0.05, 0.08);
                double sx = doorU < 0.5 ? x + w * 0.52 : x + w * 0.48 - sw;
                Add(ShapeKind.Rect, Part.ShopWindow, glass, sx, ground - 0.012 - sh, sx + sw, ground - 0.012);
            }
            if (rng.Chance(0.8))
            {
                double dw = rng.Uniform(0.045, 0.07);
                doorH = rng.Uniform(0.09, 0.13);
                double dx = x + doorU * (w - dw);
                Add(ShapeKind.Rect, Part.Door, NewItem(Jitter(rng.Pick(DoorColours), 0.1)), dx, ground - doorH, dx + dw, ground);
            }

            double ww = rng.Uniform(0.035, 0.06), wh = ww * rng.Uniform(1.1, 1.7);
            double sxStep = ww * rng.Uniform(1.7, 2.6), syStep = wh * rng.Uniform(1.45, 2.1);
            int cols = (int)Math.Floor((w - 0.03 - ww) / sxStep) + 1;
            double margin = (w - (cols - 1) * sxStep - ww) / 2;
            double lowest = ground - Math.Max(doorH, 0.08) - 0.025;
            for (double wy = top + rng.Uniform(0.03, 0.06); wy + wh <= lowest; wy += syStep)
                for (int c = 0; c < cols; c++)
                {
                    double wx = x + margin + c * sxStep;
                    if (wx + ww > 0 && wx < 1) Add(ShapeKind.Rect, Part.Window, glass, wx, wy, wx + ww, wy + wh);
                }
            x += w;
        }

        int walk = NewItem(Jitter(new SynthColor(0.66, 0.64, 0.6), 0.1));
        int road = NewItem(Jitter(new SynthColor(0.27, 0.27, 0.29), 0.15));
        Add(ShapeKind.Rect, Part.Sidewalk, walk, 0, ground, 1, roadTop);
        Add(ShapeKind.Rect, Part.Road, road, 0, roadTop, 1, 1);
        Add(ShapeKind.Rect, Part.Curb, walk, 0, roadTop - 0.012, 1, roadTop);
        double roadBottom = 1;
        if (rng.Chance(0.4))
        {
            roadBottom = rng.Uniform(0.9, 0.95);
            Add(ShapeKind.Rect, Part.Sidewalk, walk, 0, roadBottom, 1, 1);
            Add(ShapeKind.Rect, Part.Curb, walk, 0, roadBottom, 1, roadBottom + 0.012);
        }

        if (rng.Chance(0.85))
        {
            int paint = NewItem(rng.Chance(0.7) ? new SynthColor(0.9, 0.9, 0.86) : new SynthColor(0.9, 0.72, 0.2));
            double ly = roadTop + (roadBottom - roadTop) * rng.Uniform(0.4, 0.6), th = rng.Uniform(0.015, 0.025);
            if (rng.Chance(0.25))
                Add(ShapeKind.Rect, Part.Lane, paint, 0, ly, 1, ly + th);
            else
            {
                double dash = rng.Uniform(0.06, 0.14), gap = rng.Uniform(0.05, 0.1);
                for (double dx = -rng.Uniform(0, dash + gap); dx < 1; dx += dash + gap)
                    if (dx + dash > 0) Add(ShapeKind.Rect, Part.Lane, paint, dx, ly, dx + dash, ly + th);
            }
        }
        if (rng.Chance(0.15))
        {
            int zebra = NewItem(new SynthColor(0.92, 0.92, 0.9));
            double zx = rng.Uniform(0.05, 0.6), sw = rng.Uniform(0.025, 0.035);
            int n = rng.NextInt(4, 8);
            for (int k = 0; k < n; k++)
                Add(ShapeKind.Rect, Part.Lane, zebra, zx + k * 2 * sw, roadTop + 0.01, zx + k * 2 * sw + sw, roadBottom - 0.01);
        }

        // Sidewalk furniture, back to front.
        var furniture = new List<(double Base, Action Draw)>();
        int trees = rng.NextInt(4);
        for (int t = 0; t < trees; t++)
        {
            double tx = rng.Uniform(0.02, 0.98), tb = rng.Uniform(ground + 0.01, roadTop - 0.015);
            double th = rng.Uniform(0.12, 0.24), tw = rng.Uniform(0.014, 0.024), rx = rng.Uniform(0.06, 0.11),
                ry = rx * rng.Uniform(0.9, 1.3);
            int trunk = NewItem(Jitter(new SynthColor(0.32, 0.22, 0.14), 0.15));
            int crown = NewItem(Jitter(rng.Pick<SynthColor>([new(0.2, 0.38, 0.12), new(0.28, 0.45, 0.15), new(0.16, 0.3, 0.14),
                new(0.35, 0.42, 0.12)]), 0.12));
            var lobes = Enumerable.Range(0, rng.NextInt(0, 3)).Select(_ => (dx: rng.Uniform(-0.8, 0.8) * rx,
                dy: rng.Uniform(-0.3, 0.5) * ry, s: rng.Uniform(0.5, 0.75))).ToList();
            furniture.Add((tb, () =>
            {
                Add(ShapeKind.Rect, Part.Trunk, trunk, tx - tw / 2, tb - th, tx + tw / 2, tb);
                Add(ShapeKind.Ellipse, Part.Crown, crown, tx - rx, tb - th - ry, tx + rx, tb - th + ry);
                foreach (var (dx, dy, s) in lobes)
                    Add(ShapeKind.Ellipse, Part.Crown, crown, tx + dx - rx * s, tb - th + dy - ry * s, tx + dx + rx * s,
                        tb - th + dy + ry * s);
            }));
        }
        if (rng.Chance(0.3))
        {
            double bx = rng.Uniform(0, 1), bb = rng.Uniform(ground + 0.02, roadTop - 0.015), brx = rng.Uniform(0.05, 0.1),
                bry = brx * rng.Uniform(0.4, 0.6);
            int bush = NewItem(Jitter(new SynthColor(0.22, 0.36, 0.14), 0.15));
            furniture.Add((bb, () => Add(ShapeKind.Ellipse, Part.Bush, bush, bx - brx, bb - 2 * bry, bx + brx, bb)));
        }
        int poles = rng.NextInt(3);
        for (int p = 0; p < poles; p++)
        {
            double px = rng.Uniform(0.03, 0.97), pb = rng.Uniform(ground + 0.015, roadTop - 0.012);
            double top = pb - rng.Uniform(0.26, 0.4), pw = 0.012, arm = rng.Uniform(0.04, 0.07) * (rng.Chance(0.5) ? 1 : -1);
            int pole = NewItem(Jitter(new SynthColor(0.32, 0.33, 0.35), 0.15));
            furniture.Add((pb, () =>
            {
                Add(ShapeKind.Rect, Part.Pole, pole, px - pw / 2, top, px + pw / 2, pb);
                Add(ShapeKind.Rect, Part.Pole, pole, Math.Min(px, px + arm), top, Math.Max(px, px + arm), top + 0.012);
                Add(ShapeKind.Rect, Part.Lamp, pole, px + arm - 0.016, top + 0.008, px + arm + 0.016, top + 0.024);
            }));
        }
        foreach (var f in furniture.OrderBy(f => f.Base)) f.Draw();

        int cars = rng.Pick([0, 1, 1, 2, 2, 3]);
        var carSpecs = Enumerable.Range(0, cars)
            .Select(_ => (Base: rng.Uniform(roadTop + 0.07, Math.Min(roadBottom + 0.03, 1.0)), X: rng.Uniform(-0.15, 0.95),
                Len: rng.Uniform(0.85, 1.15)))
            .OrderBy(c => c.Base).ToList();
        foreach (var (cb, cx, len) in carSpecs)
        {
            double s = 0.75 + 0.5 * (cb - roadTop) / (1 - roadTop);
            double L = 0.3 * s * len, r = 0.032 * s, bodyH = 0.075 * s, cabinH = 0.06 * s;
            int car = NewItem(Jitter(rng.Pick(CarColours), 0.08), rng.Chance(0.5));
            double bodyBottom = cb - r * 0.55, bodyTop = bodyBottom - bodyH;
            double c0 = cx + L * rng.Uniform(0.15, 0.25), c1 = cx + L * rng.Uniform(0.72, 0.82);
            Add(ShapeKind.Trapezoid, Part.CarCabin, car, c0, bodyTop - cabinH, c1, bodyTop + 0.004, (c1 - c0) * 0.15, (c1 - c0) * 0.18);
            Add(ShapeKind.Rect, Part.CarBody, car, cx, bodyTop, cx + L, bodyBottom);
            Add(ShapeKind.Ellipse, Part.Wheel, car, cx + 0.2 * L - r, cb - 2 * r, cx + 0.2 * L + r, cb);
            Add(ShapeKind.Ellipse, Part.Wheel, car, cx + 0.8 * L - r, cb - 2 * r, cx + 0.8 * L + r, cb);
        }

        return new Scene(ground, roadTop, shapes, items);
    }

    /// <summary>
    /// For each pixel (row-major, size x size), the index of the topmost shape at the pixel centre. Rectangle
    /// edges snap to the pixel grid and a rectangle inside the frame covers at least one pixel, so thin poles
    /// and lane markings never vanish at 64 px.
    /// </summary>
    public static int[] RasterizeShapes(Scene scene, int size)
    {
        var map = new int[size * size];
        static int Snap(double v, int size) => (int)Math.Floor(v * size + 0.5);
        for (int s = 0; s < scene.Shapes.Count; s++)
        {
            var sh = scene.Shapes[s];
            if (sh.X1 <= 0 || sh.X0 >= 1 || sh.Y1 <= 0 || sh.Y0 >= 1) continue;
            int y0 = Math.Clamp(Snap(sh.Y0, size), 0, size - 1), y1 = Math.Clamp(Math.Max(Snap(sh.Y0, size) + 1, Snap(sh.Y1, size)), 1,
                size);
            switch (sh.Kind)
            {
                case ShapeKind.Rect:
                {
                    int x0 = Math.Clamp(Snap(sh.X0, size), 0, size - 1), x1 = Math.Clamp(Math.Max(Snap(sh.X0, size) + 1, Snap(sh.X1, size)),
                        1, size);
                    for (int y = y0; y < y1; y++)
                        Array.Fill(map, s, y * size + x0, x1 - x0);
                    break;
                }
                case ShapeKind.Ellipse:
                {
                    double cx = (sh.X0 + sh.X1) / 2 * size, cy = (sh.Y0 + sh.Y1) / 2 * size;
                    double rx = (sh.X1 - sh.X0) / 2 * size, ry = (sh.Y1 - sh.Y0) / 2 * size;
                    int ex0 = Math.Max(0, (int)Math.Floor(cx - rx)), ex1 = Math.Min(size, (int)Math.Ceiling(cx + rx) + 1);
                    int ey0 = Math.Max(0, (int)Math.Floor(cy - ry)), ey1 = Math.Min(size, (int)Math.Ceiling(cy + ry) + 1);
                    for (int y = ey0; y < ey1; y++)
                        for (int x = ex0; x < ex1; x++)
                        {
                            double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
                            if (dx * dx + dy * dy <= 1) map[y * size + x] = s;
                        }
                    break;
                }
                case ShapeKind.Trapezoid:
                    for (int y = y0; y < y1; y++)
                    {
                        double t = Math.Clamp(((y + 0.5) / size - sh.Y0) / (sh.Y1 - sh.Y0), 0, 1);
                        double l = sh.X0 + sh.TopInsetLeft * (1 - t), r = sh.X1 - sh.TopInsetRight * (1 - t);
                        int x0 = Math.Clamp(Snap(l, size), 0, size), x1 = Math.Clamp(Snap(r, size), 0, size);
                        if (x1 > x0) Array.Fill(map, s, y * size + x0, x1 - x0);
                    }
                    break;
            }
        }
        return map;
    }

    /// <summary>The class index (<see cref="StreetClass"/>) of every pixel, row-major.</summary>
    public static byte[] RenderClassMap(Scene scene, int size)
    {
        var shapes = RasterizeShapes(scene, size);
        var classes = new byte[shapes.Length];
        for (int i = 0; i < shapes.Length; i++) classes[i] = (byte)ClassOf(scene.Shapes[shapes[i]].Part);
        return classes;
    }

    /// <summary>The label map: every pixel is exactly one <see cref="Palette"/> colour.</summary>
    public static RgbImage RenderLabels(Scene scene, int size)
    {
        var classes = RenderClassMap(scene, size);
        var img = RgbImage.Create(size, size);
        for (int i = 0; i < classes.Length; i++)
        {
            var p = Palette[classes[i]];
            img.Pixels[3 * i] = p.R;
            img.Pixels[3 * i + 1] = p.G;
            img.Pixels[3 * i + 2] = p.B;
        }
        return img;
    }

    /// <summary>
    /// The scene as a photo in <paramref name="style"/>. Lighting, colour grade and noise come from
    /// <paramref name="lighting"/>, so the same scene can be rendered under many conditions.
    /// </summary>
    public static RgbImage RenderPhoto(Scene scene, int size, PhotoStyle style, Rng lighting) =>
        StreetPhoto.Render(scene, size, style, lighting);
}
