using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CycleGan.Serving;

namespace CycleGan.Tests.Serving;

/// <summary>The perceptual study: per-participant plans, the summary's numbers, storage across restarts, exports.</summary>
public class PerceptualStudyTests
{
    static ServeOptions Study(TempDir tmp, int practice = 2, int trials = 6) => new()
    {
        ResultsDir = tmp["results"], CheckpointsDir = tmp["ck"], StudyPractice = practice, StudyTrials = trials, StudySeconds = 0.1,
        StudySeed = 7,
        StudyResults = [ServeFixtures.MakeResults(tmp["results"], "cyclegan", 5), ServeFixtures.MakeResults(tmp["results"], "pix2pix", 3)],
    };

    [Fact]
    public void Plans_are_seeded_per_participant_practice_first_and_scored_trials_split_evenly_over_methods()
    {
        using var tmp = TestPaths.NewTempDir("study-plan");
        var study = new PerceptualStudy(Study(tmp, practice: 3, trials: 40));
        var one = study.Plan(1);
        Assert.Equal(one, study.Plan(1));
        Assert.Equal(one, new PerceptualStudy(Study(tmp, practice: 3, trials: 40)).Plan(1));
        Assert.NotEqual(one.Select(t => (t.Method, t.Stem, t.FakeLeft)), study.Plan(2).Select(t => (t.Method, t.Stem, t.FakeLeft)));
        Assert.Equal(43, one.Count);
        Assert.All(one.Take(3), t => Assert.True(t.Practice));
        Assert.All(one.Skip(3), t => Assert.False(t.Practice));
        Assert.Equal([20, 20], one.Skip(3).GroupBy(t => t.Method).Select(g => g.Count()).ToArray());
        // Each method's stems are drawn without replacement until all were shown (practice included), sides are mixed.
        foreach (var method in one.GroupBy(t => t.Method))
        {
            var uses = method.GroupBy(t => t.Stem).Select(g => g.Count()).ToList();
            Assert.True(uses.Max() - uses.Min() <= 1, method.Key + ": " + string.Join(",", uses));
        }
        Assert.InRange(one.Count(t => t.FakeLeft), 10, 33);
    }

    [Fact]
    public async Task Summary_counts_scored_answers_only_with_binomial_standard_error_and_survives_a_restart()
    {
        using var tmp = TestPaths.NewTempDir("study-summary");
        var opt = Study(tmp);
        string id;
        await using (var host = await ServeHost.InProcess(opt))
        {
            var joined = await (await host.Client.PostAsJsonAsync("/api/study/participants", new { name = "ann" })).Content.ReadFromJsonAsync<JsonElement>();
            id = joined.GetProperty("participant").GetString()!;
            Assert.Equal(0, joined.GetProperty("index").GetInt32());
            Assert.True(joined.GetProperty("practice").GetBoolean());
            var study = new PerceptualStudy(opt);
            var plan = study.Plan(1);
            // Practice: always wrong (feedback says so); scored: the fake taken for real in the first 2 of 6 trials.
            for (int i = 0; i < 5; i++)
            {
                var t = plan[i];
                var choseFake = t.Practice || i - 2 < 2;
                var choice = choseFake == t.FakeLeft ? "left" : "right";
                var r = await (await host.Client.PostAsJsonAsync($"/api/study/participants/{id}/answers", new { index = i, choice, ms = 500 }))
                    .Content.ReadFromJsonAsync<JsonElement>();
                if (t.Practice) Assert.False(r.GetProperty("correct").GetBoolean());
                else Assert.Equal(JsonValueKind.Null, r.GetProperty("correct").ValueKind);
            }
            var left = await host.Client.GetAsync($"/api/study/participants/{id}/trials/5/left.png");
            Assert.Equal(HttpStatusCode.OK, left.StatusCode);
            // Out of order and retried answers.
            Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsJsonAsync($"/api/study/participants/{id}/answers", new { index = 7, choice = "left" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/study/participants/{id}/answers", new { index = 4, choice = "left" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/study/participants/nobody")).StatusCode);
        }
        // Restarted: the participant resumes at trial 5 of 8 and no answer is lost.
        await using (var host = await ServeHost.InProcess(opt))
        {
            var next = await host.Client.GetFromJsonAsync<JsonElement>($"/api/study/participants/{id}");
            Assert.Equal(5, next.GetProperty("index").GetInt32());
            Assert.Equal(8, next.GetProperty("total").GetInt32());
            var t = new PerceptualStudy(opt).Plan(1);
            for (int i = 5; i < 8; i++)
                await host.Client.PostAsJsonAsync($"/api/study/participants/{id}/answers", new { index = i, choice = t[i].FakeLeft ? "right" : "left" });
            Assert.True((await host.Client.GetFromJsonAsync<JsonElement>($"/api/study/participants/{id}")).GetProperty("done").GetBoolean());

            var summary = await host.Client.GetFromJsonAsync<JsonElement>("/api/study/summary");
            var methods = summary.GetProperty("methods").EnumerateArray().ToList();
            Assert.Equal(6, methods.Sum(m => m.GetProperty("trials").GetInt32()));
            Assert.Equal(2, methods.Sum(m => m.GetProperty("choseFake").GetInt32()));
            foreach (var m in methods.Where(m => m.GetProperty("trials").GetInt32() > 0))
            {
                double n = m.GetProperty("trials").GetInt32(), p = m.GetProperty("choseFake").GetInt32() / n;
                Assert.Equal(100 * p, m.GetProperty("percent").GetDouble(), 9);
                Assert.Equal(100 * Math.Sqrt(p * (1 - p) / n), m.GetProperty("standardError").GetDouble(), 9);
            }
            Assert.Equal(1, summary.GetProperty("finished").GetInt32());
            var csv = (await host.Client.GetStringAsync("/api/study/answers.csv")).Trim().Split('\n');
            Assert.Equal(9, csv.Length);
            Assert.StartsWith("participant,name,trial,practice,method", csv[0]);
            Assert.Equal(2, csv.Skip(1).Count(l => l.Split(',')[3] == "0" && l.Split(',')[8] == "1"));
            var export = await host.Client.GetFromJsonAsync<JsonElement>("/api/study/export.json");
            Assert.Equal(8, export.GetProperty("answers").GetArrayLength());
        }
        Assert.True(File.Exists(tmp["results/perceptual_study.db"]));
    }
}
