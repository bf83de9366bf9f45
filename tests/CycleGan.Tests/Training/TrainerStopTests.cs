using CycleGan.Models;
using CycleGan.Data.Synth;
using CycleGan.Options;
using CycleGan.Training;

namespace CycleGan.Tests.Training;

public class TrainerStopTests
{
    sealed class StopAfter(int iterations, CancellationTokenSource stop) : ITrainingObserver
    {
        public List<long> Iterations { get; } = [];

        public void OnIteration(IterationInfo info)
        {
            Iterations.Add(info.TotalIters);
            if (Iterations.Count == iterations) stop.Cancel();
        }
    }

    static TrainOptions Tiny(string data, string checkpoints) => TrainOptions.For("cycle_gan") with
    {
        Dataroot = data, CheckpointsDir = checkpoints, Name = "stop", Compute = new() { Device = "cpu" }, Seed = 3, NoDropout = true,
        NetG = "resnet_6blocks", Ngf = 4, Ndf = 4, LoadSize = 32, CropSize = 32, NEpochs = 1, NEpochsDecay = 1,
        NoHtml = true, PrintFreq = 1,
    };

    [Fact]
    public void Stop_request_saves_latest_with_the_training_state_and_continue_train_resumes_at_the_next_iteration()
    {
        using var tmp = TestPaths.NewTempDir("trainstop");
        SynthDataset.Write(new SynthOptions(tmp["data"], Size: 32, Train: 6, Test: 1));
        using var stop = new CancellationTokenSource();
        var first = new StopAfter(4, stop);
        var outcome = new Trainer(Tiny(tmp["data"], tmp["ck"]), [first]).Run(stop: stop.Token);

        Assert.True(outcome.StoppedEarly);
        Assert.Equal(4, outcome.TotalIters);
        Assert.Equal([1, 2, 3, 4], first.Iterations);
        Assert.True(File.Exists(tmp["ck/stop/latest_net_G_B.pth"]));
        Assert.NotNull(TrainingState.Find(tmp["ck/stop"]));

        var resumed = new StopAfter(int.MaxValue, stop);
        var rest = new Trainer(Tiny(tmp["data"], tmp["ck"]) with { ContinueTrain = true }, [resumed]).Run();
        Assert.False(rest.StoppedEarly);
        Assert.Equal(Enumerable.Range(5, 8).Select(i => (long)i), resumed.Iterations);
        Assert.Equal(12, rest.TotalIters);
    }
}
