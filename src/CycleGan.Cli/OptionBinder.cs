using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using CycleGan.Options;

namespace CycleGan.Cli;

/// <summary>
/// Builds System.CommandLine flags from an options record's <see cref="OptionAttribute"/> properties (names, aliases,
/// help and allowed values live on the record; allowed values are read from their registry) and copies back only the
/// flags the user gave, so defaults applied in between (a model's) are kept unless overridden. Every command binds its
/// flags through this.
/// </summary>
public sealed class OptionBinder<T> where T : class, new()
{
    readonly List<(OptionInfo Info, Option Option)> _options = [];

    public OptionBinder(Command command)
    {
        var defaults = new T();
        foreach (var info in OptionInfo.All(typeof(T)))
        {
            var option = Create(info, info.GetValue(defaults));
            command.Options.Add(option);
            _options.Add((info, option));
        }
    }

    static Option Create(OptionInfo info, object? defaultValue)
    {
        var name = "--" + info.Name;
        var aliases = info.Aliases.Select(a => "--" + a).ToArray();
        var shown = Show(defaultValue);
        var help = info.Help + (defaultValue is bool || shown == "" ? "" : $" (default: {shown})");
        Option option = info.Type switch
        {
            var t when t == typeof(bool) => new Option<bool>(name, aliases) { Arity = ArgumentArity.ZeroOrOne },
            var t when t == typeof(int) => new Option<int>(name, aliases),
            var t when t == typeof(int?) => new Option<int?>(name, aliases),
            var t when t == typeof(long) => new Option<long>(name, aliases),
            var t when t == typeof(double) => new Option<double>(name, aliases),
            var t when t == typeof(double?) => new Option<double?>(name, aliases),
            var t when t == typeof(string) || t == typeof(IReadOnlyList<string>) => new Option<string>(name, aliases),
            var t => throw new InvalidOperationException($"--{info.Name}: flags of type {t.Name} are not supported"),
        };
        option.Description = defaultValue is bool ? info.Help : help;
        option.Hidden = info.Hidden;
        option.Required = info.Required;
        if (option is Option<string> s && info.Choices.Count > 0)
        {
            s.HelpName = string.Join("|", info.Choices);
            s.CompletionSources.Add(_ => info.Choices.Select(c => new CompletionItem(c)));
            // Checked against the registry when parsing: one line naming the flag and the allowed values.
            s.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<string>() is { } v && !info.Choices.Contains(v)) r.AddError(info.ChoiceError(v));
            });
        }
        return option;
    }

    static string Show(object? v) => v switch
    {
        long l when l == long.MaxValue => "inf",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IReadOnlyList<string> list => string.Join(",", list),
        null => "",
        _ => v.ToString() ?? "",
    };

    /// <summary>Whether the user gave the flag <c>--name</c> (under any of its spellings).</summary>
    public bool Given(ParseResult parse, string name)
    {
        var option = _options.FirstOrDefault(o => o.Info.Name == name).Option
            ?? throw new ArgumentException($"{typeof(T).Name} has no flag --{name}", nameof(name));
        return parse.GetResult(option) is { Implicit: false };
    }

    /// <summary>The value of <c>--model</c> as given (or null), read before the options object is made.</summary>
    public string? GivenModel(ParseResult parse)
    {
        var model = _options.FirstOrDefault(o => o.Info.Name == "model").Option;
        return model != null && parse.GetResult(model) is { Implicit: false } ? parse.GetValue((Option<string>)model) : null;
    }

    /// <summary>
    /// Makes the options: record defaults, then for train/test options the model's defaults (official
    /// modify_commandline_options), then <paramref name="afterDefaults"/>, then the flags given.
    /// </summary>
    public T Bind(ParseResult parse, Action<T>? afterDefaults = null)
    {
        var opt = new T();
        if (opt is BaseOptions b)
        {
            if (GivenModel(parse) is { } model) b.Model = model;
            ModelDefaults.Apply(b);
        }
        afterDefaults?.Invoke(opt);
        foreach (var (info, option) in _options)
        {
            var result = parse.GetResult(option);
            if (result is null || result.Implicit) continue;
            object? value = option switch
            {
                Option<bool> o => parse.GetValue(o),
                Option<int> o => parse.GetValue(o),
                Option<int?> o => parse.GetValue(o),
                Option<long> o => parse.GetValue(o),
                Option<double> o => parse.GetValue(o),
                Option<double?> o => parse.GetValue(o),
                Option<string> o when info.Type == typeof(IReadOnlyList<string>) =>
                    (parse.GetValue(o) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Option<string> o => parse.GetValue(o),
                _ => null,
            };
            info.SetValue(opt, value);
        }
        return opt;
    }
}
