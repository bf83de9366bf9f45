using CycleGan.Networks;
using CycleGan.Onnx;
using static TorchSharp.torch;

namespace CycleGan.Inference;

/// <summary>
/// <c>--temporal norm</c> in ONNX Runtime: a temporal export (<see cref="TemporalNormGraph"/>) whose carried
/// instance-norm statistics are kept between the frames of a clip and fed back, so each frame computes what
/// <see cref="TemporalNorm"/> computes in TorchSharp — the frame's own statistics on a clip's first frame and at a
/// scene cut, the moving average otherwise.
/// </summary>
public sealed class TemporalOnnxGenerator : IImageGenerator
{
    readonly OnnxGenerator _onnx;
    readonly float _momentum;
    float[][]? _carried;
    long _batch;

    public TemporalOnnxGenerator(OnnxGenerator onnx, double momentum)
    {
        if (!onnx.IsTemporal) throw new ArgumentException("not a temporal model", nameof(onnx));
        _momentum = (float)TemporalNorm.CheckMomentum(momentum);
        _onnx = onnx;
    }

    public int InputChannels => _onnx.InputChannels;
    public int SizeMultiple => _onnx.SizeMultiple;

    /// <summary>Scene cuts found since the clip began (as <see cref="TemporalNorm.Cuts"/>).</summary>
    public int Cuts { get; private set; }

    public Tensor Forward(Tensor input)
    {
        using var cpu = input.detach().cpu().contiguous();
        // as TemporalNorm: statistics of another batch size are no past of this frame
        var first = _carried is null || _batch != cpu.shape[0];
        var step = _onnx.Step(cpu.data<float>().ToArray(), cpu.shape, first ? 0 : _momentum, first ? null : _carried);
        if (!first && step.Cut) Cuts++;
        _carried = step.Carried;
        _batch = cpu.shape[0];
        return tensor(step.Data, step.Shape);
    }

    public void BeginClip()
    {
        _carried = null;
        Cuts = 0;
    }

    public void Dispose() => _onnx.Dispose();
}
