using CycleGan.Models;
using CycleGan.Checkpoints;
using CycleGan.Data.Synth;
using CycleGan.Options;
using CycleGan.Training;
using TorchSharp;

namespace CycleGan.Tests.Cli;

/// <summary>Tiny trainings end to end through the CLI, and the exactness of seeded runs and resumes.</summary>
public class TrainCommandTests
{
    static string[] Tiny(string dataroot, string ck, string name, params string[] extra) =>
    [
        "train", "--dataroot", dataroot, "--name", name, "--checkpoints_dir", ck, "--ngf", "4", "--ndf", "4",
        "--netG", "resnet_6blocks", "--load_size", "36", "--crop_size", "32", "--n_epochs", "1", "--n_epochs_decay", "1",
        "--seed", "3", "--print_freq", "2", "--display_freq", "4", "--update_html_freq", "4", "--save_latest_freq", "4", .. extra,
    ];

    static void MakeData(string dir) => SynthDataset.Write(new SynthOptions(Out: dir, Size: 32, Train: 5, Test: 2, Seed: 1));

    static void AssertSameWeights(string fileA, string fileB)
    {
        using var a = PthFile.Read(fileA);
        using var b = PthFile.Read(fileB);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var k in a.Keys)
            Assert.True(a[k].eq(b[k]).all().item<bool>(), $"{Path.GetFileName(fileA)}: {k} differs");
    }

    [Fact]
    public void CycleGan_trains_end_to_end_writes_the_official_files_and_cyclegan_test_uses_them()
    {
        using var tmp = TestPaths.NewTempDir("train-cycle");
        MakeData(tmp["data"]);
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "cg"));
        var run = tmp["ck/cg"];
        foreach (var net in new[] { "G_A", "G_B", "D_A", "D_B" })
        {
            Assert.True(File.Exists(Path.Combine(run, $"latest_net_{net}.pth")), net);
            using var sd = PthFile.Read(Path.Combine(run, $"latest_net_{net}.pth"));
            Assert.True(sd.Count > 0);
        }
        foreach (var f in new[] { "train_opt.txt", "loss_log.txt", "loss_log.jsonl", "web/index.html", "web/loss.png", "train_state/state.json" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);
        Assert.Contains("lambda_identity: 0.5", File.ReadAllText(Path.Combine(run, "train_opt.txt")));
        var jsonl = File.ReadAllLines(Path.Combine(run, "loss_log.jsonl"));
        Assert.Equal(5, jsonl.Length); // 10 iterations, printed every 2
        foreach (var name in new[] { "\"D_A\"", "\"G_A\"", "\"cycle_A\"", "\"idt_A\"", "\"D_B\"", "\"G_B\"", "\"cycle_B\"", "\"idt_B\"", "\"epoch\"", "\"iters\"" })
            Assert.Contains(name, jsonl[0]);
        Assert.Matches(@"^\(epoch: 1, iters: 2, time: \d+\.\d{3}, data: \d+\.\d{3}\) D_A: \d+\.\d{3} G_A: ", File.ReadAllLines(Path.Combine(run, "loss_log.txt"))[1]);

        CliRunner.MustSucceed("test", "--dataroot", tmp["data"], "--name", "cg", "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"],
            "--model", "cycle_gan", "--ngf", "4", "--netG", "resnet_6blocks", "--load_size", "32", "--crop_size", "32");
        var images = Directory.GetFiles(tmp["results/cg/test_latest/images"]).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(2 * 6, images.Count);
        Assert.Contains("t_00000_fake_B.png", images);
        Assert.Contains("t_00001_rec_A.png", images);
    }

    [Fact]
    public void Pix2Pix_trains_on_aligned_pairs_and_cyclegan_test_writes_its_three_visuals()
    {
        using var tmp = TestPaths.NewTempDir("train-p2p");
        MakeData(tmp["data"]);
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "p2p", "--model", "pix2pix"));
        Assert.True(File.Exists(tmp["ck/p2p/latest_net_G.pth"]));
        Assert.True(File.Exists(tmp["ck/p2p/latest_net_D.pth"]));
        var opt = File.ReadAllText(tmp["ck/p2p/train_opt.txt"]);
        Assert.Contains("dataset_mode: aligned", opt);
        Assert.Contains("norm: batch", opt);
        Assert.Contains("\"G_GAN\"", File.ReadAllLines(tmp["ck/p2p/loss_log.jsonl"])[0]);
        CliRunner.MustSucceed("test", "--dataroot", tmp["data"], "--name", "p2p", "--checkpoints_dir", tmp["ck"], "--results_dir", tmp["results"],
            "--model", "pix2pix", "--ngf", "4", "--netG", "resnet_6blocks", "--load_size", "32", "--crop_size", "32");
        var images = Directory.GetFiles(tmp["results/p2p/test_latest/images"]).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["t_00000_fake_B.png", "t_00000_real_A.png", "t_00000_real_B.png", "t_00001_fake_B.png", "t_00001_real_A.png", "t_00001_real_B.png"], images);
    }

    [Fact]
    public void Same_seed_gives_identical_loss_logs_and_weights()
    {
        using var tmp = TestPaths.NewTempDir("train-seed");
        MakeData(tmp["data"]);
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "one", "--no_html"));
        CliRunner.MustSucceed(Tiny(tmp["data"], tmp["ck"], "two", "--no_html"));
        Assert.Equal(File.ReadAllText(tmp["ck/one/loss_log.jsonl"]), File.ReadAllText(tmp["ck/two/loss_log.jsonl"]));
        foreach (var net in new[] { "G_A", "G_B", "D_A", "D_B" })
            AssertSameWeights(tmp[$"ck/one/latest_net_{net}.pth"], tmp[$"ck/two/latest_net_{net}.pth"]);
    }

    sealed class StopAt(long iteration, CancellationTokenSource cts) : ITrainingObserver
    {
        public void OnIteration(IterationInfo info)
        {
            if (info.TotalIters == iteration) cts.Cancel();
        }
    }

    static TrainOptions TinyOptions(string dataroot, string ck, string name) => TrainOptions.For("cycle_gan") with
    {
        Dataroot = dataroot, CheckpointsDir = ck, Name = name, NoDropout = true, Ngf = 4, Ndf = 4, NetG = "resnet_6blocks",
        LoadSize = 36, CropSize = 32, NEpochs = 1, NEpochsDecay = 1, Seed = 3, PrintFreq = 2, DisplayFreq = 100, SaveLatestFreq = 4,
        NoHtml = true, PoolSize = 3,
    };

    [Fact]
    public void A_run_stopped_mid_epoch_and_continued_ends_with_the_same_weights_as_an_uninterrupted_run()
    {
        TorchRuntime.EnsureLoaded();
        using var tmp = TestPaths.NewTempDir("resume");
        MakeData(tmp["data"]);
        var full = TinyOptions(tmp["data"], tmp["ck"], "full");
        new Trainer(full, [new LossLog(tmp["ck/full"])]).Run();

        // Stopped after 7 iterations (the state was saved at 4), then --continue_train: iterations 5..10 are redone.
        var cut = TinyOptions(tmp["data"], tmp["ck"], "cut");
        using (var cts = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() => new Trainer(cut, [new LossLog(tmp["ck/cut"]), new StopAt(7, cts)]).Run(cts.Token));
        new Trainer(cut with { ContinueTrain = true }, [new LossLog(tmp["ck/cut"])]).Run();

        foreach (var net in new[] { "G_A", "G_B", "D_A", "D_B" })
            AssertSameWeights(tmp[$"ck/full/latest_net_{net}.pth"], tmp[$"ck/cut/latest_net_{net}.pth"]);
        Assert.Equal(File.ReadAllText(tmp["ck/full/loss_log.jsonl"]), File.ReadAllText(tmp["ck/cut/loss_log.jsonl"]));
    }
}
