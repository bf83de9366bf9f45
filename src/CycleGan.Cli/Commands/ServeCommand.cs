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
        var checkpoints = new Option<string>("--checkpoints_dir") { Description = "runs are listed from here", DefaultValueFactory = _ => d.CheckpointsDir };
        var results = new Option<string>("--results_dir") { Description = "cyclegan test results (and the study's database) are here", DefaultValueFactory = _ => d.ResultsDir };
        var host = new Option<string>("--host") { Description = "address to listen on; anything but 127.0.0.1 is reachable from the network", DefaultValueFactory = _ => d.Host };
        var port = new Option<int>("--port") { Description = "port to listen on", DefaultValueFactory = _ => d.Port };
        var study = new Option<string[]>("--study") { Description = "perceptual study: cyclegan test results folders, one per method (e.g. results/maps_cyclegan/test_latest)", AllowMultipleArgumentsPerToken = true };
        var direction = new Option<string>("--study_direction") { Description = "AtoB compares real_B with fake_B, BtoA real_A with fake_A", DefaultValueFactory = _ => d.StudyDirection };
        direction.AcceptOnlyFromAmong("AtoB", "BtoA");
        var seconds = new Option<double>("--study_seconds") { Description = "how long each pair is shown", DefaultValueFactory = _ => d.StudySeconds };
        var practice = new Option<int>("--study_practice") { Description = "practice trials (with feedback) per participant", DefaultValueFactory = _ => d.StudyPractice };
        var trials = new Option<int>("--study_trials") { Description = "scored trials per participant", DefaultValueFactory = _ => d.StudyTrials };
        var seed = new Option<int>("--study_seed") { Description = "seed of every participant's trial order and sides", DefaultValueFactory = _ => d.StudySeed };
        var db = new Option<string>("--study_db") { Description = "SQLite file of the answers (default: <results_dir>/perceptual_study.db)", DefaultValueFactory = _ => d.StudyDb };
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
                parse.InvocationConfiguration.Error.WriteLine($"warning: --host {opt.Host} makes the app reachable from the network, without any login");
            using var app = ServeApp.Create(opt);
            app.Start();
            foreach (var url in app.Urls) output.WriteLine($"serving {Path.GetFullPath(opt.CheckpointsDir)} on {url} (Ctrl+C stops)");
            app.WaitForShutdown();
            return 0;
        });
        return cmd;
    }
}
