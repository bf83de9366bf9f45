using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CycleGan.Tests.Download;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 for the download tests (no outside network): serves byte arrays by path with
/// <c>Range: bytes=N-</c>, and can cut a response after N bytes once, announce more bytes than it sends, redirect, and
/// drop TLS handshakes (so an https attempt on its port fails as on a host without https).
/// </summary>
sealed class LocalHttpServer : IDisposable
{
    sealed record Route(byte[]? Body, string? RedirectTo, long? CutOnceAt, long? ClaimedLength);

    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly Dictionary<string, Route> _routes = new(StringComparer.Ordinal);
    readonly HashSet<string> _cut = new(StringComparer.Ordinal);
    readonly List<string> _requests = [];
    readonly CancellationTokenSource _stop = new();

    public LocalHttpServer()
    {
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public Uri Base => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Every request as "PATH" or "PATH from N" (its Range start), in arrival order.</summary>
    public IReadOnlyList<string> Requests { get { lock (_requests) return _requests.ToList(); } }

    /// <summary>Serves <paramref name="body"/>; the first response stops after byte <paramref name="cutOnceAt"/>; with
    /// <paramref name="claimedLength"/> every response announces that length but sends only the body.</summary>
    public void Serve(string path, byte[] body, long? cutOnceAt = null, long? claimedLength = null)
    {
        lock (_routes) _routes[path] = new Route(body, null, cutOnceAt, claimedLength);
    }

    public void Redirect(string path, string location)
    {
        lock (_routes) _routes[path] = new Route(null, location, null, null);
    }

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Handle(client));
        }
    }

    void Handle(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var head = ReadHead(stream);
            if (head is null) return; // a TLS ClientHello or garbage: hang up, as a host without https
            var lines = head.Split("\r\n");
            var path = lines[0].Split(' ')[1];
            long from = 0;
            foreach (var line in lines.Skip(1))
                if (line.StartsWith("Range: bytes=", StringComparison.OrdinalIgnoreCase))
                    from = long.Parse(line["Range: bytes=".Length..].TrimEnd('-'));
            lock (_requests) _requests.Add(from > 0 ? $"{path} from {from}" : path);
            Route? route;
            lock (_routes) _routes.TryGetValue(path, out route);
            if (route is null) { Write(stream, "404 Not Found", "Content-Length: 0"); return; }
            if (route.RedirectTo is { } to) { Write(stream, "302 Found", $"Location: {to}", "Content-Length: 0"); return; }
            var body = route.Body!;
            var length = route.ClaimedLength ?? body.Length;
            if (from >= length) { Write(stream, "416 Range Not Satisfiable", $"Content-Range: bytes */{length}", "Content-Length: 0"); return; }
            if (from > 0)
                Write(stream, "206 Partial Content", $"Content-Range: bytes {from}-{length - 1}/{length}", $"Content-Length: {length - from}");
            else Write(stream, "200 OK", $"Content-Length: {length}");
            var end = (long)body.Length;
            if (route.CutOnceAt is { } cut)
                lock (_cut)
                    if (_cut.Add(path)) end = Math.Min(end, cut);
            if (end > from) stream.Write(body, (int)from, (int)(end - from));
            stream.Flush();
        }
        catch (IOException) { }
    }

    static string? ReadHead(NetworkStream stream)
    {
        var bytes = new List<byte>();
        while (bytes.Count < 16384)
        {
            var b = stream.ReadByte();
            if (b < 0 || (bytes.Count == 0 && b == 0x16)) return null;
            bytes.Add((byte)b);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
                return Encoding.ASCII.GetString(bytes.ToArray(), 0, bytes.Count - 4);
        }
        return null;
    }

    static void Write(NetworkStream stream, string status, params string[] headers) =>
        stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nConnection: close\r\n{string.Join("\r\n", headers)}\r\n\r\n"));

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
