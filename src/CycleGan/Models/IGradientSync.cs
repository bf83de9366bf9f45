namespace CycleGan.Models;

/// <summary>
/// The seam for data-parallel training: told the gradients of one optimizer right before its step (after the
/// backward passes are complete), in a fixed order, and averages them in place across the processes.
/// </summary>
public interface IGradientSync
{
    void Average(IReadOnlyList<TorchSharp.torch.Tensor> gradients);
}
