using static CycleGan.Data.Synth.Scene;

namespace CycleGan.Data.Synth;

/// <summary>
/// Renders a <see cref="Scene"/> as a photo: per-pixel materials (value-noise textures, shading gradients,
/// contact shadows), lights, haze or fog, a per-scene colour grade with a hue rotation, vignette, a slight
/// blur for soft edges, and sensor noise. Only basic arithmetic and sqrt are used (no libm), so the output
/// bytes do not depend on the platform's maths library.
/// </summary>
static class StreetPhoto
{
    sealed class Look
    {
        public required PhotoStyle Style;
        public required SynthColor Zenith, Horizon, CloudColour, Sun, Ambient, Fog, LampLight;
        public required double Clouds, FogDensity, Twilight, LitWindows, Exposure, Saturation, Contrast, Vignette, Blur, Noise;
        public required double HueT;
        public required SynthColor Gains, Lift;
        public required ulong Salt;
        public required bool Sunny;
    }

    public static RgbImage Render(Scene scene, int size, PhotoStyle style, Rng rng)
    {
        var look = DrawLook(style, rng);
        var map = StreetScenes.RasterizeShapes(scene, size);
        var lights = CollectLights(scene, look);
        var shadows = scene.Shapes.Where(s => s.Part is Part.CarBody or Part.Trunk or Part.Bush).ToList();
        var buf = new SynthColor[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double nx = (x + 0.5) / size, ny = (y + 0.5) / size;
                int s = map[y * size + x];
                var sh = scene.Shapes[s];
                var c = Shade(scene, sh, s, nx, ny, size, look, lights);
                if (sh.Part is Part.Road or Part.Sidewalk or Part.Curb or Part.Lane)
                    c *= ContactShadow(shadows, nx, ny);
                c = SynthColor.Lerp(c, look.Fog, Math.Min(0.9, look.FogDensity * Depth(scene, sh, ny)));
                buf[y * size + x] = c;
            }
        foreach (var l in lights.Where(l => l.Halo > 0)) AddHalo(buf, size, l);
        Grade(buf, size, look);
        buf = SoftBlur(buf, size, look.Blur);

        var img = RgbImage.Create(size, size);
        for (int i = 0; i < buf.Length; i++)
        {
            double n = look.Noise * rng.Gaussian();
            Put(img.Pixels, 3 * i, buf[i].R + n + 0.3 * look.Noise * rng.Gaussian());
            Put(img.Pixels, 3 * i + 1, buf[i].G + n + 0.3 * look.Noise * rng.Gaussian());
            Put(img.Pixels, 3 * i + 2, buf[i].B + n + 0.3 * look.Noise * rng.Gaussian());
        }
        return img;
    }

    static void Put(byte[] px, int i, double v) => px[i] = (byte)Math.Floor(Math.Clamp(v, 0, 1) * 255 + 0.5);

