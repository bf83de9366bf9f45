using CycleGan.Data;
using CycleGan.Video;

namespace CycleGan.Evaluation;

/// <summary>
/// The warping error of Lai et al. 2018 ("Learning Blind Video Temporal Consistency"): for each pair of frames, frame
/// t+1 is warped to frame t with the input's optical flow (bilinear) and compared with frame t at the pixels of the
/// non-occlusion mask, E_pair = Σ M·‖V_t − warp(V_t+1)‖² / Σ M (over pixels and RGB channels in [0, 1]);
/// E_warp is the mean over pairs. The mask is Ruder et al.'s (2016): a pixel counts when its flow lands inside the
/// next frame, off motion boundaries (|∇u|² + |∇v|² ≤ 0.01|w|² + 0.002), and, given a backward flow, when forward and
/// backward agree (|w + ŵ|² ≤ 0.01(|w|² + |ŵ|²) + 0.5).
/// </summary>
public static class TemporalConsistency
{
    /// <summary>1 where a pixel of frame t is compared, else 0.</summary>
    public static float[] Mask(FlowField forward, FlowField? backward = null)
    {
        int w = forward.Width, h = forward.Height;
        var m = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                double u = forward.U[i], v = forward.V[i], tx = x + u, ty = y + v;
                if (tx < 0 || ty < 0 || tx > w - 1 || ty > h - 1) continue;
                double ux = Diff(forward.U, x, y, w, h, 1, 0), uy = Diff(forward.U, x, y, w, h, 0, 1);
                double vx = Diff(forward.V, x, y, w, h, 1, 0), vy = Diff(forward.V, x, y, w, h, 0, 1);
                double len2 = u * u + v * v;
                if (ux * ux + uy * uy + vx * vx + vy * vy > 0.01 * len2 + 0.002) continue;
                if (backward != null)
                {
                    double bu = Sample(backward.U, w, h, tx, ty), bv = Sample(backward.V, w, h, tx, ty);
                    double su = u + bu, sv = v + bv;
                    if (su * su + sv * sv > 0.01 * (len2 + bu * bu + bv * bv) + 0.5) continue;
                }
                m[i] = 1;
            }
        return m;
    }

    /// <summary>E_pair of frames <paramref name="a"/> (t) and <paramref name="b"/> (t+1); NaN when the mask is empty.</summary>
    public static double PairError(RgbImage a, RgbImage b, FlowField flow, float[] mask)
    {
        if (a.Width != flow.Width || a.Height != flow.Height || b.Width != a.Width || b.Height != a.Height || a.Channels != b.Channels)
            throw new UserError($"frames of {a.Width}x{a.Height} and {b.Width}x{b.Height} do not fit a {flow.Width}x{flow.Height} flow");
        int w = a.Width, h = a.Height, c = a.Channels;
        double sum = 0, n = 0;
        var plane = new float[w * h];
        for (int ch = 0; ch < c; ch++)
        {
            for (int i = 0; i < plane.Length; i++) plane[i] = b.Pixels[i * c + ch] / 255f;
            for (int i = 0; i < plane.Length; i++)
            {
                if (mask[i] == 0) continue;
                int x = i % w, y = i / w;
                double d = a.Pixels[i * c + ch] / 255f - Sample(plane, w, h, x + flow.U[i], y + flow.V[i]);
                sum += d * d;
                n++;
            }
        }
        return n > 0 ? sum / n : double.NaN;
    }

    /// <summary>Scores a translation: <paramref name="flows"/>[t] is the input's flow from frame t to t+1.</summary>
    public static TemporalScores Score(IReadOnlyList<RgbImage> inputs, IReadOnlyList<RgbImage> outputs, IReadOnlyList<FlowField> flows,
        string flowSource, IReadOnlyList<FlowField>? backward = null)
    {
        if (inputs.Count != outputs.Count)
            throw new UserError($"the input has {inputs.Count} frames and the output {outputs.Count}; score a translation of the input");
        if (inputs.Count < 2) throw new UserError("a warping error needs at least 2 frames");
        if (flows.Count < inputs.Count - 1)
            throw new UserError($"{inputs.Count} frames need {inputs.Count - 1} flows (frame t to t+1); found {flows.Count}");
        var pairs = new TemporalPair[inputs.Count - 1];
        Parallel.For(0, pairs.Length, t =>
        {
            var mask = Mask(flows[t], backward?[t]);
            double eo = PairError(outputs[t], outputs[t + 1], flows[t], mask), ei = PairError(inputs[t], inputs[t + 1], flows[t], mask);
            pairs[t] = new TemporalPair(t, eo, ei, eo / ei, mask.Average(v => (double)v));
        });
        var valid = pairs.Where(p => !double.IsNaN(p.OutputError)).ToList();
        double o = valid.Count > 0 ? valid.Average(p => p.OutputError) : double.NaN;
        double i = valid.Count > 0 ? valid.Average(p => p.InputError) : double.NaN;
        return new TemporalScores(inputs.Count, o, i, o / i, flowSource, pairs);
    }

    /// <summary>
    /// Reads both videos and scores them (<c>cyclegan eval temporal</c>): with the flow files of <c>--flow</c>, or else
    /// with <see cref="OpticalFlow"/> on the input frames, forward (t to t+1) and backward (t+1 to t) for Ruder's
    /// consistency test.
    /// </summary>
    public static TemporalScores ScoreFiles(TemporalEvalOptions o, FfmpegTool? tool = null)
    {
        tool ??= FfmpegTool.Locate();
        var inputs = ReadAll(tool, o.Input);
        var outputs = ReadAll(tool, o.Output);
        if (inputs.Count > 0 && outputs.Count > 0 && (inputs[0].Width != outputs[0].Width || inputs[0].Height != outputs[0].Height))
            throw new UserError($"{o.Output} is {outputs[0].Width}x{outputs[0].Height}, its input {inputs[0].Width}x{inputs[0].Height}");
        if (o.Flow is { } dir)
        {
            if (!Directory.Exists(dir)) throw new UserError($"--flow {dir} is not a folder");
            var files = Directory.GetFiles(dir, "*.flo").Order(StringComparer.Ordinal).Select(FlowField.Load).ToList();
            return Score(inputs, outputs, files, $"flow files of {dir}");
        }
        int pairs = Math.Max(0, inputs.Count - 1);
        var forward = new FlowField[pairs];
        var backward = new FlowField[pairs];
        Parallel.For(0, pairs, t =>
        {
            forward[t] = OpticalFlow.Estimate(inputs[t], inputs[t + 1]);
            backward[t] = OpticalFlow.Estimate(inputs[t + 1], inputs[t]);
        });
        string source = inputs.Count > 0 ? OpticalFlow.Source(inputs[0].Width, inputs[0].Height) : "no frames";
        return Score(inputs, outputs, forward, source, backward);
    }

    static List<RgbImage> ReadAll(FfmpegTool tool, string path)
    {
        using var r = new VideoReader(tool, VideoProbe.Probe(tool, path));
        return r.Frames().ToList();
    }

    /// <summary>Bilinear sample of a plane at (x, y), clamped to the edge.</summary>
    static double Sample(float[] plane, int w, int h, double x, double y)
    {
        x = Math.Clamp(x, 0, w - 1);
        y = Math.Clamp(y, 0, h - 1);
        int x0 = Math.Min((int)x, Math.Max(0, w - 2)), y0 = Math.Min((int)y, Math.Max(0, h - 2));
        int x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        double fx = x - x0, fy = y - y0;
        return (1 - fy) * ((1 - fx) * plane[y0 * w + x0] + fx * plane[y0 * w + x1]) + fy * ((1 - fx) * plane[y1 * w + x0] + fx * plane[y1 * w + x1]);
    }

    /// <summary>Central difference of a flow component along (dx, dy), one-sided at the border.</summary>
    static double Diff(float[] f, int x, int y, int w, int h, int dx, int dy)
    {
        int xa = Math.Clamp(x - dx, 0, w - 1), ya = Math.Clamp(y - dy, 0, h - 1), xb = Math.Clamp(x + dx, 0, w - 1), yb = Math.Clamp(y + dy, 0, h - 1);
        int span = Math.Max(1, (xb - xa) + (yb - ya));
        return (f[yb * w + xb] - f[ya * w + xa]) / (double)span;
    }
}
