using System.CommandLine;
using CycleGan.Serving;
using Microsoft.Extensions.Hosting;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan serve`: the local web app (see <see cref="ServeApp"/>) until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var cmd = new Command("serve",
            "Local web app: runs with live loss curves and visuals, translation, and the paper's perceptual study");
        var binder = new OptionBinder<ServeOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            var output = parse.InvocationConfiguration.Output;
            if (!opt.IsLoopback)
                parse.InvocationConfiguration.Error.WriteLine(
                    $"warning: --host {opt.Host} makes the app reachable from the network, without any login");
            using var app = ServeApp.Create(opt);
            app.Start();
            foreach (var url in app.Urls) output.WriteLine($"serving {Path.GetFullPath(opt.CheckpointsDir)} on {url} (Ctrl+C stops)");
            app.WaitForShutdown();
            return 0;
        });
        return cmd;
    }
}
