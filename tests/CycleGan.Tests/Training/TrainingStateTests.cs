using System.Text.Json.Nodes;
using CycleGan.Models;
using CycleGan.Data.Synth;
using CycleGan.Options;
using CycleGan.Tests.Cli;
using CycleGan.Training;

namespace CycleGan.Tests.Training;

public class TrainingStateTests
{
    sealed class StopAt(int iteration, CancellationTokenSource stop) : ITrainingObserver
    {
        public void OnIteration(IterationInfo info)
        {
            if (info.TotalIters == iteration) stop.Cancel();
        }
    }

    [Fact]
    public void Continue_train_on_a_state_of_a_newer_format_stops_with_one_line_naming_both_versions_and_exit_2()
    {
        using var tmp = TestPaths.NewTempDir("statever");
        SynthDataset.Write(new SynthOptions(tmp["data"], Size: 32, Train: 4, Test: 1));
        var opt = TrainOptions.For("cycle_gan") with
        {
            Dataroot = tmp["data"], CheckpointsDir = tmp["ck"], Name = "v", Compute = new() { Device = "cpu" }, Seed = 3, NoDropout = true,
            NetG = "resnet_6blocks", Ngf = 4, Ndf = 4, LoadSize = 32, CropSize = 32, NEpochs = 1, NEpochsDecay = 1, NoHtml = true,
        };
        using var stop = new CancellationTokenSource();
        new Trainer(opt, [new StopAt(1, stop)]).Run(stop: stop.Token);
        var stateDir = TrainingState.Find(tmp["ck/v"]) ?? throw new InvalidOperationException("no state saved");
        var stateJson = Path.Combine(stateDir, "state.json");
        var doc = JsonNode.Parse(File.ReadAllText(stateJson))!;
        Assert.Equal(TrainingState.FormatVersion, (int)doc["Version"]!);
        var newer = TrainingState.FormatVersion + 1;
        doc["Version"] = newer;
        File.WriteAllText(stateJson, doc.ToJsonString());

        var r = CliRunner.Run("train", "--dataroot", tmp["data"], "--checkpoints_dir", tmp["ck"], "--name", "v", "--device", "cpu",
            "--seed", "3", "--no_dropout", "--netG", "resnet_6blocks", "--ngf", "4", "--ndf", "4", "--load_size", "32",
            "--crop_size", "32", "--n_epochs", "1", "--n_epochs_decay", "1", "--no_html", "--continue_train");

        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains($"format version {newer}", line);
        Assert.Contains($"reads ({TrainingState.FormatVersion})", line);
        Assert.Equal(newer, (int)JsonNode.Parse(File.ReadAllText(stateJson))!["Version"]!); // the state is left as it was
    }
}
