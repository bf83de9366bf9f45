using CycleGan.Onnx;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// An exported model run by ONNX Runtime (<see cref="OnnxGenerator"/>), always in its inference form; its channels and
/// size multiple come from the model itself. A wrapper rather than an interface on <see cref="OnnxGenerator"/>, so that
/// Onnx/ stays below Inference/.
/// </summary>
public sealed class OnnxRuntimeGenerator(OnnxGenerator onnx) : IImageGenerator
{
    public int InputChannels => onnx.InputChannels;
    public int SizeMultiple => onnx.SizeMultiple;

    public Tensor Forward(Tensor input) => onnx.Forward(input);

    public void Dispose() => onnx.Dispose();
}
