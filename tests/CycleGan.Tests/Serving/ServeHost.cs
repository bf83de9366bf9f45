using CycleGan.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace CycleGan.Tests.Serving;

/// <summary>
/// The serve app for one test: in process (<see cref="Client"/> talks to ASP.NET Core's TestServer, the server
/// under Microsoft.AspNetCore.Mvc.Testing) or on Kestrel at a free loopback port (<see cref="Url"/>, for the browser).
/// </summary>
public sealed class ServeHost : IAsyncDisposable
{
    readonly WebApplication _app;

    ServeHost(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public HttpClient Client { get; private set; } = null!;

    public static async Task<ServeHost> InProcess(ServeOptions opt)
    {
        var app = ServeApp.Create(opt, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var host = new ServeHost(app, "http://localhost");
        host.Client = app.GetTestClient();
        return host;
    }

    public static async Task<ServeHost> OnLoopback(ServeOptions opt)
    {
        var app = ServeApp.Create(opt with { Host = "127.0.0.1", Port = 0 });
        await app.StartAsync();
        var url = app.Urls.Single();
        var host = new ServeHost(app, url) { Client = new HttpClient { BaseAddress = new Uri(url) } };
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
