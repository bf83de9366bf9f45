using CycleGan.Inference;

namespace CycleGan.Tests.Inference;

/// <summary>The decode → network → write pipeline keeps input order, passes unreadable inputs on, and stops cleanly on errors.</summary>
public class InferencePipelineTests
{
    static readonly int[] Items = Enumerable.Range(0, 40).ToArray();

    static int Decode(int i) => i % 7 == 3 ? throw new UserError($"item {i}: not an image") : i;

    [Fact]
    public void Outputs_and_failures_reach_the_writer_in_input_order()
    {
        var seen = new List<string>();
        InferencePipeline.Run(Items, Decode, (i, x) => x * 10, (i, y) => seen.Add($"{i}:{y}"), (i, e) => seen.Add($"{i}:{e.Message}"), failFast: false);
        Assert.Equal(Items.Select(i => i % 7 == 3 ? $"{i}:item {i}: not an image" : $"{i}:{i * 10}"), seen);
    }

    [Fact]
    public void Fail_fast_writes_what_came_before_the_unreadable_input_then_throws_its_error()
    {
        var written = new List<int>();
        var e = Assert.Throws<UserError>(() =>
            InferencePipeline.Run(Items, Decode, (i, x) => x, (i, y) => written.Add(i), (i, _) => written.Add(-i), failFast: true));
        Assert.Equal("item 3: not an image", e.Message);
        Assert.Equal([0, 1, 2], written);
    }

    [Fact]
    public void A_write_error_stops_all_stages_and_is_rethrown_without_hanging()
    {
        int decoded = 0;
        var many = Enumerable.Range(0, 10_000).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => InferencePipeline.Run(many,
            i => { Interlocked.Increment(ref decoded); return i; },
            (i, x) => x,
            (i, y) => { if (i == 5) throw new InvalidOperationException("disk on fire"); },
            (i, _) => { }, failFast: false));
        Assert.Equal("disk on fire", e.Message);
        Assert.True(decoded < 100, $"{decoded} items decoded after the writer failed");
    }
}
