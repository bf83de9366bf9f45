using CycleGan.Checkpoints;
using CycleGan.Tests.Reliability;
using Xunit.Abstractions;

namespace CycleGan.Tests.Checkpoints;

/// <summary>
/// Seeded corruptions of real reference files: every read either succeeds or fails with a
/// <see cref="UserError"/> — never another exception, a hang or a crash.
/// </summary>
public class CheckpointFuzzTests(ITestOutputHelper output)
{
    const int CasesPerFile = 200;
    static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    static byte[] Corrupt(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        // Headers (pickle, zip local headers, safetensors JSON) sit at the start, the zip directory at the end.
        int Pos(int len) => rng.Next(3) switch
        {
            0 => rng.Next(Math.Min(len, 4096)),
            1 => Math.Max(0, len - 1 - rng.Next(Math.Min(len, 1024))),
            _ => rng.Next(len),
        };
        switch (rng.Next(4))
        {
            case 0: return ByteMutations.FlipBits(b, rng, Pos);
            case 1: return ByteMutations.Truncate(b, Pos);
            case 2: return ByteMutations.Insert(b, rng, Pos, maxBytes: 8);
            default:
                {
                    var at = Pos(b.Length - 8);
                    var huge = rng.Next(3) switch { 0 => 0xFF, 1 => 0x7F, _ => 0x80 };
                    for (int i = 0, n = rng.Next(2) == 0 ? 4 : 8; i < n; i++) b[at + i] = (byte)(i == n - 1 ? huge : 0xFF);
                    return b;
                }
        }
    }

    [Theory]
    [InlineData("shared_storage/latest_net_D.pth", 1)]
    [InlineData("shared_storage/latest_net_D_legacy.pth", 2)]
    [InlineData("legacy_ngf8/latest_net_G_tracked.pth", 3)]
    [InlineData("shared_storage/weights.safetensors", 4)]
    public async Task Corrupted_reference_files_read_or_fail_with_a_user_error(string file, int seed)
    {
        var original = File.ReadAllBytes(TestPaths.Ref(file.Split('/')));
        Func<string, StateDict> read = file.EndsWith(".safetensors", StringComparison.Ordinal) ? SafeTensorsFile.Read : PthFile.Read;
        var rng = new Random(seed);
        using var dir = TestPaths.NewTempDir("fuzz");
        var failures = new List<string>();
        int ok = 0, rejected = 0;
        for (var i = 0; i < CasesPerFile; i++)
        {
            var path = dir[$"case{i}{Path.GetExtension(file)}"];
            File.WriteAllBytes(path, Corrupt(original, rng));
            var task = Task.Run(() => { using var sd = read(path); });
            try
            {
                await task.WaitAsync(PerCase);
                ok++;
            }
            catch (TimeoutException)
            {
                failures.Add($"case {i}: no answer within {PerCase.TotalSeconds} s");
            }
            catch (UserError)
            {
                rejected++;
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {e.GetType().Name}: {e.Message}");
            }
            File.Delete(path);
        }
        output.WriteLine($"{file}: {CasesPerFile} corruptions, {ok} read, {rejected} rejected with a user error, {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {CasesPerFile} cases ({ok} read, {rejected} rejected):\n" + string.Join("\n", failures.Take(20)));
    }
}
