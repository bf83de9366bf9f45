using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace CycleGan.Download;

/// <summary>
/// A resumable GET into a <c>.part</c> file, the part of <c>wget -N</c> the official scripts rely on, plus what they
/// lack: a cut connection resumes with HTTP <c>Range</c> (within this call up to <see cref="Retries"/> times, and in
/// a later call from the bytes the file holds); the length must match <c>Content-Length</c>/<c>Content-Range</c>;
/// redirects are followed up to <see cref="MaxRedirects"/>; with <see cref="HttpsFirst"/> https is tried first and
/// plain http used, with a warning, only when https does not answer (the official hosts answer http only).
/// </summary>
public sealed record HttpFetcher
{
    const int BufferSize = 1 << 16;
    static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(200);

    public int MaxRedirects { get; init; } = 5;
    /// <summary>How often a cut transfer is resumed within one call before giving up (the .part file stays).</summary>
    public int Retries { get; init; } = 3;
    /// <summary>The wait before the n-th retry is n times this.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>A transfer that delivers no byte (or no response headers) for this long counts as cut.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Try the https form of the URL first and fall back to http (official hosts); off for a mirror.</summary>
    public bool HttpsFirst { get; init; } = true;

    /// <summary>
    /// Downloads <paramref name="url"/> into <paramref name="partPath"/>, continuing from the bytes it already holds.
    /// A failure is a <see cref="UserError"/> naming the URL; the file keeps what arrived, for the next call to resume.
    /// </summary>
    public FetchResult Fetch(Uri url, string partPath, Action<DownloadProgress>? progress = null, Action<string>? warn = null)
    {
        if (url.Scheme is not ("http" or "https"))
            throw new UserError($"{url}: only http:// and https:// URLs can be downloaded");
        var candidates = HttpsFirst ? new[] { WithScheme(url, "https"), WithScheme(url, "http") } : [url];
        using var client = CreateClient();
        for (var i = 0; ; i++)
        {
            var last = i == candidates.Length - 1;
            try
            {
                return FetchFrom(client, candidates[i], partPath, !last, progress, warn);
            }
            catch (NoAnswerException e) when (!last)
            {
                warn?.Invoke($"warning: {candidates[i]} did not answer ({e.Message}); falling back to {candidates[i + 1]} "
                    + "(not encrypted)");
            }
        }
    }