    static Look DrawLook(PhotoStyle style, Rng rng)
    {
        var salt = rng.NextULong();
        double temp = rng.Uniform(-1, 1);
        if (style == PhotoStyle.Day)
        {
            bool sunny = rng.Chance(0.65);
            var zenith = sunny ? new SynthColor(0.22, 0.42, 0.82) * rng.Uniform(0.85, 1.1) : SynthColor.Gray(0.62) * rng.Uniform(0.85, 1.1);
            var horizon = sunny ? new SynthColor(0.72, 0.83, 0.95) : new SynthColor(0.8, 0.81, 0.83);
            return new Look
            {
                Style = style, Salt = salt, Sunny = sunny,
                Zenith = zenith, Horizon = horizon * rng.Uniform(0.92, 1.05),
                CloudColour = sunny ? SynthColor.Gray(0.97) : SynthColor.Gray(0.72),
                Clouds = sunny ? rng.Uniform(0, 0.55) : rng.Uniform(0.4, 0.9),
                Sun = sunny ? new SynthColor(1.0, 0.97, 0.9) * rng.Uniform(0.95, 1.15) : SynthColor.Gray(0.85),
                Ambient = sunny ? new SynthColor(0.5, 0.55, 0.65) : SynthColor.Gray(0.75),
                Fog = horizon, FogDensity = rng.Uniform(0.03, 0.18), LampLight = SynthColor.Gray(0),
                Twilight = 1, LitWindows = 0,
                Exposure = rng.Uniform(0.85, 1.12), Saturation = rng.Uniform(0.75, 1.2), Contrast = rng.Uniform(0.9, 1.15),
                Gains = new SynthColor(1 + 0.06 * temp, 1 + rng.Uniform(-0.03, 0.03), 1 - 0.06 * temp),
                Lift = new SynthColor(rng.Uniform(-0.02, 0.03), rng.Uniform(-0.02, 0.03), rng.Uniform(-0.02, 0.03)),
                HueT = rng.Uniform(-0.12, 0.12), Vignette = rng.Uniform(0, 0.3), Blur = rng.Uniform(0.3, 0.7),
                    Noise = rng.Uniform(0.006, 0.02),
            };
        }
        double tw = rng.Uniform(0.15, 1);
        return new Look
        {
            Style = style, Salt = salt, Sunny = false,
            Zenith = SynthColor.Lerp(new SynthColor(0.02, 0.025, 0.07), new SynthColor(0.1, 0.13, 0.32), tw),
            Horizon = SynthColor.Lerp(new SynthColor(0.22, 0.15, 0.16), new SynthColor(0.85, 0.45, 0.3), tw),
            CloudColour = SynthColor.Lerp(new SynthColor(0.12, 0.1, 0.12), new SynthColor(0.45, 0.3, 0.35), tw),
            Clouds = rng.Uniform(0, 0.6),
            Sun = SynthColor.Gray(0),
            Ambient = SynthColor.Lerp(new SynthColor(0.2, 0.22, 0.32), new SynthColor(0.45, 0.42, 0.5), tw),
            Fog = SynthColor.Lerp(new SynthColor(0.16, 0.15, 0.17), new SynthColor(0.45, 0.38, 0.42), tw),
            FogDensity = rng.Uniform(0.15, 0.5),
            LampLight = new SynthColor(1.0, 0.72, 0.38) * rng.Uniform(0.8, 1.1),
            Twilight = tw, LitWindows = rng.Uniform(0.35, 0.75),
            Exposure = rng.Uniform(1.0, 1.3), Saturation = rng.Uniform(0.7, 1.0), Contrast = rng.Uniform(0.85, 1.05),
            Gains = new SynthColor(1 + 0.05 * temp, 1, 1.05 - 0.05 * temp),
            Lift = new SynthColor(rng.Uniform(0, 0.02), rng.Uniform(0.01, 0.03), rng.Uniform(0.02, 0.05)),
            HueT = rng.Uniform(-0.1, 0.1), Vignette = rng.Uniform(0.15, 0.45), Blur = rng.Uniform(0.5, 0.9),
                Noise = rng.Uniform(0.012, 0.03),
        };
    }

    sealed record Light(double X, double Y, SynthColor Colour, double Radius, double Strength, double Halo);

    static List<Light> CollectLights(Scene scene, Look look)
    {
        var lights = new List<Light>();
        if (look.Style != PhotoStyle.Night) return lights;
        for (int s = 0; s < scene.Shapes.Count; s++)
        {
            var sh = scene.Shapes[s];
            if (sh.Part == Part.Lamp)
                lights.Add(new Light((sh.X0 + sh.X1) / 2, sh.Y1, look.LampLight, 0.16, 1.1, 0.045));
            else if (sh.Part == Part.CarBody && Rng.Hash01(look.Salt, s, 7) < 0.75)
            {
                var item = scene.Items[sh.Item];
                double h = sh.Y1 - sh.Y0, ly = sh.Y0 + 0.35 * h;
                double front = item.FacesRight ? sh.X1 : sh.X0, back = item.FacesRight ? sh.X0 : sh.X1;
                lights.Add(new Light(front, ly, new SynthColor(1, 0.95, 0.85), 0.1, 0.6, 0.6 * h));
                lights.Add(new Light(back, ly, new SynthColor(1, 0.1, 0.05), 0.03, 0.3, 0.35 * h));
            }
        }
        return lights;
    }

