using System.Diagnostics;
using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Data.Synth;
using CycleGan.Models;
using CycleGan.Networks;
using CycleGan.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;
using ReliabilityCli = CycleGan.Tests.Reliability.Cli;

namespace CycleGan.Tests.Distributed;

/// <summary>
/// `mpirun -np 2 cyclegan train`: two ranks of batch 1 train what one process of batch 2 trains (the rule of
/// reference/steps/README.md for k = 3), the ranks hold bit-identical weights, a killed job resumes exactly,
/// and one dead rank ends the job instead of hanging it.
/// </summary>
public class MpiTrainingTests(ITestOutputHelper output)
{
    const double Lr = 2e-4;
    const int Steps = 3;
    const double AdamSpread3 = 6.44;

    static string[] Common(string data, string ck) =>
    [
        "train", "--dataroot", data, "--checkpoints_dir", ck, "--ngf", "8", "--ndf", "8", "--preprocess", "none",
        "--serial_batches", "--no_flip", "--seed", "5", "--no_html", "--num_threads", "1", "--print_freq", "2",
        "--n_epochs", "1", "--n_epochs_decay", "0",
    ];

    [Fact]
    public async Task Two_ranks_of_batch_1_train_the_cyclegan_weights_of_one_process_of_batch_2_and_agree_bit_for_bit()
    {
        using var dir = TestPaths.NewTempDir("mpi-cyc");
        SynthDataset.Write(new SynthOptions(Out: dir["ds"], Size: 32, Train: 6, Test: 1, Seed: 1));
        string[] args = [.. Common(dir["ds"], dir["ck"]), "--model", "cycle_gan", "--netG", "resnet_6blocks", "--max_dataset_size", "6"];
        await CompareOneByTwoWithTwoByOne(dir, args, "instance", ["G_A", "G_B", "D_A", "D_B"]);
    }

    [Fact]
    public async Task Two_ranks_with_syncbatch_train_the_pix2pix_weights_of_one_process_of_batch_2_with_batch_norm()
    {
        using var dir = TestPaths.NewTempDir("mpi-p2p");
        SynthDataset.Write(new SynthOptions(Out: dir["ds"], Size: 32, Train: 6, Test: 1, Seed: 1));
        // --no_dropout: dropout masks are drawn per process, so 1×2 and 2×1 would draw different ones.
        string[] args = [.. Common(dir["ds"], dir["ck"]), "--model", "pix2pix", "--dataset_mode", "aligned", "--netG", "unet_32",
            "--norm", "syncbatch", "--no_dropout", "--max_dataset_size", "6"];
        await CompareOneByTwoWithTwoByOne(dir, args, "batch", ["G", "D"]);
    }

    async Task CompareOneByTwoWithTwoByOne(TempDir dir, string[] args, string norm, string[] nets)
    {
        await MpiRun.MustSucceed(0, null, [.. args, "--name", "one", "--batch_size", "2"]);
        // The run ends by checking that every rank holds the same weights (an error otherwise), so rank 0's files stand for all.
        var two = await MpiRun.MustSucceed(2, null, [.. args, "--name", "two", "--batch_size", "1"]);
        // Rank 0 alone logs: one start line, not two.
        // (a terminal's keypad-mode escape, ESC [?1h ESC =, may precede the first line where mpirun runs under a tty)
        var lines = System.Text.RegularExpressions.Regex.Replace(two.Stdout, @"\x1b(\[[?0-9;]*[A-Za-z]|[=>])", "").Split('\n');
        var start = Assert.Single(lines, l => l.StartsWith("training ", StringComparison.Ordinal));
        Assert.Contains("batch 1 per rank × 2 ranks", start);
        using (var state = File.OpenRead(Path.Combine(dir["ck"], "two", "train_state", "state.json")))
            Assert.Equal(Steps * 2, JsonDocument.Parse(state).RootElement.GetProperty("TotalIters").GetInt64());
        foreach (var net in nets)
        {
            using var single = PthFile.Read(Path.Combine(dir["ck"], "one", $"latest_net_{net}.pth"));
            using var rank0 = PthFile.Read(Path.Combine(dir["ck"], "two", $"latest_net_{net}.pth"));
            AssertWeightsMatch(net, single, rank0, ZeroGradientBiases(net, norm));
        }
    }

