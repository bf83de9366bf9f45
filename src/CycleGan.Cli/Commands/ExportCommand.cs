using System.CommandLine;
using CycleGan.Onnx;
using CycleGan.Options;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan export`: one generator checkpoint to an ONNX model in inference form.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var cmd = new Command("export", "Write a generator checkpoint as an ONNX model (inference form: BatchNorm running "
            + "statistics, no dropout; dynamic batch, height and width), for ONNX Runtime or translate --onnx");
        var binder = new OptionBinder<ExportOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            var meta = OnnxExporter.Export(opt);
            parse.InvocationConfiguration.Output.WriteLine(
                $"wrote {opt.Out}: {meta.NetG} ngf {meta.Ngf} norm {meta.Norm}, opset {opt.Opset}, "
                + $"height and width multiples of {meta.SizeMultiple}" + (opt.Temporal ? "; temporal norms" : ""));
            return 0;
        });
        return cmd;
    }
}
