using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace CycleGan.Options;

/// <summary>
/// One <see cref="OptionAttribute"/> property of an options record (or of a part marked <see cref="OptionGroupAttribute"/>):
/// listing, allowed values, reading and writing, and the official opt.txt format.
/// </summary>
public sealed class OptionInfo
{
    readonly OptionAttribute _attribute;
    readonly PropertyInfo? _group;

    OptionInfo(OptionAttribute attribute, PropertyInfo property, PropertyInfo? group)
    {
        _attribute = attribute;
        Property = property;
        _group = group;
    }

    public string Name => _attribute.Name;
    public string Help => _attribute.Help;
    public IReadOnlyList<string> Aliases => _attribute.Aliases;
    public bool Hidden => _attribute.Hidden;
    public bool Required => _attribute.Required;
    public PropertyInfo Property { get; }
    public Type Type => Property.PropertyType;

    /// <summary>Allowed values (empty: any), read from the registry when the attribute names one.</summary>
    public IReadOnlyList<string> Choices => _attribute.ChoicesFrom is { } t ? ReadChoices(t, _attribute.ChoicesMember) : _attribute.Choices;

    public object? GetValue(object options) => Property.GetValue(Target(options));

    public void SetValue(object options, object? value) => Property.SetValue(Target(options), value);

    object Target(object options) => _group is null ? options : _group.GetValue(options)
        ?? throw new InvalidOperationException($"options part {_group.Name} of {options.GetType().Name} is null");

    /// <summary>Throws <see cref="UserError"/> (naming the flag and the allowed values) for a value not among the choices.</summary>
    public void CheckChoice(string? value)
    {
        var choices = Choices;
        if (value is null || choices.Count == 0 || choices.Contains(value)) return;
        throw new UserError(ChoiceError(value));
    }

    /// <summary>The one-line message for a value that is not among the choices.</summary>
    public string ChoiceError(string value) => $"--{Name} {value} is not one of: {string.Join(", ", Choices)}";

    static string[] ReadChoices(Type t, string member)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
        var value = t.GetProperty(member, flags)?.GetValue(null) ?? t.GetField(member, flags)?.GetValue(null)
            ?? throw new InvalidOperationException($"{t.Name} has no public static {member} listing the choices");
        return ((IEnumerable)value).Cast<object>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray();
    }

    /// <summary>Every flag of <paramref name="t"/>, parts included, ordered by name.</summary>
    public static IReadOnlyList<OptionInfo> All(Type t) =>
        Collect(t, null).OrderBy(o => o.Name, StringComparer.Ordinal).ToList();

    static IEnumerable<OptionInfo> Collect(Type t, PropertyInfo? group)
    {
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<OptionAttribute>() is { } a) yield return new OptionInfo(a, p, group);
            else if (group is null && p.GetCustomAttribute<OptionGroupAttribute>() != null)
                foreach (var inner in Collect(p.PropertyType, p)) yield return inner;
        }
    }

    /// <summary>
    /// The official <c>print_options</c> text (written as <c>[phase]_opt.txt</c>): one line per option,
    /// <c>name: value</c> right-aligned, with the default in brackets when it differs.
    /// </summary>
    public static string Format(object options)
    {
        var defaults = Activator.CreateInstance(options.GetType())!;
        var sb = new StringBuilder("----------------- Options ---------------\n");
        foreach (var o in All(options.GetType()))
        {
            var v = Show(o.GetValue(options));
            var d = Show(o.GetValue(defaults));
            var comment = v != d ? $"\t[default: {d}]" : "";
            sb.Append($"{o.Name,25}: {v,-30}{comment}\n");
        }
        sb.Append("----------------- End -------------------\n");
        return sb.ToString();
    }

    static string Show(object? v) => v switch
    {
        bool b => b ? "True" : "False",
        long l when l == long.MaxValue => "inf",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        null => "None",
        _ => v.ToString() ?? "",
    };
}
