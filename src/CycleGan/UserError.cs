namespace CycleGan;

/// <summary>
/// A mistake the user can fix (missing folder, wrong option combination, checkpoint that does not fit).
/// The CLI prints <see cref="Exception.Message"/> as one line and exits with code 2.
/// </summary>
public sealed class UserError : Exception
{
    public UserError(string message) : base(message) { }
    public UserError(string message, Exception inner) : base(message, inner) { }
}
