using System.CommandLine;
using System.Globalization;
using CycleGan.Options;

namespace CycleGan.Cli;

/// <summary>
/// Builds System.CommandLine flags from an options record's <see cref="OptionAttribute"/> properties (official names,
/// help and choices live on the record) and copies back only the flags the user gave, so model-specific defaults
/// applied in between are kept unless overridden.
/// </summary>
public sealed class OptionBinder<T> where T : BaseOptions, new()
{
    readonly List<(OptionInfo Info, Option Option)> _options = [];

    public OptionBinder(Command command)
    {
        var defaults = new T();
        foreach (var info in OptionInfo.All(typeof(T)))
        {
            var option = Create(info, info.Property.GetValue(defaults));
            command.Options.Add(option);
            _options.Add((info, option));
        }
    }

    static Option Create(OptionInfo info, object? defaultValue)
    {
        var name = "--" + info.Name;
        var help = info.Help + (defaultValue is bool ? "" : $" (default: {Show(defaultValue)})");
        Option option = info.Property.PropertyType switch
        {
            var t when t == typeof(bool) => new Option<bool>(name) { Description = info.Help, Arity = ArgumentArity.ZeroOrOne },
            var t when t == typeof(int) => new Option<int>(name) { Description = help },
            var t when t == typeof(long) => new Option<long>(name) { Description = help },
            var t when t == typeof(double) => new Option<double>(name) { Description = help },
            _ => new Option<string>(name) { Description = help },
        };
        if (info.Choices.Length > 0 && option is Option<string> s)
            s.AcceptOnlyFromAmong(info.Choices);
        return option;
    }

    static string Show(object? v) => v switch
    {
        long l when l == long.MaxValue => "inf",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        null => "",
        _ => v.ToString() ?? "",
    };

    /// <summary>The value of <c>--model</c> as given (or null), read before the options object is made.</summary>
    public string? GivenModel(ParseResult parse)
    {
        var model = _options.FirstOrDefault(o => o.Info.Name == "model").Option;
        return model != null && parse.GetResult(model) is { Implicit: false } ? parse.GetValue((Option<string>)model) : null;
    }

    /// <summary>
    /// Makes the options: record defaults, then the model's defaults (official modify_commandline_options), then the flags given.
    /// </summary>
    public T Bind(ParseResult parse, Action<T>? afterModelDefaults = null)
    {
        var opt = new T();
        var model = GivenModel(parse);
        if (model != null) opt.Model = model;
        ModelDefaults.Apply(opt);
        afterModelDefaults?.Invoke(opt);
        foreach (var (info, option) in _options)
        {
            var result = parse.GetResult(option);
            if (result is null || result.Implicit) continue;
            object? value = option switch
            {
                Option<bool> b => parse.GetValue(b),
                Option<int> i => parse.GetValue(i),
                Option<long> l => parse.GetValue(l),
                Option<double> d => parse.GetValue(d),
                Option<string> s => parse.GetValue(s),
                _ => null,
            };
            info.Property.SetValue(opt, value);
        }
        return opt;
    }
}
