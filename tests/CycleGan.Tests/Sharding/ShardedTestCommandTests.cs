using CycleGan.Data;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Sharding;

/// <summary>`test --shard I/N` splits test.py's items like translate splits files: the shards' images are the unsharded run's.</summary>
public class ShardedTestCommandTests
{
    [Fact]
    public void Three_test_shards_write_exactly_the_unsharded_test_images_and_pass_the_check()
    {
        using var tmp = TestPaths.NewTempDir("testshards");
        var rng = new Random(3);
        for (int k = 0; k < 5; k++)
        {
            var px = new byte[40 * 32 * 3];
            rng.NextBytes(px);
            ImageFile.SavePng(new RgbImage(40, 32, 3, px), tmp[$"data/p{k}.png"]);
        }
        Directory.CreateDirectory(tmp["ck/legacy"]);
        File.Copy(TestPaths.Ref("legacy_ngf8", "latest_net_G.pth"), tmp["ck/legacy/latest_net_G.pth"]);
        string[] Test(string results, params string[] more) =>
            ["test", "--dataroot", tmp["data"], "--name", "legacy", "--model", "test", "--no_dropout", "--ngf", "8", "--load_size", "32", "--crop_size", "32",
             "--num_test", "4", "--checkpoints_dir", tmp["ck"], "--results_dir", tmp[results], .. more];
        CliRunner.MustSucceed(Test("whole"));
        for (int i = 0; i < 3; i++) CliRunner.MustSucceed(Test("sharded", "--shard", $"{i}/3"));

        static SortedDictionary<string, byte[]> Images(string dir) =>
            new(Directory.GetFiles(Path.Combine(dir, "images")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes), StringComparer.Ordinal);
        var whole = Images(tmp["whole/legacy/test_latest"]);
        // num_test 4 of the 5 images, each written as real and fake
        Assert.Equal(8, whole.Count);
        Assert.Equal(whole, Images(tmp["sharded/legacy/test_latest"]));
        Assert.True(File.Exists(tmp["sharded/legacy/test_latest/index-shard-1-of-3.html"]));
        var check = CliRunner.Run("shards", "check", tmp["sharded/legacy/test_latest"]);
        Assert.True(check.ExitCode == 0, check.Stderr + check.Stdout);
        Assert.Contains("4 input(s) each translated exactly once, 8 output(s) verified", check.Stdout);
    }
}
