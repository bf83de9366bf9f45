namespace CycleGan.Serving;

/// <summary>A request the server refuses: answered with <see cref="Status"/> and <c>{"error": Message}</c>.</summary>
public sealed class ServeError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ServeError NotFound(string message) => new(404, message);
    public static ServeError BadRequest(string message) => new(400, message);
    public static ServeError TooLarge(string message) => new(413, message);
}
