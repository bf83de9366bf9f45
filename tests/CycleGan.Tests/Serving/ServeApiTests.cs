using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CycleGan.Data;
using CycleGan.Serving;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Serving;

/// <summary>The serve HTTP API in process: runs, translation, its limits and errors, file serving and origins.</summary>
public class ServeApiTests
{
    static async Task<(int Status, string Error)> ErrorOf(HttpResponseMessage r)
    {
        Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        return ((int)r.StatusCode, doc.RootElement.GetProperty("error").GetString()!);
    }

    static ByteArrayContent Png(byte[] bytes) => new(bytes) { Headers = { ContentType = new("image/png") } };

    [Fact]
    public async Task Translate_api_gives_the_same_pixels_as_cyclegan_translate_for_png_and_jpeg()
    {
        using var tmp = TestPaths.NewTempDir("serve-translate");
        var run = ServeFixtures.MakeRun(tmp["ck"], "tiny");
        Directory.CreateDirectory(tmp["in"]);
        ImageFile.SavePng(ServeFixtures.Gradient(37, 23), tmp["in/odd.png"]);
        File.Copy(TestPaths.Ref("images", "photo420.jpg"), tmp["in/photo.jpg"]);
        CliRunner.MustSucceed("translate", "--checkpoint", Path.Combine(run, "latest_net_G_A.pth"), "--netG", "resnet_6blocks",
            "--ngf", "4", "--input", tmp["in"], "--output", tmp["out"]);
        await using var host = await ServeHost.InProcess(new ServeOptions { CheckpointsDir = tmp["ck"] });

        foreach (var (file, type) in new[] { ("odd.png", "image/png"), ("photo.jpg", "image/jpeg") })
        {
            var body = new ByteArrayContent(await File.ReadAllBytesAsync(tmp["in/" + file])) { Headers = { ContentType = new(type) } };
            var r = await host.Client.PostAsync("/api/translate?run=tiny&net=G_A&epoch=latest", body);

            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
            var served = ImageFile.DecodeRgb(await r.Content.ReadAsByteArrayAsync(), "response");
            Assert.Equal(ImageFile.LoadRgb(tmp["out/" + Path.ChangeExtension(file, ".png")]).Pixels, served.Pixels);
        }
    }

    [Fact]
    public async Task Every_bad_translate_request_is_a_json_4xx_naming_the_problem()
    {
        using var tmp = TestPaths.NewTempDir("serve-errors");
        ServeFixtures.MakeRun(tmp["ck"], "tiny");
        Directory.CreateDirectory(tmp["ck/official"]);
        File.Copy(TestPaths.Ref("legacy_ngf8", "latest_net_G.pth"), tmp["ck/official/latest_net_G.pth"]);
        await using var host = await ServeHost.InProcess(new ServeOptions { CheckpointsDir = tmp["ck"] });
        var png = ImageFile.EncodePng(ServeFixtures.Gradient(16, 16));
        async Task<(int, string)> Post(string query, HttpContent body) => await ErrorOf(await host.Client.PostAsync("/api/translate?" + query, body));

        Assert.Equal(400, (await Post("run=tiny&net=G_A&epoch=latest", new ByteArrayContent("not an image"u8.ToArray()))).Item1);
        Assert.Equal(400, (await Post("run=tiny&net=G_A&epoch=latest", new ByteArrayContent([]))).Item1);
        Assert.Equal((404, "no run named 'nope'"), await Post("run=nope&net=G_A", Png(png)));
        Assert.Equal(404, (await Post("run=..&net=G_A", Png(png))).Item1);
        Assert.Equal(404, (await Post("run=tiny/..&net=G_A", Png(png))).Item1);
        Assert.Equal(404, (await Post("run=tiny&net=D_A", Png(png))).Item1);
        Assert.Equal(404, (await Post("run=tiny&net=G_B", Png(png))).Item1);
        Assert.Equal(404, (await Post("run=tiny&net=G_A&epoch=7", Png(png))).Item1);
        Assert.Equal(404, (await Post("run=tiny&net=G_A&epoch=../latest", Png(png))).Item1);
        Assert.Equal(400, (await Post("run=tiny&net=G_A&ngf=abc", Png(png))).Item1);
        Assert.Equal(400, (await Post("run=tiny&net=G_A&netG=resnet_1block", Png(png))).Item1);
        var (status, error) = await Post("run=tiny&net=G_A&ngf=8", Png(png));
        Assert.Equal(400, status);
        Assert.Contains("ngf", error);
        // An official checkpoint folder has no train_opt.txt: its flags come from the query.
        Assert.Equal(400, (await Post("run=official&net=G", Png(png))).Item1);
        var official = await host.Client.PostAsync("/api/translate?run=official&net=G&ngf=8", Png(png));
        Assert.Equal(HttpStatusCode.OK, official.StatusCode);

        Assert.Equal(413, (await Post("run=tiny&net=G_A", Png(ServeFixtures.PngClaiming(5000, 5000)))).Item1);
        Assert.Equal(413, (await Post("run=tiny&net=G_A", new ByteArrayContent(new byte[20 * 1024 * 1024 + 1]))).Item1);
    }

