using System.CommandLine;
using CycleGan.Options;
using CycleGan.Sharding;
using CycleGan.Inference;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan test`: the official test.py (see <see cref="TestRunner"/>).</summary>
public static class TestCommand
{
    public static Command Create()
    {
        var cmd = new Command("test", "Apply trained generators with the official test.py options; writes " +
            "<results_dir>/<name>/<phase>_<epoch>/images and index.html");
        var binder = new OptionBinder<TestOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var opt = binder.Bind(parse);
            opt.ApplySuffix();
            opt.ApplyTestOverrides();
            var output = parse.InvocationConfiguration.Output;
            if (opt.UseWandb) output.WriteLine("warning: --use_wandb is ignored (no network access)");
            var shard = ShardSpec.Resolve(opt.Sharding.Shard, opt.Sharding.Shards, Environment.GetEnvironmentVariable);
            if (shard != null) output.WriteLine($"shard {shard} (from {shard.Source})");
            var result = TestRunner.RunBatch(opt, shard, output.WriteLine);
            if (result.Failed.Count > 0) throw new UserError(result.Summary("tested"));
            output.WriteLine($"results in {result.OutputDir}");
            return 0;
        });
        return cmd;
    }
}
