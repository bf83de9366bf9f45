namespace CycleGan.Options;

/// <summary>
/// Marks a property as a command-line flag with its official name (e.g. <c>netG</c> for <c>--netG</c>).
/// The CLI builds its flags from these, so names, defaults, help and allowed values live in one place.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionAttribute(string name, string help) : Attribute
{
    public string Name { get; } = name;
    public string Help { get; } = help;
    /// <summary>Allowed values for a string flag when no registry holds them; empty means any.</summary>
    public string[] Choices { get; init; } = [];
    /// <summary>
    /// The registry holding the allowed values: a type whose public static <see cref="ChoicesMember"/> lists them.
    /// Read each time the flags are built or checked, so a name registered at run time is accepted.
    /// </summary>
    public Type? ChoicesFrom { get; init; }
    /// <summary>The static property or field of <see cref="ChoicesFrom"/> with the allowed values.</summary>
    public string ChoicesMember { get; init; } = "Names";
    /// <summary>Other accepted spellings (without dashes), e.g. the dashed names of earlier versions.</summary>
    public string[] Aliases { get; init; } = [];
    /// <summary>Left out of <c>--help</c>: small settings for tests and experiments.</summary>
    public bool Hidden { get; init; }
    /// <summary>The command fails (one line, exit code 2) without it.</summary>
    public bool Required { get; init; }
}