    /// <summary>How far a surface is, 0 (at the camera) to 1 (the sky): it scales haze and fog.</summary>
    static double Depth(Scene scene, Shape sh, double ny) => sh.Part switch
    {
        Part.Sky => 0.85,
        Part.FarFacade => 0.9,
        Part.Facade or Part.Window or Part.ShopWindow or Part.Door => 0.65,
        _ => Math.Clamp(0.6 - 0.45 * (ny - scene.Ground) / (1 - scene.Ground), 0.1, 0.6),
    };

    static SynthColor Shade(Scene scene, Shape sh, int s, double nx, double ny, int size, Look look, List<Light> lights)
    {
        var item = scene.Items[sh.Item];
        double u = (nx - sh.X0) / (sh.X1 - sh.X0), v = (ny - sh.Y0) / (sh.Y1 - sh.Y0);
        ulong salt = item.Salt;
        double Noise(double scale, int oct = 2) => Rng.Fbm(salt, nx * scale, ny * scale, oct);
        double Var(int k) => Rng.Hash01(salt ^ look.Salt, s, k);
        bool night = look.Style == PhotoStyle.Night;

        // Light falling on an upright surface; lamps add warm pools at night.
        SynthColor Lit(SynthColor albedo, double sun)
        {
            var light = look.Ambient + look.Sun * sun;
            foreach (var l in lights)
            {
                double dx = (nx - l.X) / l.Radius, dy = (ny - l.Y) / (l.Radius * 0.8);
                double d2 = dx * dx + dy * dy;
                light += l.Colour * (l.Strength / (1 + 3 * d2 * d2));
            }
            return albedo * light;
        }
        double facadeSun = look.Sunny ? (Var(1) < 0.3 ? 0.25 : 0.75) : 0.45;

        switch (sh.Part)
        {
            case Part.Sky:
            {
                double t = Math.Clamp(ny / scene.Ground, 0, 1);
                var c = SynthColor.Lerp(look.Zenith, look.Horizon, t * (2 - t));
                double n = Rng.Fbm(look.Salt, nx * 5, ny * 10, 4);
                double cloud = Math.Clamp((n - (1 - look.Clouds)) * 3.5, 0, 1) * (1 - 0.5 * t);
                c = SynthColor.Lerp(c, look.CloudColour * (0.85 + 0.25 * (1 - n)), cloud);
                if (night && look.Twilight < 0.5 && Rng.Hash01(look.Salt, (long)(nx * size), (long)(ny * size)) > 0.993)
                    c += SynthColor.Gray(0.5 * (1 - t));
                return c;
            }
            case Part.FarFacade:
            {
                double k = 0.85 + 0.3 * Rng.Hash01(salt, s, 1);
                var c = Lit(item.Albedo * k, look.Sunny ? 0.45 : 0.35);
                c = SynthColor.Lerp(c, look.Horizon, night ? 0.15 : 0.35);
                if (night && Rng.Hash01(look.Salt, (long)(nx * 70), (long)(ny * 55)) < 0.25 * look.LitWindows)
                    c += new SynthColor(0.6, 0.45, 0.22);
                return c;
            }
            case Part.Facade:
            {
                double tex = 0.88 + 0.2 * Noise(40) + 0.06 * Noise(6, 1);
                var c = Lit(item.Albedo * tex, facadeSun);
                if (v < 0.03) c *= 1.15;
                if (u < 0.03 || u > 0.97) c *= 0.82;
                c *= 0.8 + 0.2 * (1 - v) + 0.08 * (1 - v) * (1 - v);
                return c;
            }
            case Part.Window or Part.ShopWindow:
            {
                double pxW = (sh.X1 - sh.X0) * size, pxH = (sh.Y1 - sh.Y0) * size;
                bool frame = pxW >= 4 && pxH >= 4 && (u * pxW < 0.8 || (1 - u) * pxW < 0.8 || v * pxH < 0.8 || (1 - v) * pxH < 0.8);
                if (frame) return Lit(SynthColor.Gray(0.82), facadeSun);
                if (night && Var(2) < (sh.Part == Part.ShopWindow ? 0.85 : look.LitWindows))
                {
                    var warm = SynthColor.Lerp(new SynthColor(1.0, 0.8, 0.45), new SynthColor(0.85, 0.9, 1.0), Var(3) < 0.2 ? 1 : 0);
                    return warm * (0.55 + 0.4 * Var(4)) * (0.85 + 0.25 * v);
                }
                var reflect = SynthColor.Lerp(look.Horizon, look.Zenith, 0.5) * (night ? 0.25 : 0.55);
                var c = SynthColor.Lerp(item.Albedo * (night ? 0.3 : 1.0), reflect, 0.25 + 0.45 * (1 - v) * Var(5));
                if (!night && Var(6) < 0.25) c = SynthColor.Lerp(c, new SynthColor(0.75, 0.7, 0.6), 0.5 * (1 - v));
                return c;
            }
            case Part.Door:
            {
                var c = Lit(item.Albedo * (0.85 + 0.2 * Noise(50)), facadeSun);
                if (u < 0.1 || u > 0.9 || v < 0.07) c *= 0.7;
                if (night && Var(7) < 0.3) c += new SynthColor(0.35, 0.25, 0.12) * (1 - v);
                return c;
            }
            case Part.Sidewalk or Part.Curb:
            {
                double tex = 0.88 + 0.16 * Noise(60) + 0.05 * Noise(8, 1);
                if (sh.Part == Part.Sidewalk && (nx * 14 - Math.Floor(nx * 14) < 0.07)) tex *= 0.86;
                return Lit(item.Albedo * tex * (sh.Part == Part.Curb ? 1.2 : 1.0), look.Sunny ? 0.85 : 0.5);
            }
            case Part.Road:
            {
                double tex = 0.8 + 0.3 * Noise(70) + 0.15 * Noise(5, 2);
                double far = Math.Clamp((ny - scene.RoadTop) / (1 - scene.RoadTop), 0, 1);
                var c = Lit(item.Albedo * tex * (1.08 - 0.12 * far), look.Sunny ? 0.8 : 0.5);
                return night ? c * 0.9 + look.Horizon * 0.04 : c;
            }
            case Part.Lane:
            {
                double wear = Noise(45);
                var c = SynthColor.Lerp(item.Albedo, new SynthColor(0.3, 0.3, 0.31), 0.45 * wear * wear);
                return Lit(c, look.Sunny ? 0.8 : 0.5);
            }
            case Part.Trunk:
                return Lit(item.Albedo * (0.75 + 0.4 * Rng.ValueNoise(salt, nx * 200, ny * 20)), facadeSun);
            case Part.Crown or Part.Bush:
            {
                double cu = 2 * u - 1, cv = 2 * v - 1;
                double leaves = Rng.Fbm(salt, nx * 45, ny * 45, 3);
                double shade = 1.05 - 0.35 * cv - 0.12 * cu * (look.Sunny ? 1 : 0) - 0.15 * (cu * cu + cv * cv);
                var c = Lit(item.Albedo * (0.45 + 0.9 * leaves) * shade, look.Sunny ? 0.8 : 0.5);
                return c;
            }
            case Part.Pole:
                return Lit(item.Albedo * (u < 0.5 ? 1.15 : 0.8), look.Sunny ? 0.6 : 0.45);
            case Part.Lamp:
                if (night) return new SynthColor(1.3, 1.1, 0.8);
                return v > 0.6 ? SynthColor.Gray(0.8) : Lit(item.Albedo, 0.5);
            case Part.CarBody:
            {
                double shade = 1.2 - 0.55 * v + (v > 0.15 && v < 0.3 ? 0.18 : 0);
                var c = Lit(item.Albedo * shade, look.Sunny ? 0.75 : 0.5);
                double end = item.FacesRight ? u : 1 - u;
                if (v > 0.2 && v < 0.5)
                {
                    if (end > 0.94) c = night ? new SynthColor(1.3, 1.25, 1.1) : SynthColor.Gray(0.85);
                    else if (end < 0.05) c = night ? new SynthColor(1.0, 0.12, 0.08) : new SynthColor(0.6, 0.08, 0.06);
                }
                if (v > 0.85) c *= 0.55;
                return c;
            }
            case Part.CarCabin:
            {
                double pxH = (sh.Y1 - sh.Y0) * size;
                bool pillar = v * pxH < 0.7 || u < 0.08 || u > 0.92 || Math.Abs(u - 0.5) < 0.035;
                if (pillar) return Lit(item.Albedo * 1.05, look.Sunny ? 0.75 : 0.5);
                var glass = SynthColor.Lerp(new SynthColor(0.1, 0.12, 0.15), look.Horizon * (night ? 0.2 : 0.6), 0.6 * (1 - v));
                return glass;
            }
            case Part.Wheel:
            {
                double cu = 2 * u - 1, cv = 2 * v - 1, r2 = cu * cu + cv * cv;
                return r2 < 0.25 ? Lit(SynthColor.Gray(0.45), 0.5) : Lit(SynthColor.Gray(0.06), 0.4);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(sh), sh.Part, null);
        }
    }

