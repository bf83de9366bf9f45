using CycleGan.Models;
using CycleGan.Data;
using CycleGan.Data.Synth;
using CycleGan.Options;
using CycleGan.Serving;
using CycleGan.Training;

namespace CycleGan.Tests.Serving;

/// <summary>The serve pages in headless Chromium against Kestrel on a loopback port.</summary>
public class ServeBrowserTests
{
    [Fact]
    public async Task Translate_page_shows_the_output_of_a_chosen_file_beside_it_with_the_input_size()
    {
        using var tmp = TestPaths.NewTempDir("browser-translate");
        ServeFixtures.MakeRun(tmp["ck"], "tiny");
        ImageFile.SavePng(ServeFixtures.Gradient(37, 23), tmp["photo.png"]);
        await using var host = await ServeHost.OnLoopback(new ServeOptions { CheckpointsDir = tmp["ck"] });
        await using var chromium = await Chromium.Launch();
        var page = await chromium.NewPage();

        await page.GotoAsync(host.Url + "/translate");
        await page.WaitForSelectorAsync("body[data-state=ready]");
        Assert.Equal("tiny", await page.InputValueAsync("#run"));
        Assert.Equal("G_A", await page.InputValueAsync("#net"));
        await page.SetInputFilesAsync("#file", tmp["photo.png"]);
        await page.WaitForSelectorAsync("body[data-state=done]");

        Assert.Equal("", await page.TextContentAsync("#error"));
        Assert.Equal(new[] { 37, 23 }, await page.EvaluateAsync<int[]>("[output.naturalWidth, output.naturalHeight]"));
        Assert.StartsWith("blob:", await page.GetAttributeAsync("#download", "href"));
    }

    [Fact]
    public async Task Run_page_updates_its_curves_and_visuals_live_while_cyclegan_trains_without_reloading()
    {
        using var tmp = TestPaths.NewTempDir("browser-run");
        SynthDataset.Write(new SynthOptions(Out: tmp["data"], Size: 32, Train: 5, Test: 1, Seed: 1));
        await using var host = await ServeHost.OnLoopback(new ServeOptions { CheckpointsDir = tmp["ck"] });
        await using var chromium = await Chromium.Launch();
        var opt = TrainOptions.For("cycle_gan") with
        {
            Dataroot = tmp["data"], Name = "live", CheckpointsDir = tmp["ck"], Ngf = 4, Ndf = 4, NetG = "resnet_6blocks",
            LoadSize = 36, CropSize = 32, NEpochs = 1, NEpochsDecay = 1, Seed = 3, PrintFreq = 2, DisplayFreq = 4,
            UpdateHtmlFreq = 4, SaveLatestFreq = 4,
        };
        var runDir = Path.Combine(opt.CheckpointsDir, opt.Name);
        var log = new LossLog(runDir);
        using var gate = new GateAtFirstLosses();
        var trainer = new Trainer(opt, [log, new TrainingPage(runDir, log, opt.DisplayWinsize), gate]);
        var training = Task.Run(() => trainer.Run());
        // the training is held after its first loss line while the page opens, then let go
        var first = await Task.WhenAny(gate.Reached, training, Task.Delay(TimeSpan.FromMinutes(3)));
        if (first == training) await training; // rethrows what stopped it
        Assert.True(first == gate.Reached, "training did not log");

        var page = await chromium.NewPage();
        await page.GotoAsync($"{host.Url}/run?name={opt.Name}");
        await page.WaitForSelectorAsync("#live:text('live')");
        await page.WaitForSelectorAsync("body[data-total-iters='2']");
        Assert.Equal(1, await page.Locator(".chart[data-loss='G_A']").CountAsync());
        await page.EvaluateAsync("window.notReloaded = true");
        gate.Release();
        Assert.True(await Task.WhenAny(training, Task.Delay(TimeSpan.FromMinutes(3))) == training, "training did not finish");
        await training;
        var lines = File.ReadAllLines(Path.Combine(runDir, "loss_log.jsonl"));
        var total = System.Text.Json.JsonDocument.Parse(lines[^1]).RootElement.GetProperty("total_iters").GetInt64();
        Assert.Equal(10, total);
        await page.WaitForSelectorAsync($"body[data-total-iters='{total}'][data-points='{lines.Length}']");
        await page.WaitForSelectorAsync("#visuals img[alt='fake_B']");
        await page.WaitForSelectorAsync("#status:has-text('finished')");
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        Assert.True(int.Parse(await page.GetAttributeAsync("body", "data-updates") ?? "0") > 0);
    }

    [Fact]
    public async Task A_participant_finishes_a_study_and_the_summary_shows_the_share_their_answers_imply()
    {
        using var tmp = TestPaths.NewTempDir("browser-study");
        var opt = new ServeOptions
        {
            CheckpointsDir = tmp["ck"], ResultsDir = tmp["results"], StudyPractice = 2, StudyTrials = 4, StudySeconds = 0.2,
            StudyResults = [ServeFixtures.MakeResults(tmp["results"], "cyclegan", 5)],
        };
        await using var host = await ServeHost.OnLoopback(opt);
        await using var chromium = await Chromium.Launch();
        var page = await chromium.NewPage();

        await page.GotoAsync(host.Url + "/study");
        await page.WaitForSelectorAsync("body[data-state=join]");
        await page.FillAsync("#name", "tester");
        await page.ClickAsync("#start");
        var feedback = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            await page.WaitForSelectorAsync($"body[data-state=choose][data-trial='{i}']");
            // The generated images of the fixture are one pixel taller: the participant "sees" which one is fake.
            var fakeLeft = await page.EvaluateAsync<bool>("left.naturalHeight === 33");
            // Practice: one right, one wrong. Scored: the fake taken for real in the first of four trials only.
            var chooseFake = i == 1 || i == 2;
            await page.ClickAsync(chooseFake == fakeLeft ? "#choose-left" : "#choose-right");
            if (i < 2)
            {
                await page.WaitForSelectorAsync("body[data-state=feedback]");
                feedback.Add(await page.TextContentAsync("#feedback") ?? "");
            }
        }
        await page.WaitForSelectorAsync("body[data-state=done]");
        Assert.StartsWith("Right", feedback[0]);
        Assert.StartsWith("Wrong", feedback[1]);

        await page.ClickAsync("text=See the summary");
        await page.WaitForSelectorAsync("td.percent");
        // 1 of 4: 25 %, standard error sqrt(0.25 * 0.75 / 4) = 21.65 %.
        Assert.Equal("25.0% ± 21.7%", await page.TextContentAsync("tr[data-method='cyclegan/test_latest'] td.percent"));
    }

    /// <summary>Holds the training loop after its first loss line until released (bounded, so a failure cannot hang).</summary>
    sealed class GateAtFirstLosses : ITrainingObserver, IDisposable
    {
        readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly ManualResetEventSlim _release = new();

        public Task Reached => _reached.Task;

        public void Release() => _release.Set();

        public void OnLosses(LossReport report)
        {
            if (_reached.Task.IsCompleted) return;
            _reached.SetResult();
            _release.Wait(TimeSpan.FromMinutes(2));
        }

        public void Dispose()
        {
            _release.Set();
            _release.Dispose();
        }
    }
}
