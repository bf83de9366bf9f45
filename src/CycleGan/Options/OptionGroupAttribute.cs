namespace CycleGan.Options;

/// <summary>
/// Marks a property holding a part of the options (e.g. one model's flags, kept beside the model): its
/// <see cref="OptionAttribute"/> properties are flags of the containing record, with their own names.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionGroupAttribute : Attribute;
