using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CycleGan.Serving;

/// <summary>
/// The server-sent events of a run page: a <c>change</c> event whenever a file the page shows is rewritten. A
/// file-system watcher wakes the loop at once; a short poll of the same fingerprint covers file systems without
/// change notifications. A comment line every few seconds keeps proxies and the browser from timing out.
/// </summary>
public static class RunEvents
{
    static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(150);

    public static async Task Stream(HttpContext http, RunCatalog runs, string name)
    {
        var dir = runs.RunDir(name);
        // Ends with the page or with the server (Ctrl+C), which would otherwise wait for open pages to close.
        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var both = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var cancel = both.Token;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var wake = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(dir) { IncludeSubdirectories = true };
        void Changed(object? s, EventArgs e) { if (wake.CurrentCount == 0) wake.Release(); }
        watcher.Changed += Changed;
        watcher.Created += Changed;
        watcher.Renamed += Changed;
        watcher.Deleted += Changed;
        watcher.EnableRaisingEvents = true;
        var last = runs.Fingerprint(name);
        await Send(http, "event: ready\ndata: {}\n\n", cancel);
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                if (await wake.WaitAsync(Poll, cancel)) await Task.Delay(Settle, cancel);
                var now = runs.Fingerprint(name);
                if (now == last) { await Send(http, ": idle\n\n", cancel); continue; }
                last = now;
                await Send(http, "event: change\ndata: {}\n\n", cancel);
            }
        }
        catch (OperationCanceledException) { /* the page was closed or the server stops */ }
    }

    static async Task Send(HttpContext http, string text, CancellationToken cancel)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancel);
        await http.Response.Body.FlushAsync(cancel);
    }
}
