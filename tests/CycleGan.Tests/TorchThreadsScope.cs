using TorchSharp;

namespace CycleGan.Tests;

/// <summary>
/// libtorch's intra-op thread count for one test, put back on dispose; process-wide, so the test class joins
/// <see cref="TorchThreadsCollection"/>.
/// </summary>
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
