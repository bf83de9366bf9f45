using TorchSharp;

namespace CycleGan.Tests;

/// <summary>libtorch's intra-op thread count for one test (it is process-wide); put back on dispose.</summary>
public sealed class TorchThreadsScope : IDisposable
{
    readonly int _before;

    public TorchThreadsScope(int threads)
    {
        TorchRuntime.EnsureLoaded();
        _before = torch.get_num_threads();
        torch.set_num_threads(threads);
    }

    public void Dispose() => torch.set_num_threads(_before);
}
