using System.CommandLine;
using CycleGan.Data;
using CycleGan.Options;
using CycleGan.Testing;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan translate`: one generator over files of any size, output the same size as the input.</summary>
public static class TranslateCommand
{
    public static Command Create()
    {
        var cmd = new Command("translate", "Translate image files of any size with one generator checkpoint (pads to what the network needs and crops back)");
        var binder = new OptionBinder<TranslateOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            var output = parse.InvocationConfiguration.Output;
            if (string.IsNullOrEmpty(opt.Output)) throw new UserError("--output is required");
            var inputs = Translator.Inputs(opt.Input);
            using var translator = new Translator(opt);
            AtomicFile.CreateDirectory(opt.Output);
            void One(string path) => translator.TranslateFile(path, opt.Output);
            if (ConsoleProgress.IsInteractive(output))
                AnsiConsole.Progress().Start(ctx =>
                {
                    var task = ctx.AddTask("translating", maxValue: inputs.Count);
                    foreach (var p in inputs) { One(p); task.Increment(1); }
                });
            else
                foreach (var p in inputs) One(p);
            output.WriteLine($"translated {inputs.Count} image(s) into {opt.Output}");
            return 0;
        });
        return cmd;
    }
}
