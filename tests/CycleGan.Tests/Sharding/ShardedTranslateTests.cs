using System.Runtime.InteropServices;
using CycleGan.Data;
using CycleGan.Options;
using CycleGan.Sharding;
using CycleGan.Inference;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Sharding;

/// <summary>
/// `translate --shard I/N` and `cyclegan shards check`: shards together write exactly the unsharded output, a finished
/// shard rerun writes nothing, a half-done one redoes only what is missing, and the check catches what went wrong.
/// </summary>
public class ShardedTranslateTests
{
    static readonly string Checkpoint = TestPaths.Ref("legacy_ngf8", "latest_net_G.pth");

    static string[] Translate(string input, string output, params string[] more) =>
        ["translate", "--checkpoint", Checkpoint, "--ngf", "8", "--input", input, "--output", output, .. more];

    /// <summary>Seven small noise images of a few sizes (one not a multiple of 4, one in a subfolder), in sorted order.</summary>
    static List<string> WriteInputs(string dir, int n = 7)
    {
        var rng = new Random(7);
        var names = new List<string>();
        for (int k = 0; k < n; k++)
        {
            var name = k == n - 1 ? $"sub/img{k:D2}.png" : $"img{k:D2}.png";
            int w = new[] { 32, 30, 40 }[k % 3], h = 32;
            var px = new byte[w * h * 3];
            rng.NextBytes(px);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, name))!);
            ImageFile.SavePng(new RgbImage(w, h, 3, px), Path.Combine(dir, name));
            names.Add(name);
        }
        return names;
    }

    /// <summary>The translated images under a folder (not _shards/), by relative path.</summary>
    static SortedDictionary<string, byte[]> Images(string dir) =>
        new(Directory.EnumerateFiles(dir, "*.png", SearchOption.AllDirectories)
            .Where(f => !f.Contains(ShardManifest.Folder, StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes), StringComparer.Ordinal);

    [DllImport("libc", SetLastError = true)] static extern int stat(string path, byte[] buffer);

    /// <summary>Inode, size and modification time of every entry under a folder: what a rewrite would change.</summary>
    static SortedDictionary<string, string> Snapshot(string dir) =>
        new(Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToDictionary(p => p, p =>
        {
            var buf = new byte[256];
            Assert.Equal(0, stat(p, buf));
            var info = new FileInfo(p);
            return $"{BitConverter.ToUInt64(buf, 8)} {(info.Exists ? info.Length : -1)} {File.GetLastWriteTimeUtc(p).Ticks}";
        }), StringComparer.Ordinal);

    [Fact]
    public void Three_shards_together_write_exactly_the_unsharded_translation_byte_for_byte_and_pass_the_check()
    {
        using var tmp = TestPaths.NewTempDir("shards3");
        var names = WriteInputs(tmp["in"]);
        CliRunner.MustSucceed(Translate(tmp["in"], tmp["whole"]));
        for (int i = 0; i < 3; i++) CliRunner.MustSucceed(Translate(tmp["in"], tmp["sharded"], "--shard", $"{i}/3"));

        var whole = Images(tmp["whole"]);
        Assert.Equal(names.Select(n => Path.GetFileNameWithoutExtension(n) + ".png").Order(StringComparer.Ordinal), whole.Keys);
        Assert.Equal(whole, Images(tmp["sharded"]));
        // the pipelined folder run writes what translating each file alone writes
        using (var translator = new Translator(new TranslateOptions { Checkpoint = Checkpoint, Ngf = 8 }))
            foreach (var n in names)
            {
                var file = translator.TranslateFile(Path.Combine(tmp["in"], n), tmp["alone"]);
                Assert.Equal(File.ReadAllBytes(file), whole[Path.GetFileName(file)]);
            }
        // contiguous: 7 inputs in 3 shards are positions [0,2), [2,4), [4,7)
        var (_, middle) = ShardManifest.Read(Path.Combine(tmp["sharded"], "_shards", "shard-1-of-3.jsonl"));
        Assert.Equal(names[2..4], middle.Select(e => e.Input));
        Assert.All(Enumerable.Range(0, 3), i => Assert.True(File.Exists(Path.Combine(tmp["sharded"], "_shards", $"shard-{i}-of-3._SUCCESS"))));
        Assert.False(Directory.Exists(Path.Combine(tmp["whole"], "_shards")));

        var check = CliRunner.Run("shards", "check", tmp["sharded"]);
        Assert.True(check.ExitCode == 0, check.Stderr + check.Stdout);
        Assert.Contains("7 input(s) each translated exactly once", check.Stdout);
    }

    [Fact]
    public void A_finished_shard_run_again_writes_nothing_and_other_flags_are_refused()
    {
        using var tmp = TestPaths.NewTempDir("shardrerun");
        WriteInputs(tmp["in"]);
        CliRunner.MustSucceed(Translate(tmp["in"], tmp["out"], "--shard", "1/3"));
        var before = Snapshot(tmp["out"]);
        var again = CliRunner.MustSucceed(Translate(tmp["in"], tmp["out"], "--shard", "1/3"));
        Assert.Equal(before, Snapshot(tmp["out"]));
        Assert.Contains("(2 already done)", again.Stdout);
        // other flags give other outputs: the old ones are not taken as done, nor silently replaced
        var other = CliRunner.Run(Translate(tmp["in"], tmp["out"], "--shard", "1/3", "--eval"));
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("another checkpoint or other flags", other.Stderr);
        Assert.Equal(before, Snapshot(tmp["out"]));
    }

    [Fact]
    public void A_half_done_shard_redoes_only_its_missing_and_changed_outputs()
    {
        using var tmp = TestPaths.NewTempDir("shardhalf");
        WriteInputs(tmp["in"]);
        CliRunner.MustSucceed(Translate(tmp["in"], tmp["out"], "--shard", "0/1"));
        var original = Images(tmp["out"]);
        // as a killed run leaves it: no marker, one output never written, one not what the manifest says
        File.Delete(tmp["out/_shards/shard-0-of-1._SUCCESS"]);
        File.Delete(tmp["out/img01.png"]);
        File.WriteAllBytes(tmp["out/img03.png"], [1, 2, 3]);
        var before = Snapshot(tmp["out"]);

        var r = CliRunner.MustSucceed(Translate(tmp["in"], tmp["out"], "--shard", "0/1"));
        Assert.Contains("(5 already done)", r.Stdout);
        Assert.Equal(original, Images(tmp["out"]));
        var after = Snapshot(tmp["out"]);
        var unchanged = new[] { "img00.png", "img02.png", "img04.png", "img05.png", "img06.png" };
        foreach (var f in unchanged.Select(u => Path.Combine(tmp["out"], u))) Assert.Equal(before[f], after[f]);
        Assert.NotEqual(before[tmp["out/img03.png"]], after[tmp["out/img03.png"]]);
        Assert.Equal(0, CliRunner.Run("shards", "check", tmp["out"]).ExitCode);
    }

    [Fact]
    public void Shards_check_exits_2_listing_a_missing_shard_and_a_tampered_output()
    {
        using var tmp = TestPaths.NewTempDir("shardcheck");
        WriteInputs(tmp["in"]);
        for (int i = 0; i < 3; i++) CliRunner.MustSucceed(Translate(tmp["in"], tmp["out"], "--shard", $"{i}/3"));
        Assert.Equal(0, CliRunner.Run("shards", "check", tmp["out"]).ExitCode);

        var moved = tmp["kept"];
        Directory.CreateDirectory(moved);
        foreach (var f in Directory.GetFiles(tmp["out/_shards"], "shard-2-of-3*")) File.Move(f, Path.Combine(moved, Path.GetFileName(f)));
        var missing = CliRunner.Run("shards", "check", tmp["out"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Single(missing.Stderr.Trim().Split('\n'));
        Assert.Contains("shard 2/3: no manifest", missing.Stdout);
        Assert.Contains("3 of its 3 input(s) not translated", missing.Stdout);

        foreach (var f in Directory.GetFiles(moved)) File.Move(f, Path.Combine(tmp["out/_shards"], Path.GetFileName(f)));
        Assert.Equal(0, CliRunner.Run("shards", "check", tmp["out"]).ExitCode);
        var png = File.ReadAllBytes(tmp["out/img02.png"]);
        png[^20] ^= 0xFF;
        File.WriteAllBytes(tmp["out/img02.png"], png);
        var tampered = CliRunner.Run("shards", "check", tmp["out"]);
        Assert.Equal(2, tampered.ExitCode);
        Assert.Contains("img02.png (from img02.png) does not match its manifest", tampered.Stdout);
        Assert.Contains("1 problem(s)", tampered.Stderr);
    }

    [Fact]
    public void A_corrupt_input_is_recorded_while_the_others_are_translated_and_fail_fast_stops_at_it()
    {
        using var tmp = TestPaths.NewTempDir("shardbad");
        var names = WriteInputs(tmp["in"]);
        File.WriteAllText(tmp["in/img02b.png"], "not an image");

        var r = CliRunner.Run(Translate(tmp["in"], tmp["out"], "--shard", "0/1"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: translated 7 image(s) in shard 0/1, failed 1: img02b.png; all listed in "
                     + Path.Combine(tmp["out"], "_shards", "shard-0-of-1.jsonl"), r.Stderr.Trim());
        Assert.Equal(names.Select(n => Path.GetFileNameWithoutExtension(n) + ".png").Order(StringComparer.Ordinal), Images(tmp["out"]).Keys);
        var (_, entries) = ShardManifest.Read(tmp["out/_shards/shard-0-of-1.jsonl"]);
        var bad = Assert.Single(entries, e => !e.Ok);
        Assert.Equal("img02b.png", bad.Input);
        Assert.Contains("img02b.png", bad.Error);
        Assert.False(File.Exists(tmp["out/_shards/shard-0-of-1._SUCCESS"]));
        Assert.Equal(2, CliRunner.Run("shards", "check", tmp["out"]).ExitCode);

        var plain = CliRunner.Run(Translate(tmp["in"], tmp["plain"]));
        Assert.Equal(2, plain.ExitCode);
        Assert.StartsWith("error: translated 7 image(s), failed 1: img02b.png", plain.Stderr);
        Assert.Equal(7, Images(tmp["plain"]).Count);

        var fast = CliRunner.Run(Translate(tmp["in"], tmp["fast"], "--fail_fast"));
        Assert.Equal(2, fast.ExitCode);
        Assert.Contains("img02b.png", fast.Stderr);
        Assert.Equal(["img00.png", "img01.png", "img02.png"], Images(tmp["fast"]).Keys);
    }

    [Fact]
    public void Slurm_array_variables_pick_the_shard_and_bad_values_exit_2()
    {
        using var tmp = TestPaths.NewTempDir("shardslurm");
        WriteInputs(tmp["in"]);
        // sbatch --array=1-3: task 3 is the last of three shards, positions [4, 7)
        using (var env = new EnvironmentScope(("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1")))
        {
            var r = CliRunner.MustSucceed(Translate(tmp["in"], tmp["out"]));
            Assert.Contains("shard 2/3 (from SLURM_ARRAY_TASK_ID)", r.Stdout);
            Assert.Equal(["img04.png", "img05.png", "img06.png"], Images(tmp["out"]).Keys.Select(Path.GetFileName));
            Assert.True(File.Exists(tmp["out/_shards/shard-2-of-3._SUCCESS"]));
            var flag = CliRunner.MustSucceed(Translate(tmp["in"], tmp["flag"], "--shard", "0/3"));
            Assert.Equal(["img00.png", "img01.png"], Images(tmp["flag"]).Keys);
            env.Set("SLURM_ARRAY_TASK_ID", "4");
            var bad = CliRunner.Run(Translate(tmp["in"], tmp["bad"]));
            Assert.Equal(2, bad.ExitCode);
            Assert.Single(bad.Stderr.Trim().Split('\n'));
            Assert.Contains("SLURM_ARRAY_TASK_ID=4", bad.Stderr);
        }
        var wrong = CliRunner.Run(Translate(tmp["in"], tmp["wrong"], "--shard", "3/3"));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Single(wrong.Stderr.Trim().Split('\n'));
        Assert.Contains("--shard '3/3'", wrong.Stderr);
    }
}
