namespace CycleGan.Options;

/// <summary>
/// Marks a property as a command-line flag with its official name (e.g. <c>netG</c> for <c>--netG</c>).
/// The CLI builds its flags from these, so names, defaults and help live in one place.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionAttribute(string name, string help) : Attribute
{
    public string Name { get; } = name;
    public string Help { get; } = help;
    /// <summary>Allowed values for a string flag; empty means any.</summary>
    public string[] Choices { get; init; } = [];
}
