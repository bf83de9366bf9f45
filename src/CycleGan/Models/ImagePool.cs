using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>
/// The official history buffer of generated images (<c>util/image_pool.py</c>). Until <see cref="PoolSize"/> images
/// are stored, each image is stored and returned unchanged (no random draw). Once full, with probability 1/2 a random
/// stored image is returned and replaced by the new one, otherwise the new one is returned. Stored tensors live
/// outside any dispose scope and are owned by the pool.
/// </summary>
public sealed class ImagePool : IDisposable
{
    readonly List<Tensor> _images = [];

    public int PoolSize { get; }
    public IReadOnlyList<Tensor> Images => _images;

    public ImagePool(int poolSize) => PoolSize = poolSize;

    public Tensor Query(Tensor images, Rng rng)
    {
        if (PoolSize == 0) return images;
        var result = new List<Tensor>();
        var n = images.shape[0];
        for (long i = 0; i < n; i++)
        {
            var image = images[i].unsqueeze(0).detach();
            if (_images.Count < PoolSize)
            {
                _images.Add(image.clone().DetachFromDisposeScope());
                result.Add(image);
            }
            else if (rng.NextDouble() > 0.5)
            {
                var k = rng.NextInt(PoolSize);
                result.Add(_images[k].clone());
                _images[k].Dispose();
                _images[k] = image.clone().DetachFromDisposeScope();
            }
            else
            {
                result.Add(image);
            }
        }
        return cat(result, 0);
    }

    /// <summary>Restores stored images (from a training-state file); the pool takes ownership.</summary>
    public void Restore(IEnumerable<Tensor> images)
    {
        Clear();
        foreach (var t in images) _images.Add(t.DetachFromDisposeScope());
    }

    public void Clear()
    {
        foreach (var t in _images) t.Dispose();
        _images.Clear();
    }

    public void Dispose() => Clear();
}
