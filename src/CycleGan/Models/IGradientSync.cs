namespace CycleGan.Models;

public interface IGradientSync { void Average(IReadOnlyList<TorchSharp.torch.Tensor> gradients); }
