using System.CommandLine;
using System.Globalization;
using CycleGan.Quickstart;
using CycleGan.Training;
using Spectre.Console;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan quickstart`: the README's first command (see <see cref="QuickstartRunner"/>).</summary>
public static class QuickstartCommand
{
    public static Command Create()
    {
        var d = new QuickstartOptions();
        var output = new Option<string>("--output") { Description = "folder for index.html, scores.json, the data, checkpoints and results", DefaultValueFactory = _ => d.Output };
        var minutes = new Option<double>("--minutes") { Description = "training budget in minutes; training stops cleanly when it is spent", DefaultValueFactory = _ => d.Minutes };
        // Small runs for tests and experiments; the defaults are what users should see.
        var size = Hidden<int>("--size", d.Size);
        var train = Hidden<int>("--train", d.Train);
        var test = Hidden<int>("--test", d.Test);
        var ngf = Hidden<int>("--ngf", d.Ngf);
        var ndf = Hidden<int>("--ndf", d.Ndf);
        var epochs = Hidden<int>("--n_epochs", d.NEpochs);
        var decay = Hidden<int>("--n_epochs_decay", d.NEpochsDecay);
        var lr = Hidden<double>("--lr", d.Lr);
        var identity = Hidden<double>("--lambda_identity", d.LambdaIdentity);
        var seed = Hidden<int>("--seed", d.Seed);
        var device = Hidden<string>("--device", d.Device);
        var precision = new Option<string>("--precision") { Description = "fp32, or bf16: convolutions in bfloat16, weights, norms, losses and optimizer in fp32", DefaultValueFactory = _ => d.Precision };
        var cmd = new Command("quickstart", "Generate a synthetic street dataset, train a small CycleGAN on the CPU (labels ↔ photos) within a time budget, " +
                                            "translate the test scenes, score photo→labels against the true label maps and write index.html and scores.json")
            { output, minutes, precision, size, train, test, ngf, ndf, epochs, decay, lr, identity, seed, device };
        cmd.SetAction(r =>
        {
            var o = new QuickstartOptions
            {
                Output = r.GetValue(output)!, Minutes = r.GetValue(minutes), Size = r.GetValue(size), Train = r.GetValue(train), Test = r.GetValue(test),
                Ngf = r.GetValue(ngf), Ndf = r.GetValue(ndf), NEpochs = r.GetValue(epochs), NEpochsDecay = r.GetValue(decay), Lr = r.GetValue(lr),
                LambdaIdentity = r.GetValue(identity), Seed = r.GetValue(seed), Device = r.GetValue(device)!, Precision = r.GetValue(precision)!,
            };
            o.Validate();
            var stdout = r.InvocationConfiguration.Output;
            TorchRuntime.EnsureLoaded();
            var progress = new ConsoleProgress(stdout);
            QuickstartResult? result = null;
            void Work() => result = QuickstartRunner.Run(o, [progress], progress.OnMessage);
            if (ConsoleProgress.IsInteractive(stdout))
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx => { progress.Attach(ctx); Work(); });
            else
                Work();
            var p = result!.Scores.PhotoToLabels;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"photo→labels pixel accuracy {p.Trained.PixelAccuracy:P1} trained, {p.Untrained.PixelAccuracy:P1} untrained, {p.Identity.PixelAccuracy:P1} identity; " +
                $"mean class IoU {p.Trained.MeanClassIou:P1} trained, {p.Untrained.MeanClassIou:P1} untrained ({result.Scores.TotalSeconds:F0} s in all)"));
            stdout.WriteLine($"open {result.PagePath} (scores in {result.ScoresPath})");
            return 0;
        });
        return cmd;
    }

    static Option<T> Hidden<T>(string name, T value) => new(name) { Hidden = true, DefaultValueFactory = _ => value };
}
