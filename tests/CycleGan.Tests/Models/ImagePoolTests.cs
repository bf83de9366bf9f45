using CycleGan.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Tests.Models;

public class ImagePoolTests
{
    [Fact]
    public void A_full_pool_returns_and_replaces_images_from_every_slot()
    {
        TorchRuntime.EnsureLoaded();
        using var pool = new ImagePool(3);
        var rng = new Rng(2);
        // Fill: image k is the constant k, returned unchanged while the pool fills.
        for (int k = 0; k < 3; k++)
        {
            using var scope = NewDisposeScope();
            Assert.Equal(k, pool.Query(ones(1, 1, 2, 2) * k, rng).mean().item<float>());
        }
        var fromPool = new HashSet<float>();
        for (int i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            var r = pool.Query(ones(1, 1, 2, 2) * (100f + i), rng).mean().item<float>();
            if (r != 100f + i) fromPool.Add(r);
        }
        // Every slot, the last included, is drawn: each first image comes back, and so do later ones stored in its place.
        Assert.Contains(0f, fromPool);
        Assert.Contains(1f, fromPool);
        Assert.Contains(2f, fromPool);
        Assert.Contains(fromPool, v => v >= 100);
        Assert.Equal(3, pool.Images.Count);
    }
}
