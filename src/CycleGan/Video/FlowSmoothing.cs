using CycleGan.Data;

namespace CycleGan.Video;

/// <summary>
/// <c>--temporal flow</c>: each translated frame is blended with the previous blended frame carried along the input's
/// optical flow, a recursive filter along motion trajectories: F_t = O_t + α·M_t·(warp(F_t−1) − O_t). M_t keeps the
/// pixels whose flow lands inside the previous frame and whose input colour matches there (occlusions, flow errors
/// and new content take the frame's own output). A frame where fewer than <see cref="CutCoverage"/> of the pixels
/// match starts again (a scene cut). It works on the frames, so it runs after any engine.
/// </summary>
public sealed class FlowSmoothing
{
    /// <summary>Largest mean absolute RGB difference (0..255) of the input at a pixel and where its flow lands.</summary>
    public const double MatchTolerance = 12;

    /// <summary>Fewer matching pixels than this share of the frame counts as a scene cut.</summary>
    public const double CutCoverage = 0.3;

    readonly Func<RgbImage, RgbImage, FlowField> _flow;
    RgbImage? _input, _output;

    /// <param name="blend">α, the weight of the carried frame, in [0, 1); 0 is the per-frame output.</param>
    /// <param name="flow">optical flow from its first frame to its second (<see cref="FlowField"/>'s convention).</param>
    public FlowSmoothing(double blend, Func<RgbImage, RgbImage, FlowField> flow)
    {
        if (blend is < 0 or >= 1 || double.IsNaN(blend))
            throw new UserError($"--temporal_blend {blend} must be at least 0 and below 1 (e.g. 0.6)");
        Blend = blend;
        _flow = flow;
    }

    public double Blend { get; }

    /// <summary>Scene cuts found since the clip began.</summary>
    public int Cuts { get; private set; }

    /// <summary>Forgets the carried frame: the next frame starts a new clip.</summary>
    public void Reset()
    {
        _input = _output = null;
        Cuts = 0;
    }

    /// <summary>The smoothed frame for <paramref name="input"/>'s translation <paramref name="output"/>.</summary>
    public RgbImage Next(RgbImage input, RgbImage output)
    {
        if (input.Width != output.Width || input.Height != output.Height || output.Channels != 3)
            throw new ArgumentException("a frame and its translation must be RGB frames of the same size");
        var result = _input == null || _output == null || _input.Width != input.Width || _input.Height != input.Height
            ? output : Carry(_input, _output, input, output);
        _input = input;
        _output = result;
        return result;
    }

    RgbImage Carry(RgbImage prevInput, RgbImage prevOutput, RgbImage input, RgbImage output)
    {
        // backward flow: pixel p of this frame shows what p + flow(p) of the previous one shows
        var back = _flow(input, prevInput);
        int w = input.Width, h = input.Height, ci = input.Channels;
        var blended = RgbImage.Create(w, h);
        var carried = new double[3];
        var seen = new double[ci];
        int matched = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                double sx = x + back.U[i], sy = y + back.V[i];
                bool inside = sx >= 0 && sy >= 0 && sx <= w - 1 && sy <= h - 1;
                double difference = double.PositiveInfinity;
                if (inside)
                {
                    FlowField.SampleRgb(prevInput, sx, sy, seen);
                    difference = 0;
                    for (int c = 0; c < ci; c++) difference += Math.Abs(seen[c] - input.Pixels[i * ci + c]);
                    difference /= ci;
                }
                bool match = difference <= MatchTolerance;
                if (match)
                {
                    matched++;
                    FlowField.SampleRgb(prevOutput, sx, sy, carried);
                }
                for (int c = 0; c < 3; c++)
                {
                    double o = output.Pixels[i * 3 + c];
                    blended.Pixels[i * 3 + c] = (byte)Math.Clamp(Math.Round(match ? o + Blend * (carried[c] - o) : o), 0, 255);
                }
            }
        if (matched < CutCoverage * w * h)
        {
            Cuts++;
            return output;
        }
        return blended;
    }
}