    [Fact]
    public async Task Files_outside_the_folders_hidden_files_folders_and_non_images_are_404()
    {
        using var tmp = TestPaths.NewTempDir("serve-files");
        var run = ServeFixtures.MakeRun(tmp["ck"], "tiny");
        File.WriteAllText(tmp["secret.png"], "outside");
        File.CreateSymbolicLink(Path.Combine(run, "web", "images", "link.png"), tmp["secret.png"]);
        Directory.CreateSymbolicLink(Path.Combine(run, "out"), tmp.Path);
        Directory.CreateSymbolicLink(tmp["ck/linked"], run);
        File.Copy(Path.Combine(run, "web", "images", "epoch001_real_A.png"), Path.Combine(run, ".hidden.png"));
        await using var host = await ServeHost.InProcess(new ServeOptions { CheckpointsDir = tmp["ck"], ResultsDir = tmp["results"] });

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/files/runs/tiny/web/images/epoch001_real_A.png")).StatusCode);
        // A link that stays inside the folder is followed.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/files/runs/linked/web/images/epoch001_real_A.png")).StatusCode);
        foreach (var url in new[]
        {
            "/files/runs/tiny/web/images/link.png", "/files/runs/tiny/out/secret.png", "/files/runs/tiny/../secret.png",
            "/files/runs/tiny/%2e%2e/%2e%2e/secret.png", "/files/runs/tiny%2F..%2F..%2Fsecret.png", "/files/runs//etc/passwd",
            "/files/runs/%2Fetc%2Fpasswd", "/files/runs/tiny/.hidden.png", "/files/runs/tiny/train_opt.txt", "/files/runs/tiny/web/images",
            "/files/runs/tiny/web/images/", "/files/runs/", "/files/results/x.png", "/static/../ServeApp.cs", "/static/x.js",
            "/api/runs/..", "/api/runs/nope", "/wwwroot/index.html", "/nothing",
        })
        {
            var r = await host.Client.GetAsync(url);
            Assert.True(r.StatusCode == HttpStatusCode.NotFound, $"{url}: {(int)r.StatusCode}");
        }
    }