    /// <summary>
    /// reference/steps/README.md after k steps: ≥ 99.9 % of each network's parameter elements within k·1e-5 (biases
    /// that feed an instance norm, whose true gradient is 0, not counted), every element within ADAM_SPREAD[k]·lr;
    /// BatchNorm running statistics within 1e-5 + 1e-4·|ref|, num_batches_tracked equal.
    /// </summary>
    void AssertWeightsMatch(string net, StateDict reference, StateDict actual, IReadOnlySet<string> zeroGradient)
    {
        Assert.Equal(reference.Keys, actual.Keys);
        long counted = 0, close = 0;
        foreach (var k in reference.Keys)
        {
            using var scope = NewDisposeScope();
            var r = reference[k];
            var a = actual[k];
            if (k.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                Assert.True(Same(r, a), $"{net}.{k}: {a.ToInt64()} vs {r.ToInt64()}");
                continue;
            }
            var diff = (a - r).abs();
            if (k.EndsWith("running_mean", StringComparison.Ordinal) || k.EndsWith("running_var", StringComparison.Ordinal))
            {
                Assert.True(diff.le(r.abs() * 1e-4 + 1e-5).all().ToBoolean(), $"{net}.{k}: running statistic off by {diff.max().ToDouble()}");
                continue;
            }
            var max = diff.max().ToDouble();
            Assert.True(max <= AdamSpread3 * Lr, $"{net}.{k}: an element differs by {max} > {AdamSpread3}·lr");
            if (zeroGradient.Contains(k)) continue;
            counted += diff.numel();
            close += diff.le(Steps * 1e-5).sum().ToInt64();
        }
        output.WriteLine($"{net}: {close} of {counted} elements within {Steps}e-5");
        Assert.True(close >= 0.999 * counted, $"{net}: only {close} of {counted} elements within {Steps}e-5");
    }

    static bool Same(Tensor a, Tensor b) => a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().ToBoolean();

    /// <summary>Biases of convolutions followed by an instance norm (their exact gradient is 0; see the steps README).</summary>
    static HashSet<string> ZeroGradientBiases(string net, string norm)
    {
        var result = new HashSet<string>();
        if (norm != "instance") return result;
        var spec = new NetworkSpec { InputNc = 3, OutputNc = 3, Ngf = 8, Ndf = 8, NetG = "resnet_6blocks", Norm = norm, UseDropout = false };
        using var module = net.StartsWith('G') ? NetworkRegistry.CreateGenerator(spec) : NetworkRegistry.CreateDiscriminator(spec, 3);
        foreach (var (name, m) in module.named_modules())
        {
            if (m is not Sequential) continue;
            var children = m.named_children().ToList();
            for (int i = 0; i + 1 < children.Count; i++)
                if (children[i + 1].module is CycleGan.Networks.InstanceNorm && children[i].module.named_parameters(recurse: false).Any(p => p.name == "bias"))
                    result.Add((name.Length > 0 ? name + "." : "") + children[i].name + ".bias");
        }
        Assert.NotEmpty(result);
        return result;
    }

    static string[] LongRun(string data, string ck, string name) =>
    [
        "train", "--dataroot", data, "--checkpoints_dir", ck, "--name", name, "--ngf", "4", "--ndf", "4", "--netG", "resnet_6blocks",
        "--load_size", "32", "--crop_size", "32", "--seed", "2", "--no_html", "--num_threads", "1", "--print_freq", "4",
        "--n_epochs", "6", "--n_epochs_decay", "6", "--save_latest_freq", "4", "--save_epoch_freq", "1",
    ];

