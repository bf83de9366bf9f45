namespace CycleGan.Checkpoints;

/// <summary>An allow-listed global (class or function) named by the pickle; never resolved to code.</summary>
public sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => Module + "." + Name;
}