    FetchResult FetchFrom(HttpClient client, Uri url, string part, bool canFallBack, Action<DownloadProgress>? progress,
        Action<string>? warn)
    {
        var resumedFrom = Length(part);
        var answered = false;
        var reason = "";
        long? total = null;
        var answering = url;
        for (var attempt = 0; attempt <= Retries; attempt++)
        {
            if (attempt > 0) Thread.Sleep(RetryDelay * attempt);
            var have = Length(part);
            HttpResponseMessage response;
            try
            {
                response = Send(client, url, have, out answering);
            }
            catch (Exception e) when (IsTransient(e))
            {
                reason = Reason(e);
                if (!answered && canFallBack) throw new NoAnswerException(reason, e);
                continue;
            }
            answered = true;
            using (response)
            {
                var status = response.StatusCode;
                if (status == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
                {
                    // The file was complete already (an earlier run stopped after the last byte) or is longer than the resource.
                    if (response.Content.Headers.ContentRange?.Length == have)
                        return new FetchResult(answering, have, resumedFrom, true);
                    File.Delete(part);
                    reason = "the server's file no longer matches the partial download; started over";
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw new UserError($"{url}: the server answered {(int)status} {response.ReasonPhrase}");
                var append = false;
                if (status == HttpStatusCode.PartialContent)
                {
                    var range = response.Content.Headers.ContentRange;
                    if (range?.From != have)
                    {
                        File.Delete(part);
                        reason = $"the server resumed at byte {range?.From} instead of {have}";
                        continue;
                    }
                    append = true;
                    total = range.Length ?? (response.Content.Headers.ContentLength is { } n ? have + n : null);
                }
                else
                {
                    total = response.Content.Headers.ContentLength;
                    if (have > 0) warn?.Invoke($"warning: {url} does not resume (no Range support); downloading it again");
                }
                try
                {
                    Copy(response, part, append, total, have > 0 && append ? have : 0, progress);
                }
                catch (Exception e) when (IsTransient(e))
                {
                    reason = Reason(e);
                    warn?.Invoke($"warning: {url}: the connection was lost after {Length(part):N0} bytes ({reason}); "
                        + (attempt < Retries ? "resuming" : "giving up"));
                    continue;
                }
            }
            var got = Length(part);
            if (total is null) return new FetchResult(answering, got, resumedFrom, false);
            if (got == total) return new FetchResult(answering, got, resumedFrom, true);
            if (got > total)
            {
                File.Delete(part);
                throw new UserError($"{url}: received {got:N0} bytes where the server announced {total:N0}; "
                    + "the download was deleted");
            }
            reason = $"the server closed the connection after {got:N0} of {total:N0} bytes";
            warn?.Invoke($"warning: {url}: {reason}; " + (attempt < Retries ? "resuming" : "giving up"));
        }
        if (!answered) throw new UserError($"cannot reach {url}: {reason}");
        throw new UserError($"download of {url} stopped after {Length(part):N0}"
            + (total is { } t ? $" of {t:N0}" : "")
            + $" bytes ({reason}); run the same command again to resume from {part}");
    }

    HttpResponseMessage Send(HttpClient client, Uri url, long from, out Uri answering)
    {
        var current = url;
        for (var hop = 0; ; hop++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
            var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308))
            {
                answering = current;
                return response;
            }
            var location = response.Headers.Location;
            response.Dispose();
            if (location is null) throw new UserError($"{current}: a redirect without a Location header");
            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (hop >= MaxRedirects) throw new UserError($"{url}: more than {MaxRedirects} redirects (the last to {next})");
            if (next.Scheme is not ("http" or "https"))
                throw new UserError($"{current}: redirects to {next}, not an http(s) URL");
            current = next;
        }
    }

    void Copy(HttpResponseMessage response, string part, bool append, long? total, long resumedFrom,
        Action<DownloadProgress>? progress)
    {
        using var body = response.Content.ReadAsStream();
        using var file = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None,
            BufferSize);
        var buffer = new byte[BufferSize];
        var done = file.Length;
        var name = Path.GetFileNameWithoutExtension(part); // maps.zip for maps.zip.part
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        void Report() => progress?.Invoke(new DownloadProgress(name, done, total, resumedFrom,
            (done - resumedFrom) / Math.Max(1e-3, clock.Elapsed.TotalSeconds)));
        Report();
        while (true)
        {
            using var idle = new CancellationTokenSource(IdleTimeout);
            var n = body.ReadAsync(buffer, idle.Token).AsTask().GetAwaiter().GetResult();
            if (n == 0) break;
            file.Write(buffer, 0, n);
            done += n;
            if (clock.Elapsed - lastReport >= ProgressEvery)
            {
                lastReport = clock.Elapsed;
                Report();
            }
        }
        Report();
    }

    HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // followed by Send, within MaxRedirects and to http(s) only
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = ConnectTimeout,
        };
        var client = new HttpClient(handler) { Timeout = IdleTimeout };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("cyclegan-sharp/0.1");
        return client;
    }

    static Uri WithScheme(Uri url, string scheme) =>
        new UriBuilder(url) { Scheme = scheme, Port = url.IsDefaultPort ? -1 : url.Port }.Uri;

    static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    // Failures of the network, not of the request: worth a retry, or the http fallback.
    static bool IsTransient(Exception e) => e is HttpRequestException or IOException or OperationCanceledException;

    static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException != null) inner = inner.InnerException;
        var why = e is OperationCanceledException ? "no data for a while (timed out)" : inner.Message;
        return ReferenceEquals(inner, e) ? why : string.Create(CultureInfo.InvariantCulture, $"{e.Message} {why}");
    }

    sealed class NoAnswerException(string message, Exception inner) : Exception(message, inner);
}
