using Microsoft.Playwright;

namespace CycleGan.Tests.Serving;

/// <summary>
/// Headless Debian Chromium driven by Playwright (no browser download: <c>.ci/run</c> installs the apt package).
/// Browser tests fail, never skip, when it is missing.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";
    /// <summary>Upper bound of every wait in a browser test: long enough for a loaded 2-core machine, never a sleep.</summary>
    public const float WaitMs = 60_000;

    readonly IPlaywright _playwright;

    Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> Launch()
    {
        if (!File.Exists(ExecutablePath))
            throw new FileNotFoundException($"{ExecutablePath} is missing: apt-get install chromium (.ci/run does)");
        var playwright = await Playwright.CreateAsync();
        // Root (as CI runs) needs --no-sandbox.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath, Headless = true, Args = ["--no-sandbox", "--disable-gpu"], Timeout = WaitMs,
        });
        return new Chromium(playwright, browser);
    }

    public async Task<IPage> NewPage()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 800 } });
        page.SetDefaultTimeout(WaitMs);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
