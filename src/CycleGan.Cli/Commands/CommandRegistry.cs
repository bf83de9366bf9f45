using System.CommandLine;

namespace CycleGan.Cli.Commands;

/// <summary>Every sub-command of `cyclegan`; a new command is one file in this folder plus one line here.</summary>
public static class CommandRegistry
{
    public static IEnumerable<Command> All() =>
    [
        TrainCommand.Create(),
        TestCommand.Create(),
        TranslateCommand.Create(),
        ExportCommand.Create(),
        EvalCommand.Create(),
        DatasetsCommand.Create(),
        DownloadCommand.Create(),
        QuickstartCommand.Create(),
        BenchCommand.Create(),
        ReproduceCommand.Create(),
        ServeCommand.Create(),
        DoctorCommand.Create(),
        ShardsCommand.Create(),
    ];
}
