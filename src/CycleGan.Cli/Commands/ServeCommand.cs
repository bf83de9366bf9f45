using System.CommandLine;
using CycleGan.Serving;
using Microsoft.Extensions.Hosting;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan serve`: the local web app (see <see cref="ServeApp"/>) until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var d = new ServeOptions();
        Option<T> Flag<T>(string name, string help, T value) => new("--" + name) { Description = help, DefaultValueFactory = _ => value };
        var checkpoints = Flag("checkpoints_dir", "runs are listed from here", d.CheckpointsDir);
        var results = Flag("results_dir", "cyclegan test results (and the study's database) are here", d.ResultsDir);
        var host = Flag("host", "address to listen on; anything but 127.0.0.1 is reachable from the network", d.Host);
        var port = Flag("port", "port to listen on", d.Port);
        var study = new Option<string[]>("--study")
        {
            Description = "perceptual study: cyclegan test results folders, one per method (e.g. results/maps_cyclegan/test_latest)",
            AllowMultipleArgumentsPerToken = true,
        };
        var direction = Flag("study_direction", "AtoB compares real_B with fake_B, BtoA real_A with fake_A", d.StudyDirection);
        direction.AcceptOnlyFromAmong("AtoB", "BtoA");
        var seconds = Flag("study_seconds", "how long each pair is shown", d.StudySeconds);
        var practice = Flag("study_practice", "practice trials (with feedback) per participant", d.StudyPractice);
        var trials = Flag("study_trials", "scored trials per participant", d.StudyTrials);
        var seed = Flag("study_seed", "seed of every participant's trial order and sides", d.StudySeed);
        var db = Flag("study_db", "SQLite file of the answers (default: <results_dir>/perceptual_study.db)", d.StudyDb);
        var cmd = new Command("serve", "Local web app: runs with live loss curves and visuals, translation, and the paper's perceptual study")
        {
            checkpoints, results, host, port, study, direction, seconds, practice, trials, seed, db,
        };
        cmd.SetAction(parse =>
        {
            var opt = new ServeOptions
            {
                CheckpointsDir = parse.GetValue(checkpoints)!, ResultsDir = parse.GetValue(results)!, Host = parse.GetValue(host)!,
                Port = parse.GetValue(port), StudyResults = parse.GetValue(study) ?? [], StudyDirection = parse.GetValue(direction)!,
                StudySeconds = parse.GetValue(seconds), StudyPractice = parse.GetValue(practice), StudyTrials = parse.GetValue(trials),
                StudySeed = parse.GetValue(seed), StudyDb = parse.GetValue(db)!,
            };
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