    /// <summary>Waits until rank 0 has saved a training state, then kills the rank started last; the job's exit code.</summary>
    async Task<int> KillRankAfterFirstState(Process mpirun, string runDir)
    {
        var stdout = mpirun.StandardOutput.ReadToEndAsync();
        var stderr = mpirun.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (TrainingState.Find(runDir) == null && !mpirun.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3)) await Task.Delay(20);
        // (The message awaits the output, which ends only with the job: build it only once the job has ended.)
        if (mpirun.HasExited) Assert.Fail($"the job ended before its first saved state: {await stderr}\n{await stdout}");
        var pids = MpiRun.RankPids(mpirun, Path.GetDirectoryName(runDir)!);
        Assert.True(pids.Count == 2, $"expected the job's 2 rank processes, found {pids.Count}");
        Process.GetProcessById(pids[^1]).Kill();
        var killedAt = Stopwatch.StartNew();
        // Bounded: Open MPI tears the job down when a rank dies; a hang would fail here.
        await mpirun.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"job ended {killedAt.Elapsed.TotalSeconds:F1} s after a rank was killed, exit {mpirun.ExitCode}");
        output.WriteLine(await stderr);
        return mpirun.ExitCode;
    }

    [Fact]
    public async Task A_two_rank_run_killed_and_resumed_ends_with_the_uninterrupted_two_rank_weights()
    {
        using var dir = TestPaths.NewTempDir("mpi-resume");
        var data = ReliabilityCli.Synth(dir["ds"]);
        await MpiRun.MustSucceed(2, null, LongRun(data, dir["ck"], "whole"));

        var runDir = Path.Combine(dir["ck"], "killed");
        using (var job = MpiRun.Start(2, null, LongRun(data, dir["ck"], "killed")))
            Assert.NotEqual(0, await KillRankAfterFirstState(job, runDir));
        var state = TrainingState.Find(runDir)!;
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(state, "state.json"))))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("WorldSize").GetInt32());
            // 6 images, 12 epochs: 72 samples in all; the kill must have landed before the end.
            Assert.True(doc.RootElement.GetProperty("TotalIters").GetInt64() < 72, "the run finished before it was killed");
        }
        // A 2-rank state does not resume in one process.
        var single = await MpiRun.Run(0, null, [.. LongRun(data, dir["ck"], "killed"), "--continue_train"]);
        Assert.Equal(2, single.Code);
        Assert.Contains("2-process run", single.Stderr);

        await MpiRun.MustSucceed(2, null, [.. LongRun(data, dir["ck"], "killed"), "--continue_train"]);
        foreach (var net in new[] { "G_A", "G_B", "D_A", "D_B" })
        {
            using var a = PthFile.Read(Path.Combine(dir["ck"], "whole", $"latest_net_{net}.pth"));
            using var b = PthFile.Read(Path.Combine(runDir, $"latest_net_{net}.pth"));
            Assert.Equal(a.Keys, b.Keys);
            foreach (var k in a.Keys)
                Assert.True(Same(a[k], b[k]), $"{net}.{k} differs from the uninterrupted 2-rank run");
        }
        using var poolsWhole = SafeTensorsFile.Read(Path.Combine(dir["ck"], "whole", "train_state", "pools.safetensors"));
        using var poolsKilled = SafeTensorsFile.Read(Path.Combine(runDir, "train_state", "pools.safetensors"));
        Assert.Contains(poolsWhole.Keys, k => k.StartsWith("rank1.", StringComparison.Ordinal));
        Assert.Equal(poolsWhole.Keys, poolsKilled.Keys);
        foreach (var k in poolsWhole.Keys)
            Assert.True(Same(poolsWhole[k], poolsKilled[k]), $"pool image {k} differs from the uninterrupted run");
    }

    [Fact]
    public async Task One_killed_rank_ends_the_job_with_a_nonzero_code_and_the_last_checkpoint_loads()
    {
        using var dir = TestPaths.NewTempDir("mpi-kill");
        var data = ReliabilityCli.Synth(dir["ds"]);
        var runDir = Path.Combine(dir["ck"], "job");
        using (var job = MpiRun.Start(2, null, LongRun(data, dir["ck"], "job")))
            Assert.NotEqual(0, await KillRankAfterFirstState(job, runDir));
        var spec = new NetworkSpec { InputNc = 3, OutputNc = 3, Ngf = 4, Ndf = 4, NetG = "resnet_6blocks", Norm = "instance" };
        using var g = NetworkRegistry.CreateGenerator(spec);
        GanModel.LoadNetwork(g, Path.Combine(runDir, "latest_net_G_A.pth"), "G_A");
        using var d = NetworkRegistry.CreateDiscriminator(spec, 3);
        GanModel.LoadNetwork(d, Path.Combine(runDir, "latest_net_D_A.pth"), "D_A");
        Assert.NotNull(TrainingState.Find(runDir));
        // Whatever the teardown interrupted, nothing under a final name is half-written.
        foreach (var f in Directory.GetFiles(runDir, "*_net_*.pth"))
            using (PthFile.Read(f)) { }
    }
}
