using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using CycleGan.Models;
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
    // Each flag, and its old spellings as hidden flags of their own, so that help shows one style.
    readonly List<(OptionInfo Info, Option Option, Option[] Aliases)> _options = [];

    public OptionBinder(Command command)
    {
        var defaults = new T();
        foreach (var info in Flags())
        {
            var dflt = info.ModelGroup is { } g ? info.Property.GetValue(Activator.CreateInstance(g)) : info.GetValue(defaults);
            var option = Create(info, "--" + info.Name, dflt);
            var aliases = info.Aliases.Select(a => Create(info, "--" + a, dflt)).ToArray();
            foreach (var a in aliases) a.Hidden = true;
            command.Options.Add(option);
            foreach (var a in aliases) command.Options.Add(a);
            _options.Add((info, option, aliases));
        }
    }

    // Train and test options also take every model's own flags (a flag shared by two models' records, once).
    static IEnumerable<OptionInfo> Flags() => !typeof(BaseOptions).IsAssignableFrom(typeof(T)) ? OptionInfo.All(typeof(T))
        : OptionInfo.All(typeof(T)).Concat(ModelRegistry.OptionTypes.SelectMany(OptionInfo.OfModel).DistinctBy(i => i.Name));

    static Option Create(OptionInfo info, string name, object? defaultValue)
    {
        var shown = Show(defaultValue);
        var help = info.Help + (defaultValue is bool || shown == "" ? "" : $" (default: {shown})");
        Option option = info.Type switch
        {
            var t when t == typeof(bool) => new Option<bool>(name) { Arity = ArgumentArity.ZeroOrOne },
            var t when t == typeof(int) => new Option<int>(name),
            var t when t == typeof(int?) => new Option<int?>(name),
            var t when t == typeof(long) => new Option<long>(name),
            var t when t == typeof(double) => new Option<double>(name),
            var t when t == typeof(double?) => new Option<double?>(name),
            var t when t == typeof(string) => new Option<string>(name),
            // Lists: several values after the flag, the flag repeated, or values separated by commas.
            var t when t == typeof(IReadOnlyList<string>) => new Option<string[]>(name) { AllowMultipleArgumentsPerToken = true },
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
        var entry = _options.FirstOrDefault(o => o.Info.Name == name);
        if (entry.Option is null) throw new ArgumentException($"{typeof(T).Name} has no flag --{name}", nameof(name));
        return GivenAs(parse, entry.Option, entry.Aliases) != null;
    }

    /// <summary>The spelling the user gave (the flag or an old spelling), or null.</summary>
    static Option? GivenAs(ParseResult parse, Option option, Option[] aliases) =>
        new[] { option }.Concat(aliases).FirstOrDefault(o => parse.GetResult(o) is { Implicit: false });

    /// <summary>The value of <c>--model</c> as given (or null), read before the options object is made.</summary>
    public string? GivenModel(ParseResult parse)
    {
        var entry = _options.FirstOrDefault(o => o.Info.Name == "model");
        return entry.Option is null ? null : GivenAs(parse, entry.Option, entry.Aliases) is Option<string> m ? parse.GetValue(m) : null;
    }

    /// <summary>
    /// Makes the options: record defaults, then for train/test options the model's defaults (official
    /// modify_commandline_options, which may read the model's flags given, as CUT's --CUT_mode), then
    /// <paramref name="afterDefaults"/>, then the flags given. A flag of another model than the one chosen is a user
    /// error, as the official parser rejects it; a flag two models declare is the chosen model's.
    /// </summary>
    public T Bind(ParseResult parse, Action<T>? afterDefaults = null)
    {
        var opt = new T();
        if (opt is BaseOptions b)
            opt = (T)(object)ModelRegistry.NewOptions(typeof(T), GivenModel(parse) ?? b.Model, flags =>
            {
                foreach (var (info, flag, aliases) in _options)
                    if (info.ModelGroup is not null && GivenAs(parse, flag, aliases) is { } option
                        && ModelFlag(flags, info.Name) is { } own)
                        own.Property.SetValue(flags, Value(parse, option));
            });
        afterDefaults?.Invoke(opt);
        foreach (var (info, flag, aliases) in _options)
        {
            if (GivenAs(parse, flag, aliases) is not { } option) continue;
            var target = info;
            if (info.ModelGroup is not null)
            {
                var model = ((BaseOptions)(object)opt).Model;
                target = ((BaseOptions)(object)opt).ModelFlags is { } flags ? ModelFlag(flags, info.Name) : null;
                var owners = ModelRegistry.Names
                    .Where(n => ModelFlag(ModelRegistry.Get(n).Options(), info.Name) != null);
                if (target is null)
                    throw new UserError($"--{info.Name} is not a flag of --model {model} (it belongs to --model " +
                        $"{string.Join(", ", owners)})");
            }
            target.SetValue(opt, Value(parse, option));
        }
        return opt;
    }

    /// <summary>The flag <c>--name</c> of the model options record <paramref name="flags"/>, or null.</summary>
    static OptionInfo? ModelFlag(ModelOptions flags, string name) =>
        OptionInfo.OfModel(flags.GetType()).FirstOrDefault(i => i.Name == name);

    static object? Value(ParseResult parse, Option option) => option switch
    {
        Option<bool> o => parse.GetValue(o),
        Option<int> o => parse.GetValue(o),
        Option<int?> o => parse.GetValue(o),
        Option<long> o => parse.GetValue(o),
        Option<double> o => parse.GetValue(o),
        Option<double?> o => parse.GetValue(o),
        Option<string[]> o => (parse.GetValue(o) ?? [])
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray(),
        Option<string> o => parse.GetValue(o),
        _ => null,
    };
}
