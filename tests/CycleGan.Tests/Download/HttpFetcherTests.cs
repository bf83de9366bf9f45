using CycleGan.Download;

namespace CycleGan.Tests.Download;

public class HttpFetcherTests
{
    [Fact]
    public void Https_is_tried_first_and_http_used_with_a_warning_when_https_does_not_answer()
    {
        using var tmp = TestPaths.NewTempDir("fetch");
        using var server = new LocalHttpServer();
        var body = TestArchives.Bytes(5000, 1);
        server.Serve("/m.pth", body);
        var warnings = new List<string>();

        var r = new HttpFetcher { HttpsFirst = true }.Fetch(new Uri(server.Base, "/m.pth"), tmp["m.part"], warn: warnings.Add);

        Assert.Equal("http", r.Url.Scheme);
        Assert.True(r.LengthChecked);
        Assert.Equal(body, File.ReadAllBytes(tmp["m.part"]));
        var w = Assert.Single(warnings);
        Assert.Contains($"https://127.0.0.1:{server.Base.Port}/m.pth did not answer", w);
        Assert.Contains("falling back to http://", w);
    }

    [Fact]
    public void Redirects_are_followed_up_to_the_limit_and_a_loop_is_refused_naming_the_url()
    {
        using var tmp = TestPaths.NewTempDir("fetch");
        using var server = new LocalHttpServer();
        var body = TestArchives.Bytes(100, 2);
        server.Serve("/real.zip", body);
        server.Redirect("/a.zip", "/b.zip");
        server.Redirect("/b.zip", server.Base + "real.zip");
        server.Redirect("/loop.zip", "/loop.zip");
        var fetcher = new HttpFetcher { HttpsFirst = false, MaxRedirects = 5 };

        var r = fetcher.Fetch(new Uri(server.Base, "/a.zip"), tmp["a.part"]);
        Assert.Equal(body, File.ReadAllBytes(tmp["a.part"]));
        Assert.Equal("/real.zip", r.Url.AbsolutePath);

        var e = Assert.Throws<UserError>(() => fetcher.Fetch(new Uri(server.Base, "/loop.zip"), tmp["loop.part"]));
        Assert.Contains("/loop.zip: more than 5 redirects", e.Message);
        Assert.Equal(6, server.Requests.Count(q => q == "/loop.zip"));
    }

    [Fact]
    public void A_missing_file_is_one_error_naming_the_url_and_the_status()
    {
        using var tmp = TestPaths.NewTempDir("fetch");
        using var server = new LocalHttpServer();
        var e = Assert.Throws<UserError>(() => new HttpFetcher { HttpsFirst = false }.Fetch(new Uri(server.Base, "/none.zip"), tmp["p"]));
        Assert.Contains("/none.zip: the server answered 404", e.Message);
    }
}
