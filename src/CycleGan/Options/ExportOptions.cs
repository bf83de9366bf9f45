namespace CycleGan.Options;

/// <summary>
/// Options of <c>cyclegan export</c>: one generator checkpoint written as an ONNX model. The network flags are the
/// generator's (<see cref="GeneratorOptions"/>), as for <c>translate</c>.
/// </summary>
public record ExportOptions : GeneratorOptions
{
    [Option("checkpoint", "generator checkpoint (.pth, zip or legacy, or .safetensors), e.g. latest_net_G_A.pth")]
    public string Checkpoint { get; set; } = "";
    [Option("out", "the ONNX file to write (written to a temp file and renamed into place)")]
    public string Out { get; set; } = "";
    [Option("opset", "ONNX opset version of the model (11 to 21)")]
    public int Opset { get; set; } = Onnx.OnnxExporter.DefaultOpset;
    [Option("temporal", "for translate --onnx --temporal norm: instance norms that take the statistics carried "
        + "from the previous video frame as inputs and return them as outputs")]
    public bool Temporal { get; set; }
}
