using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// Translation of an image in overlapping tiles (<c>translate --tile T --overlap O</c>): each tile goes through the
/// network alone and the results are blended with a feathered window — weight ramps linearly across the pixels a tile
/// shares with a neighbour (at least O), 1 elsewhere and at the image's edges — normalised by the summed weights in
/// float64, so that tiles that agree give exactly their common value.
/// Results accumulate in a band one tile high, written out as soon as no later tile reaches them, so the working
/// memory beyond the input and output images is bounded by the tile size (and the image width).
/// </summary>
/// <remarks>
/// A network that computes each pixel from its neighbourhood only would give the untiled result wherever the overlap
/// exceeds its receptive field; instance norm does not (each tile is normalised with its own statistics), so tiled
/// output differs from untiled output and the overlap hides the seams rather than removing the difference.
/// </remarks>
public static class TiledInference
{
    /// <summary>
    /// Tile positions along one axis: the fewest tiles that overlap by at least <paramref name="overlap"/>, spread
    /// evenly from one end to the other (so every seam gets the same, widest possible overlap).
    /// </summary>
    public static IReadOnlyList<(int Start, int Length)> Spans(int length, int tile, int overlap)
    {
        if (length <= tile) return [(0, length)];
        int n = (length - overlap + tile - overlap - 1) / (tile - overlap);
        return Enumerable.Range(0, n).Select(k => ((int)Math.Round((double)k * (length - tile) / (n - 1)), tile)).ToList();
    }

    /// <summary>
    /// <paramref name="net"/> over the tiles of an <paramref name="h"/> × <paramref name="w"/> image, blended into a
    /// [1, C', H, W] CPU tensor. <paramref name="region"/> makes the [1, C, th, tw] input of the tile at
    /// (y, th, x, tw), so the whole input never needs to exist as a tensor. <paramref name="bandRows"/> is the height
    /// of the accumulation band that was used.
    /// </summary>
    public static Tensor Run(int h, int w, Func<int, int, int, int, Tensor> region, int tile, int overlap,
        Func<Tensor, Tensor> net, out int bandRows)
    {
        if (tile <= overlap || overlap < 0) throw new UserError($"--tile {tile} must be larger than " +
            $"--overlap {overlap} (and --overlap at least 0)");
        var ys = Spans(h, tile, overlap);
        var xs = Spans(w, tile, overlap);
        bandRows = ys.Max(s => s.Length);
        Tensor? output = null;
        double[] acc = [];
        var weight = new double[bandRows * w];
        int c = 0, bandStart = 0;
        for (int k = 0; k < ys.Count; k++)
        {
            var (y0, th) = ys[k];
            var wy = Feather(ys, k);
            for (int m = 0; m < xs.Count; m++)
            {
                var (x0, tw) = xs[m];
                float[] tileOut;
                using (var scope = NewDisposeScope())
                {
                    var y = net(region(y0, th, x0, tw));
                    c = (int)y.shape[1];
                    tileOut = y.to(ScalarType.Float32).contiguous().data<float>().ToArray();
                }
                if (output is null)
                {
                    // In the caller's dispose scope: the result outlives the per-tile scopes.
                    output = empty(1, c, h, w);
                    acc = new double[checked(c * bandRows * w)];
                }
                var wx = Feather(xs, m);
                for (int i = 0; i < th; i++)
                    for (int j = 0; j < tw; j++)
                    {
                        double f = wy[i] * wx[j];
                        int at = (y0 - bandStart + i) * w + x0 + j;
                        weight[at] += f;
                        for (int ch = 0; ch < c; ch++) acc[ch * bandRows * w + at] += f * tileOut[(ch * th + i) * tw + j];
                    }
            }
            // Rows above the next tile row get no more contributions: write them out and slide the band up.
            int next = k + 1 < ys.Count ? ys[k + 1].Start : h;
            WriteRows(output!, acc, weight, bandStart, next, bandRows);
            int shift = (next - bandStart) * w, keep = bandRows * w - shift;
            Slide(weight, 0, shift, keep);
            for (int ch = 0; ch < c; ch++) Slide(acc, ch * bandRows * w, shift, keep);
            bandStart = next;
        }
        return output!;
    }

    /// <summary>Rows [from, to) of the band, normalised, straight into the output tensor's memory.</summary>
    static void WriteRows(Tensor output, double[] acc, double[] weight, int from, int to, int bandRows)
    {
        int c = (int)output.shape[1], h = (int)output.shape[2], w = (int)output.shape[3];
        var o = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(output.bytes);
        for (int r = from; r < to; r++)
            for (int col = 0; col < w; col++)
            {
                int at = (r - from) * w + col;
                for (int ch = 0; ch < c; ch++) o[(ch * h + r) * w + col] = (float)(acc[ch * bandRows * w + at] / weight[at]);
            }
    }

    /// <summary>Moves a band's rows up by <paramref name="shift"/> values and zeroes what is freed.</summary>
    static void Slide(double[] a, int offset, int shift, int keep)
    {
        Array.Copy(a, offset + shift, a, offset, keep);
        Array.Clear(a, offset + keep, shift);
    }

    /// <summary>
    /// The 1-D window of span <paramref name="k"/>: a linear ramp across the whole overlap with each neighbour, 1
    /// elsewhere (and at the image's edges). Never 0, so every pixel has weight.
    /// </summary>
    static double[] Feather(IReadOnlyList<(int Start, int Length)> spans, int k)
    {
        var (start, length) = spans[k];
        int left = k > 0 ? spans[k - 1].Start + spans[k - 1].Length - start : 0;
        int right = k + 1 < spans.Count ? start + length - spans[k + 1].Start : 0;
        var f = new double[length];
        for (int i = 0; i < length; i++)
        {
            double v = 1;
            if (left > 0) v = Math.Min(v, (i + 0.5) / left);
            if (right > 0) v = Math.Min(v, (length - i - 0.5) / right);
            f[i] = v;
        }
        return f;
    }
}
