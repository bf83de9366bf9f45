using System.Diagnostics;
using System.Globalization;
using CycleGan.Data;
using CycleGan.Data.Synth;

namespace CycleGan.Video;

/// <summary>
/// A camera pan with a slow zoom through one street scene (<c>datasets synth --video</c>), with its exact flow: the
/// scene is rendered once, 4× finer than the frames, and every frame samples it (bilinear) through a square window
/// that moves right and narrows. The scene does not move, so frame t's pixel p and frame t+1's pixel
/// <see cref="Camera.Map"/>(p) show the same point: that is the flow, exact up to rounding to 8 bits.
/// <code>
/// frames/000001.png  the photos        labels/000001.png  label maps of the same frames (nearest, flat colours)
/// flow/000001.flo    flow from frame t to t+1 (Middlebury .flo)
/// clip.mp4           the photos as lossless H.264 RGB (decoded frames equal frames/*.png)
/// video.json         size, frames, fps, seed, the camera of every frame
/// </code>
/// </summary>
public static class SynthVideo
{
    public const int Fps = 12;

    /// <summary>The view of one frame: the scene square [X, X+W] × [Y, Y+W] (scene units) shown at N × N pixels.</summary>
    public sealed record Camera(double X, double Y, double W)
    {
        /// <summary>Scene point of pixel (px, py)'s centre at <paramref name="n"/> pixels.</summary>
        public (double X, double Y) Scene(double px, double py, int n) => (X + (px + 0.5) / n * W, Y + (py + 0.5) / n * W);

        /// <summary>The pixel of this view showing scene point (sx, sy).</summary>
        public (double X, double Y) Pixel(double sx, double sy, int n) => ((sx - X) / W * n - 0.5, (sy - Y) / W * n - 0.5);
    }

    /// <summary>Frame <paramref name="t"/> of <paramref name="frames"/>: pans from x 0.05 to 0.35 and zooms from a 0.6 to a 0.5 wide view.</summary>
    public static Camera CameraAt(int t, int frames)
    {
        double s = frames > 1 ? (double)t / (frames - 1) : 0;
        double w = 0.6 - 0.1 * s;
        return new Camera(0.05 + 0.3 * s, 0.56 - w / 2, w);
    }

