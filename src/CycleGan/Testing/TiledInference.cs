using static TorchSharp.torch;

namespace CycleGan.Testing;

/// <summary>
/// Translation of an image in overlapping tiles (<c>translate --tile T --overlap O</c>): each tile goes through the
/// network alone and the results are blended with a feathered window — weight ramps linearly over the O pixels a tile
/// shares with a neighbour, 1 elsewhere and at the image's edges — normalised by the summed weights in float64.
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
    /// <summary>Tile positions along one axis: every <c>tile − overlap</c> pixels, the last one flush with the end.</summary>
    public static IReadOnlyList<(int Start, int Length)> Spans(int length, int tile, int overlap)
    {
        if (length <= tile) return [(0, length)];
        var spans = new List<(int, int)>();
        for (int s = 0; s + tile < length; s += tile - overlap) spans.Add((s, tile));
        spans.Add((length - tile, tile));
        return spans;
    }

    /// <summary>
    /// <paramref name="net"/> over the tiles of a [1, C, H, W] CPU tensor, blended; a [1, C', H, W] CPU tensor.
    /// <paramref name="bandRows"/> is the height of the accumulation band that was used.
    /// </summary>
    public static Tensor Run(Tensor input, int tile, int overlap, Func<Tensor, Tensor> net, out int bandRows)
    {
        if (tile <= overlap || overlap < 0) throw new UserError($"--tile {tile} must be larger than --overlap {overlap} (and --overlap at least 0)");
        int h = (int)input.shape[2], w = (int)input.shape[3];
        var ys = Spans(h, tile, overlap);
        var xs = Spans(w, tile, overlap);
        bandRows = ys.Max(s => s.Length);
        float[]? output = null;
        double[] acc = [];
        var weight = new double[bandRows * w];
        int c = 0, bandStart = 0;
        for (int k = 0; k < ys.Count; k++)
        {
            var (y0, th) = ys[k];
            var wy = Feather(y0, th, h, overlap);
            foreach (var (x0, tw) in xs)
            {
                float[] tileOut;
                using (var scope = NewDisposeScope())
                {
                    var part = input[.., .., TensorIndex.Slice(y0, y0 + th), TensorIndex.Slice(x0, x0 + tw)];
                    var y = net(part.contiguous());
                    if (output == null)
                    {
                        c = (int)y.shape[1];
                        output = new float[checked(c * h * w)];
                        acc = new double[checked(c * bandRows * w)];
                    }
                    tileOut = y.to(ScalarType.Float32).contiguous().data<float>().ToArray();
                }
                var wx = Feather(x0, tw, w, overlap);
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
            for (int r = bandStart; r < next; r++)
                for (int col = 0; col < w; col++)
                {
                    int at = (r - bandStart) * w + col;
                    for (int ch = 0; ch < c; ch++) output![(ch * h + r) * w + col] = (float)(acc[ch * bandRows * w + at] / weight[at]);
                }
            int shift = (next - bandStart) * w, keep = bandRows * w - shift;
            Slide(weight, 0, shift, keep);
            for (int ch = 0; ch < c; ch++) Slide(acc, ch * bandRows * w, shift, keep);
            bandStart = next;
        }
        return tensor(output!, [1, c, h, w]);
    }

    /// <summary>Moves a band's rows up by <paramref name="shift"/> values and zeroes what is freed.</summary>
    static void Slide(double[] a, int offset, int shift, int keep)
    {
        Array.Copy(a, offset + shift, a, offset, keep);
        Array.Clear(a, offset + keep, shift);
    }

    /// <summary>The 1-D window of a span: a linear ramp over <paramref name="overlap"/> pixels on each side that has a neighbour.</summary>
    static double[] Feather(int start, int length, int total, int overlap)
    {
        var f = new double[length];
        for (int i = 0; i < length; i++)
        {
            double v = 1;
            if (overlap > 0 && start > 0) v = Math.Min(v, (i + 0.5) / overlap);
            if (overlap > 0 && start + length < total) v = Math.Min(v, (length - i - 0.5) / overlap);
            f[i] = v;
        }
        return f;
    }
}
