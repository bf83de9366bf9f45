using System.Reflection;
using System.Text;

namespace CycleGan.Options;

/// <summary>Reflection over <see cref="OptionAttribute"/> properties: listing, and the official opt.txt format.</summary>
public sealed record OptionInfo(string Name, string Help, string[] Choices, PropertyInfo Property)
{
    public static IReadOnlyList<OptionInfo> All(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, a: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.a != null)
            .Select(x => new OptionInfo(x.a!.Name, x.a.Help, x.a.Choices, x.p))
            .OrderBy(o => o.Name, StringComparer.Ordinal)
            .ToList();

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
            var v = Show(o.Property.GetValue(options));
            var d = Show(o.Property.GetValue(defaults));
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
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        null => "None",
        _ => v.ToString() ?? "",
    };
}
