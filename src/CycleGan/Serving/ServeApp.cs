using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CycleGan.Serving;

/// <summary>
/// <c>cyclegan serve</c>: the runs with their live loss curves and visuals, translation with any checkpoint, and the
/// perceptual study, as one Kestrel app with minimal APIs. Only known pages, the image files under the configured
/// folders and the API are served; nothing else, no directory listing, and a POST only from the page's own origin.
/// </summary>
public static class ServeApp
{
    static readonly Dictionary<string, string> Pages = new(StringComparer.Ordinal)
    {
        ["/"] = "index.html", ["/run"] = "run.html", ["/translate"] = "translate.html", ["/study"] = "study.html",
        ["/study/summary"] = "summary.html",
    };
    static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["app.css"] = "text/css", ["common.js"] = "text/javascript", ["runs.js"] = "text/javascript",
        ["run.js"] = "text/javascript", ["translate.js"] = "text/javascript", ["study.js"] = "text/javascript",
        ["summary.js"] = "text/javascript",
    };
    static readonly Dictionary<string, string> ImageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg",
    };

    /// <summary>
    /// Builds the app; <paramref name="configure"/> can replace the server (tests use an in-process one).
    /// Throws <see cref="UserError"/> for a study folder that is not usable; starting it, for a host that is not an address.
    /// </summary>
    public static WebApplication Create(ServeOptions opt, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = opt.MaxBodyBytes;
            k.AddServerHeader = false;
            if (opt.Host == "localhost") k.ListenLocalhost(opt.Port);
            else if (IPAddress.TryParse(opt.Host.Trim('[', ']'), out var address)) k.Listen(address, opt.Port);
            else throw new UserError($"--host {opt.Host} is not an IP address (or localhost)");
        });
        var runs = new RunCatalog(opt.CheckpointsDir);
        var study = opt.StudyResults.Count > 0 ? new PerceptualStudy(opt) : null;
        // Made by the container so that it disposes the loaded generators with the app.
        builder.Services.AddSingleton(_ => new TranslationService(runs, opt.MaxPixels));
        // A query value of the wrong type then reaches Errors (a JSON 400) instead of an empty 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.Use(Errors);
        if (opt.IsLoopback) app.Use(LoopbackHostOnly);
        app.Use(SameOrigin);
        app.Use(SecurityHeaders);
        MapPages(app);
        MapRuns(app, runs, opt);
        MapTranslate(app, opt);
        MapStudy(app, study);
        app.MapFallback(() => Results.Json(new { error = "not found" }, statusCode: 404));
        return app;
    }

    static async Task Errors(HttpContext http, Func<Task> next)
    {
        try { await next(); }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var (status, message) = e switch
            {
                ServeError s => (s.Status, s.Message),
                BadHttpRequestException b => (b.StatusCode, b.Message),
                OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "request aborted"),
                JsonException j => (400, "the body is not the JSON expected: " + j.Message),
                _ => (500, "internal error: " + e.Message),
            };
            http.Response.Clear();
            http.Response.StatusCode = status;
            await http.Response.WriteAsJsonAsync(new { error = message });
        }
    }

    /// <summary>
    /// A browser names the page that sends a POST in <c>Origin</c> (and <c>Sec-Fetch-Site</c>): another site's page
    /// is refused, so it cannot add answers or run translations. Clients that are not browsers send neither.
    /// </summary>
    static async Task SameOrigin(HttpContext http, Func<Task> next)
    {
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var origin = http.Request.Headers.Origin.ToString();
            var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
            var own = $"{http.Request.Scheme}://{http.Request.Host}";
            if ((origin.Length > 0 && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
                || site is "cross-site" or "same-site")
                throw new ServeError(403, "requests that change something are accepted only from this server's own pages");
        }
        await next();
    }

    /// <summary>
    /// On loopback, a request naming another host is a page of some site whose name was made to resolve to
    /// 127.0.0.1 (DNS rebinding); its origin would look like the app's own. Refused.
    /// </summary>
    static Task LoopbackHostOnly(HttpContext http, Func<Task> next)
    {
        var host = http.Request.Host.Host;
        if (host is not ("localhost" or "127.0.0.1" or "[::1]" or "::1"))
            throw new ServeError(400, $"this server answers only to localhost, 127.0.0.1 and [::1], not to {host}");
        return next();
    }

    static Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        var h = http.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'";
        return next();
    }

    static void MapPages(WebApplication app)
    {
        foreach (var (route, page) in Pages) app.MapGet(route, () => Embedded(page, "text/html; charset=utf-8"));
        app.MapGet("/static/{file}", (string file) =>
            Assets.TryGetValue(file, out var type)
                ? Embedded(file, type + "; charset=utf-8")
                : throw ServeError.NotFound("not found"));
    }

    static IResult Embedded(string name, string contentType)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot/" + name)
            ?? throw ServeError.NotFound("not found");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return Results.Bytes(ms.ToArray(), contentType);
    }

    static void MapRuns(WebApplication app, RunCatalog runs, ServeOptions opt)
    {
        app.MapGet("/api/runs", () => Results.Json(runs.List()));
        app.MapGet("/api/runs/{name}", (string name) => Results.Json(runs.Detail(name)));
        app.MapGet("/api/runs/{name}/events", (HttpContext http, string name) => RunEvents.Stream(http, runs, name));
        app.MapGet("/files/runs/{**path}", (string? path) => ImageFile(opt.CheckpointsDir, path ?? ""));
        app.MapGet("/files/results/{**path}", (string? path) => ImageFile(opt.ResultsDir, path ?? ""));
    }

    static IResult ImageFile(string root, string relative)
    {
        var path = SafePath.File(root, relative);
        if (path == null || !ImageTypes.TryGetValue(Path.GetExtension(path), out var type)) throw ServeError.NotFound("not found");
        return Results.File(path, type);
    }

    static void MapTranslate(WebApplication app, ServeOptions opt)
    {
        app.MapPost("/api/translate", async (HttpContext http, TranslationService translator, string? run, string? net,
            string? epoch, string? netG, int? ngf, string? norm, bool? no_dropout) =>
        {
            var body = await ReadBody(http, opt.MaxBodyBytes);
            var request = new TranslateRequest(run ?? throw ServeError.BadRequest("run= is required"), net ?? "G_A", epoch ?? "latest",
                netG, ngf, norm, no_dropout);
            return Results.Bytes(await translator.TranslateAsync(request, body, http.RequestAborted), "image/png");
        });
    }

    static async Task<byte[]> ReadBody(HttpContext http, long limit)
    {
        string TooLarge() => $"the body is larger than the {limit / (1024 * 1024)} MB accepted";
        if (http.Request.ContentLength > limit) throw ServeError.TooLarge(TooLarge());
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
        {
            if (ms.Length + n > limit) throw ServeError.TooLarge(TooLarge());
            ms.Write(buffer, 0, n);
        }
        if (ms.Length == 0) throw ServeError.BadRequest("empty body: send the image bytes (PNG or JPEG)");
        return ms.ToArray();
    }

    static void MapStudy(WebApplication app, PerceptualStudy? study)
    {
        PerceptualStudy S() => study ?? throw ServeError.NotFound("no perceptual study is configured (cyclegan serve --study DIR)");
        app.MapGet("/api/study", () => Results.Json(new
        {
            side = S().Side, methods = S().Methods.Select(m => new { name = m.Name, images = m.Stems.Count }), seconds = S().Seconds,
            practice = S().PracticeCount, total = S().Total,
        }));
        app.MapPost("/api/study/participants", async (HttpContext http) =>
        {
            var join = await JsonBody<JoinRequest>(http);
            return Results.Json(S().Next(S().Join(join.Name ?? "")));
        });
        app.MapGet("/api/study/participants/{id}", (string id) => Results.Json(S().Next(id)));
        app.MapPost("/api/study/participants/{id}/answers", async (HttpContext http, string id) =>
        {
            var a = await JsonBody<AnswerRequest>(http);
            if (a.Choice is not ("left" or "right")) throw ServeError.BadRequest("choice must be left or right");
            var correct = S().Answer(id, a.Index, a.Choice == "left", a.Ms);
            return Results.Json(new { correct, next = S().Next(id) });
        });
        app.MapGet("/api/study/participants/{id}/trials/{index:int}/{side}", (string id, int index, string side) =>
            side is "left.png" or "right.png"
                ? Results.File(S().TrialImage(id, index, side == "left.png"), "image/png")
                : throw ServeError.NotFound("not found"));
        app.MapGet("/api/study/summary", () => Results.Json(S().Summary()));
        app.MapGet("/api/study/export.json", () => Results.Json(new { summary = S().Summary(), answers = S().Answers() }));
        app.MapGet("/api/study/answers.csv", () => Results.Text(S().Csv(), "text/csv; charset=utf-8"));
    }

    static async Task<T> JsonBody<T>(HttpContext http) where T : new()
    {
        var body = await ReadBody(http, 64 * 1024);
        return JsonSerializer.Deserialize<T>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? new T();
    }

    sealed class JoinRequest
    {
        public string? Name { get; set; }
    }

    sealed class AnswerRequest
    {
        public int Index { get; set; }
        public string? Choice { get; set; }
        public int Ms { get; set; }
    }
}
