using System.CommandLine;
using CycleGan.Sharding;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan shards check DIR`: did a job's shards translate every input exactly once (<see cref="ShardCheck"/>)?</summary>
public static class ShardsCommand
{
    public static Command Create()
    {
        var shards = new Command("shards", "Inspect the shards of a translate/test job array");
        var dir = new Argument<string>("DIR")
        {
            Description = "the --output folder of translate, or the results folder of test (holding _shards/)",
        };
        var check = new Command("check",
            "Verify that every input was translated exactly once across all shards; exit 0, or 2 listing the problems") { dir };
        check.SetAction(parse =>
        {
            var result = ShardCheck.Run(parse.GetValue(dir)!);
            if (result.Ok) { parse.InvocationConfiguration.Output.WriteLine(result.Summary); return 0; }
            foreach (var p in result.Problems) parse.InvocationConfiguration.Output.WriteLine(p);
            parse.InvocationConfiguration.Error.WriteLine("error: " + result.Summary);
            return 2;
        });
        shards.Subcommands.Add(check);
        return shards;
    }
}
