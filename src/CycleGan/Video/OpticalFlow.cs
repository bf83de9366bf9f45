using System.Runtime.InteropServices;
using CycleGan.Data;
using OpenCvSharp;

namespace CycleGan.Video;

/// <summary>
/// Dense optical flow between two frames, for <c>eval temporal</c> on clips without an exact flow: OpenCV's
/// Farnebäck method on grey frames (OpenCvSharp4 4.13 has no DISOpticalFlow: neither the wrapper nor its native
/// library's exports). Parameters measured on the synthetic pan (docs/video.md): a 5-level pyramid, 3 iterations, polynomial
/// neighbourhood 7 (σ 1.5), and an averaging window of a sixth of the shorter side, 15–63 px.
/// </summary>
public static class OpticalFlow
{
    const double PyramidScale = 0.5, PolySigma = 1.5;
    const int Levels = 5, Iterations = 3, PolyN = 7;

    /// <summary>What the scores' <c>FlowSource</c> says for frames of this size.</summary>
    public static string Source(int width, int height) =>
        $"Farneback optical flow (OpenCV 4.13, {Window(width, height)} px window)";

    /// <summary>The averaging window: wider windows follow larger motions (the 256 px pan moves ~6 px a frame).</summary>
    public static int Window(int width, int height) => Math.Clamp(Math.Min(width, height) / 6 | 1, 15, 63);

    /// <summary>The flow from <paramref name="from"/> to <paramref name="to"/>, as <see cref="FlowField"/> means it.</summary>
    public static FlowField Estimate(RgbImage from, RgbImage to)
    {
        if (from.Width != to.Width || from.Height != to.Height)
            throw new UserError(
                $"optical flow between frames of {from.Width}x{from.Height} and {to.Width}x{to.Height}");
        int w = from.Width, h = from.Height;
        using var a = Grey(from);
        using var b = Grey(to);
        using var flow = new Mat();
        Cv2.CalcOpticalFlowFarneback(a, b, flow, PyramidScale, Levels, Window(w, h), Iterations, PolyN, PolySigma,
            OpticalFlowFlags.None);
        // CV_32FC2, continuous: u, v per pixel, FlowField's convention (prev(y, x) ~ next(y + v, x + u)).
        var uv = new float[2 * w * h];
        Marshal.Copy(flow.Data, uv, 0, uv.Length);
        var f = FlowField.Zero(w, h);
        for (int i = 0; i < w * h; i++)
        {
            f.U[i] = uv[2 * i];
            f.V[i] = uv[2 * i + 1];
        }
        return f;
    }

    /// <summary>A grey copy of a 3-channel RGB or 1-channel image (the pixels pinned only while it is made).</summary>
    static Mat Grey(RgbImage img)
    {
        var grey = new Mat();
        var type = img.Channels == 1 ? MatType.CV_8UC1 : MatType.CV_8UC3;
        using var src = Mat.FromPixelData(img.Height, img.Width, type, img.Pixels);
        if (img.Channels == 1) src.CopyTo(grey);
        else Cv2.CvtColor(src, grey, ColorConversionCodes.RGB2GRAY);
        return grey;
    }
}