    [Fact]
    public async Task Posts_from_another_origin_and_requests_to_another_host_name_are_refused()
    {
        using var tmp = TestPaths.NewTempDir("serve-origin");
        ServeFixtures.MakeRun(tmp["ck"], "tiny");
        await using var host = await ServeHost.InProcess(new ServeOptions { CheckpointsDir = tmp["ck"] });
        var png = ImageFile.EncodePng(ServeFixtures.Gradient(16, 16));
        HttpRequestMessage Request(string? origin, string? site)
        {
            var m = new HttpRequestMessage(HttpMethod.Post, "/api/translate?run=tiny") { Content = Png(png) };
            if (origin != null) m.Headers.Add("Origin", origin);
            if (site != null) m.Headers.Add("Sec-Fetch-Site", site);
            return m;
        }
        Assert.Equal(403, (await ErrorOf(await host.Client.SendAsync(Request("http://evil.example", null)))).Item1);
        Assert.Equal(403, (await ErrorOf(await host.Client.SendAsync(Request(null, "cross-site")))).Item1);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(Request("http://localhost", "same-origin"))).StatusCode);
        // A page of another name resolving to 127.0.0.1 (DNS rebinding) is same-origin with itself: refused by its Host.
        var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/runs") { Headers = { Host = "evil.example" } };
        var (status, error) = await ErrorOf(await host.Client.SendAsync(rebound));
        Assert.Equal(400, status);
        Assert.Contains("answers only to localhost", error);
    }

    [Fact]
    public async Task Runs_list_shows_model_epoch_iterations_latest_losses_status_and_checkpoints()
    {
        using var tmp = TestPaths.NewTempDir("serve-runs");
        ServeFixtures.MakeRun(tmp["ck"], "tiny");
        Directory.CreateDirectory(tmp["ck/empty"]);
        await using var host = await ServeHost.InProcess(new ServeOptions { CheckpointsDir = tmp["ck"] });

        var runs = await host.Client.GetFromJsonAsync<JsonElement>("/api/runs");
        var run = Assert.Single(runs.EnumerateArray());
        Assert.Equal("tiny", run.GetProperty("name").GetString());
        Assert.Equal("cycle_gan", run.GetProperty("model").GetString());
        Assert.Equal(2, run.GetProperty("epoch").GetInt32());
        Assert.Equal(2, run.GetProperty("lastEpoch").GetInt32());
        Assert.Equal(6, run.GetProperty("totalIters").GetInt64());
        Assert.Equal("finished", run.GetProperty("status").GetString());
        Assert.Equal(1.0 / 3, run.GetProperty("losses").GetProperty("G_A").GetDouble(), 12);
        Assert.Equal("latest", run.GetProperty("checkpoints").GetProperty("G_A")[0].GetString());

        var detail = await host.Client.GetFromJsonAsync<JsonElement>("/api/runs/tiny");
        Assert.Equal(3, detail.GetProperty("losses").GetArrayLength());
        var visual = detail.GetProperty("visuals")[0].GetProperty("images").GetProperty("real_A").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(visual)).StatusCode);
        Assert.Contains("<h2>Runs</h2>", await host.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_folder_without_train_opt_is_listed_with_model_unknown_and_trains_default_epochs()
    {
        using var tmp = TestPaths.NewTempDir("serve-official");
        Directory.CreateDirectory(tmp["ck/official"]);
        File.Copy(TestPaths.Ref("legacy_ngf8", "latest_net_G.pth"), tmp["ck/official/latest_net_G.pth"]);
        await using var host = await ServeHost.InProcess(new ServeOptions { CheckpointsDir = tmp["ck"] });

        var run = Assert.Single((await host.Client.GetFromJsonAsync<JsonElement>("/api/runs")).EnumerateArray());
        Assert.Equal("unknown", run.GetProperty("model").GetString());
        Assert.Equal(200, run.GetProperty("lastEpoch").GetInt32());
        Assert.False(run.GetProperty("hasTrainOpt").GetBoolean());
    }

    [Fact]
    public void Serve_warns_when_it_would_listen_beyond_loopback_and_refuses_a_host_that_is_not_an_address()
    {
        var r = CliRunner.Run("serve", "--host", "example.invalid", "--port", "0");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("warning: --host example.invalid makes the app reachable from the network", r.Stderr);
        Assert.Contains("error: --host example.invalid is not an IP address", r.Stderr);
    }
}