    /// <summary>Darkening under cars, trunks and bushes (ambient occlusion where they meet the ground).</summary>
    static double ContactShadow(List<Shape> casters, double nx, double ny)
    {
        double k = 1;
        foreach (var c in casters)
        {
            double w = c.X1 - c.X0, h = c.Y1 - c.Y0;
            double cx = (c.X0 + c.X1) / 2, cy = c.Part == Part.CarBody ? c.Y1 + 0.3 * h : c.Y1;
            double rx = c.Part == Part.CarBody ? 0.55 * w : 2.5 * w, ry = c.Part == Part.CarBody ? 0.45 * h : Math.Max(0.012, 0.15 * h);
            double dx = (nx - cx) / rx, dy = (ny - cy) / ry, d2 = dx * dx + dy * dy;
            if (d2 < 1) k *= 1 - 0.6 * (1 - d2);
        }
        return k;
    }

    static void AddHalo(SynthColor[] buf, int size, Light l)
    {
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double dx = ((x + 0.5) / size - l.X) / l.Halo, dy = ((y + 0.5) / size - l.Y) / l.Halo;
                double d2 = dx * dx + dy * dy;
                if (d2 < 60) buf[y * size + x] += l.Colour * (0.7 / ((1 + d2) * (1 + d2)));
            }
    }

    /// <summary>White balance, exposure, hue rotation about the grey axis, saturation, contrast, lift, a soft
    /// highlight knee and vignette.</summary>
    static void Grade(SynthColor[] buf, int size, Look look)
    {
        // Rotation by angle a with t = tan(a/2): cos and sin from t without trigonometric calls.
        double t = look.HueT, cos = (1 - t * t) / (1 + t * t), sin = 2 * t / (1 + t * t);
        double a = cos + (1 - cos) / 3, b = (1 - cos) / 3 - sin * 0.5773502691896258, c = (1 - cos) / 3 + sin * 0.5773502691896258;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var p = buf[y * size + x] * look.Gains * look.Exposure;
                p = new SynthColor(a * p.R + b * p.G + c * p.B, c * p.R + a * p.G + b * p.B, b * p.R + c * p.G + a * p.B);
                double luma = p.Luma;
                p = SynthColor.Gray(luma) + (p - SynthColor.Gray(luma)) * look.Saturation;
                p = SynthColor.Gray(0.5) + (p - SynthColor.Gray(0.5)) * look.Contrast + look.Lift;
                p = new SynthColor(Knee(p.R), Knee(p.G), Knee(p.B));
                double dx = (x + 0.5) / size - 0.5, dy = (y + 0.5) / size - 0.5;
                buf[y * size + x] = p * (1 - look.Vignette * 2 * (dx * dx + dy * dy));
            }
    }

    static double Knee(double v) => v <= 0.8 ? v : 0.8 + (v - 0.8) / (1 + 2.5 * (v - 0.8));

    /// <summary>Mixes in a 3x3 binomial blur: the soft edges and slight defocus of a real lens.</summary>
    static SynthColor[] SoftBlur(SynthColor[] src, int size, double amount)
    {
        var dst = new SynthColor[src.Length];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var sum = new SynthColor(0, 0, 0);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int yy = Math.Clamp(y + dy, 0, size - 1), xx = Math.Clamp(x + dx, 0, size - 1);
                        sum += src[yy * size + xx] * ((dx == 0 ? 2 : 1) * (dy == 0 ? 2 : 1));
                    }
                dst[y * size + x] = SynthColor.Lerp(src[y * size + x], sum * (1.0 / 16), amount);
            }
        return dst;
    }
}