    /// <summary>The exact flow from frame t to t+1 (<paramref name="a"/> to <paramref name="b"/>) at n × n pixels.</summary>
    public static FlowField Flow(Camera a, Camera b, int n)
    {
        var f = FlowField.Zero(n, n);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                var (sx, sy) = a.Scene(x, y, n);
                var (bx, by) = b.Pixel(sx, sy, n);
                f.U[y * n + x] = (float)(bx - x);
                f.V[y * n + x] = (float)(by - y);
            }
        return f;
    }

    public sealed record Result(string Root, int Frames, int Size, TimeSpan Elapsed);

    /// <summary><c>datasets synth --video</c>: the clip, its labels and flow, and the palette, in <c>--out</c>.</summary>
    public static SynthDataset.Result WriteClip(SynthOptions o)
    {
        o.Validate();
        var root = Path.GetFullPath(o.Out);
        SynthDataset.PrepareRoot(root, o.Force);
        var v = Write(o, root);
        AtomicFile.WriteAllText(Path.Combine(root, "palette.json"), SynthDataset.PaletteJson());
        return new SynthDataset.Result(root, 0, 0, o.Size, o.PhotoStyle, v.Elapsed);
    }

    /// <summary>The frames, label maps and flows of the clip (in memory), for tests and <see cref="Write"/>.</summary>
    public static (IReadOnlyList<RgbImage> Photos, IReadOnlyList<RgbImage> Labels, IReadOnlyList<FlowField> Flows) Render(
        long seed, int size, int frames, PhotoStyle style)
    {
        int canvas = 4 * size;
        var scene = SynthDataset.SceneFor(seed, "video", 0);
        var photo = SynthDataset.PhotoFor(scene, seed, "video", 0, canvas, style);
        var classes = StreetScenes.RenderClassMap(scene, canvas);
        var photos = new RgbImage[frames];
        var labels = new RgbImage[frames];
        Parallel.For(0, frames, t =>
        {
            var cam = CameraAt(t, frames);
            var p = RgbImage.Create(size, size);
            var l = RgbImage.Create(size, size);
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    var (sx, sy) = cam.Scene(x, y, size);
                    Bilinear(photo, sx * canvas - 0.5, sy * canvas - 0.5, p.Pixels, 3 * (y * size + x));
                    int cx = Math.Clamp((int)(sx * canvas), 0, canvas - 1), cy = Math.Clamp((int)(sy * canvas), 0, canvas - 1);
                    var c = StreetScenes.Palette[classes[cy * canvas + cx]];
                    (l.Pixels[3 * (y * size + x)], l.Pixels[3 * (y * size + x) + 1], l.Pixels[3 * (y * size + x) + 2]) = (c.R, c.G, c.B);
                }
            photos[t] = p;
            labels[t] = l;
        });
        var flows = Enumerable.Range(0, frames - 1).Select(t => Flow(CameraAt(t, frames), CameraAt(t + 1, frames), size)).ToList();
        return (photos, labels, flows);
    }

    static void Bilinear(RgbImage img, double x, double y, byte[] dst, int at)
    {
        x = Math.Clamp(x, 0, img.Width - 1);
        y = Math.Clamp(y, 0, img.Height - 1);
        int x0 = Math.Min((int)x, img.Width - 2), y0 = Math.Min((int)y, img.Height - 2);
        double fx = x - x0, fy = y - y0;
        for (int c = 0; c < 3; c++)
        {
            double v = (1 - fy) * ((1 - fx) * img[y0, x0, c] + fx * img[y0, x0 + 1, c])
                + fy * ((1 - fx) * img[y0 + 1, x0, c] + fx * img[y0 + 1, x0 + 1, c]);
            dst[at + c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
        }
    }

    public static Result Write(SynthOptions o, string root)
    {
        var sw = Stopwatch.StartNew();
        var tool = FfmpegTool.Locate();
        var (photos, labels, flows) = Render(o.Seed, o.Size, o.Frames, o.PhotoStyle);
        foreach (var d in new[] { "frames", "labels", "flow" }) Directory.CreateDirectory(Path.Combine(root, d));
        Parallel.For(0, o.Frames, t =>
        {
            var stem = (t + 1).ToString("D6", CultureInfo.InvariantCulture); // 1-based, as translate --frames_dir
            ImageFile.SavePng(photos[t], Path.Combine(root, "frames", stem + ".png"));
            ImageFile.SavePng(labels[t], Path.Combine(root, "labels", stem + ".png"));
            if (t < flows.Count) flows[t].Save(Path.Combine(root, "flow", stem + ".flo"));
        });
        var info = new VideoInfo("", o.Size, o.Size, 0, $"{Fps}/1", o.Frames, "rawvideo", null);
        using (var writer = new VideoWriter(tool, info, Path.Combine(root, "clip.mp4"), new VideoEncoding(Lossless: true)))
        {
            foreach (var p in photos) writer.Write(p);
            writer.Finish();
        }
        var cams = string.Join(", ", Enumerable.Range(0, o.Frames).Select(t => CameraAt(t, o.Frames))
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"[{c.X:0.######}, {c.Y:0.######}, {c.W:0.######}]")));
        AtomicFile.WriteAllText(Path.Combine(root, "video.json"), string.Create(CultureInfo.InvariantCulture,
            $"{{\"kind\": \"{o.Kind}\", \"size\": {o.Size}, \"frames\": {o.Frames}, \"fps\": {Fps}, \"seed\": {o.Seed}, " +
            $"\"style\": {o.Style}, \"camera_x_y_width\": [{cams}]}}\n"));
        return new Result(root, o.Frames, o.Size, sw.Elapsed);
    }
}
