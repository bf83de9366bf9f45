using CycleGan.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Evaluation;

/// <summary>
/// Trains a <see cref="Segmenter"/> with Adam and per-pixel cross-entropy on palette-index targets, from a
/// folder of side-by-side photo|labels files (e.g. facades/train). Augmentation: seeded horizontal flips.
/// </summary>
public static class SegmenterTrainer
{
    /// <summary>Photos (N×3×S×S in [-1, 1]) and targets (N×S×S class indices), from the AB files of a folder.</summary>
    public static (Tensor Photos, Tensor Targets) LoadPairs(string dataroot, Palette palette, SegmenterTrainingOptions o)
    {
        var files = EvalImages.List(dataroot, "_real_A", "training").Values.ToList();
        if (o.MaxImages > 0) files = files.Take(o.MaxImages).ToList();
        var labelSide = o.PhotoSide == AbSide.Left ? AbSide.Right : AbSide.Left;
        using var scope = NewDisposeScope();
        var photos = new List<Tensor>();
        var targets = new List<Tensor>();
        foreach (var f in files)
        {
            var photo = Resample.Bilinear(EvalImages.Load(f, o.PhotoSide), o.ImageSize, o.ImageSize);
            var labelImg = EvalImages.Load(f, labelSide);
            // Class indices are taken at full size and then subsampled, so blurred edge colours are never blended further.
            var idx = Resample.NearestIndexMap(palette.ToIndexMap(labelImg), labelImg.Width, labelImg.Height, o.ImageSize, o.ImageSize);
            photos.Add(Segmenter.ToInput(photo));
            targets.Add(tensor(idx, [1, o.ImageSize, o.ImageSize], ScalarType.Byte));
        }
        var p = cat(photos, 0);
        var t = cat(targets, 0).to_type(ScalarType.Int64);
        return (p.MoveToOuterDisposeScope(), t.MoveToOuterDisposeScope());
    }

    public static Segmenter Train(Tensor photos, Tensor targets, int numClasses, SegmenterTrainingOptions o, Device? device = null,
        Action<SegmenterEpoch, Segmenter>? onEpoch = null)
    {
        o.Validate();
        device ??= CPU;
        torch.manual_seed(o.Seed);
        var net = new Segmenter(numClasses, o.Ngf, o.Levels, o.ImageSize);
        net.to(device);
        net.train();
        using var opt = new AdamOptimizer(net.parameters(), o.Lr);
        var rng = new Random(o.Seed);
        long n = photos.shape[0];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, (int)n).OrderBy(_ => rng.Next()).ToArray();
            double lossSum = 0; long hits = 0, pixels = 0; int batches = 0;
            for (int b = 0; b < n; b += o.BatchSize)
            {
                using var scope = NewDisposeScope();
                var ids = tensor(order.Skip(b).Take(o.BatchSize).Select(i => (long)i).ToArray());
                var x = photos.index_select(0, ids);
                var y = targets.index_select(0, ids);
                if (rng.Next(2) == 1) { x = x.flip(3); y = y.flip(2); }
                x = x.to(device); y = y.to(device);
                opt.ZeroGrad();
                var logits = net.forward(x);
                var loss = nn.functional.cross_entropy(logits, y);
                loss.backward();
                opt.Step();
                lossSum += loss.item<float>();
                using (no_grad())
                {
                    hits += logits.argmax(1).eq(y).sum().item<long>();
                    pixels += y.numel();
                }
                batches++;
            }
            net.eval();
            onEpoch?.Invoke(new SegmenterEpoch(epoch, o.Epochs, lossSum / batches, (double)hits / pixels, clock.Elapsed), net);
            net.train();
        }
        net.eval();
        return net;
    }
}
