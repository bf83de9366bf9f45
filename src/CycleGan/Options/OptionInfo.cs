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

    OptionInfo(OptionAttribute attribute, PropertyInfo property, PropertyInfo? group, Type? modelGroup = null)
    {
        _attribute = attribute;
        Property = property;
        _group = group;
        ModelGroup = modelGroup;
    }

    /// <summary>For a flag of a model's own options (<see cref="OfModel"/>): the record that declares it (options of a
    /// record derived from it have the flag too); else null.</summary>
    public Type? ModelGroup { get; }

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

    object Target(object options)
    {
        if (ModelGroup is not null)
        {
            var flags = (options as BaseOptions)?.ModelFlags;
            return flags is not null && ModelGroup.IsInstanceOfType(flags) ? flags : throw new InvalidOperationException(
                $"--{Name} belongs to {ModelGroup.Name}, which these options ({options.GetType().Name}) do not carry");
        }
        return _group is null ? options : _group.GetValue(options)
            ?? throw new InvalidOperationException($"options part {_group.Name} of {options.GetType().Name} is null");
    }

    /// <summary>Whether <paramref name="options"/> have this flag (a model's flag only with that model's options).</summary>
    public bool AppliesTo(object options) =>
        ModelGroup is null || ((options as BaseOptions)?.ModelFlags is { } f && ModelGroup.IsInstanceOfType(f));

    /// <summary>The value of a flag's command-line text (a list: comma-separated); a malformed number is a user error.</summary>
    public object? Parse(string text)
    {
        CheckChoice(Type == typeof(string) ? text : null);
        try
        {
            return Type switch
            {
                var t when t == typeof(string) => text,
                var t when t == typeof(bool) => text.Length == 0 || bool.Parse(text),
                var t when t == typeof(IReadOnlyList<string>) =>
                    text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                var t => Convert.ChangeType(text, Nullable.GetUnderlyingType(t) ?? t, CultureInfo.InvariantCulture),
            };
        }
        catch (FormatException)
        {
            throw new UserError($"--{Name} {text}: not a {Type.Name}");
        }
    }

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

    /// <summary>Every flag of these options: those of their type and those of the model they carry, ordered by name.</summary>
    public static IReadOnlyList<OptionInfo> All(object options) =>
        [.. Collect(options.GetType(), null)
            .Concat((options as BaseOptions)?.ModelFlags is { } f ? OfModel(f.GetType()) : [])
            .OrderBy(o => o.Name, StringComparer.Ordinal)];

    /// <summary>The flags of a model's own options record (a <see cref="ModelOptions"/>), read through
    /// <see cref="BaseOptions.ModelFlags"/>.</summary>
    public static IReadOnlyList<OptionInfo> OfModel(Type modelOptions) =>
        [.. modelOptions.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<OptionAttribute>() != null)
            .Select(p => new OptionInfo(p.GetCustomAttribute<OptionAttribute>()!, p, null, p.DeclaringType ?? modelOptions))
            .OrderBy(o => o.Name, StringComparer.Ordinal)];

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
    /// The official <c>print_options</c> text (written as <c>[phase]_opt.txt</c>): one line per option, the model's
    /// own included, <c>name: value</c> right-aligned, with the default (the model's, e.g. from
    /// <c>TrainOptions.For(model)</c>) in brackets when it differs.
    /// </summary>
    public static string Format(object options, object defaults)
    {
        var sb = new StringBuilder("----------------- Options ---------------\n");
        foreach (var o in All(options))
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
