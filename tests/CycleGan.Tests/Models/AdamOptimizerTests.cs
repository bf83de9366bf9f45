using CycleGan.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CycleGan.Tests.Models;

/// <summary>
/// Our Adam against TorchSharp's <c>optim.Adam</c>, which earlier versions trained with and saved
/// <c>train_state/optimizer_*.bin</c> from: the same bits step after step, and the same saved bytes both ways.
/// </summary>
public sealed class AdamOptimizerTests
{
    const double Lr = 2e-4, Beta1 = 0.5;

    /// <summary>Two parameters and their gradients for 6 steps; the second has no gradient at steps 2 and 5.</summary>
    static (Tensor[] Init, Tensor?[][] Grads) Problem()
    {
        using var g = new Generator(7);
        Tensor[] init = [randn([3, 4, 5], generator: g), randn([6], generator: g)];
        var grads = new Tensor?[6][];
        for (int k = 0; k < grads.Length; k++)
        {
            // Gradients from 1 down to 1e-5, so that the moments and the bias corrections all matter.
            using var scale = Math.Pow(10, -k).ToScalar();
            grads[k] = [randn([3, 4, 5], generator: g).mul_(scale), k is 2 or 5 ? null : randn([6], generator: g)];
        }
        return (init, grads);
    }

    static Parameter[] Params(Tensor[] init) => [.. init.Select(t => new Parameter(t.clone()))];

    static void SetGrads(Parameter[] ps, Tensor?[] grads)
    {
        for (int i = 0; i < ps.Length; i++) ps[i].grad = grads[i]?.clone();
    }

    static byte[] Saved(Action<BinaryWriter> save)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) save(w);
        return ms.ToArray();
    }

    static int[] Bits(Tensor t) => [.. t.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)];

    static void AssertSameBits(Parameter[] expected, Parameter[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.Equal(Bits(expected[i]), Bits(actual[i]));
    }

    [Fact]
    public void Steps_give_the_bits_of_TorchSharps_Adam_with_a_changing_rate_and_skipped_parameters()
    {
        using var scope = NewDisposeScope();
        var (init, grads) = Problem();
        var theirs = Params(init);
        var ours = Params(init);
        using var ts = optim.Adam(theirs, Lr, Beta1, 0.999);
        using var adam = new AdamOptimizer(ours, Lr, Beta1, 0.999);
        for (int k = 0; k < grads.Length; k++)
        {
            var lr = Lr * (1 - k / 10.0);
            foreach (var g in ts.ParamGroups) g.LearningRate = lr;
            adam.LearningRate = lr;
            SetGrads(theirs, grads[k]);
            SetGrads(ours, grads[k]);
            ts.step();
            adam.Step();
            AssertSameBits(theirs, ours);
        }
        Assert.NotEqual(Bits(init[0]), Bits(theirs[0]));
    }

    [Fact]
    public void A_state_saved_by_TorchSharps_Adam_resumes_to_the_same_bits_and_ours_saves_the_same_bytes()
    {
        using var scope = NewDisposeScope();
        var (init, grads) = Problem();
        var theirs = Params(init);
        using var ts = optim.Adam(theirs, Lr, Beta1, 0.999);
        for (int k = 0; k < 3; k++)
        {
            SetGrads(theirs, grads[k]);
            ts.step();
        }
        foreach (var g in ts.ParamGroups) g.LearningRate = Lr / 2;
        var tsBytes = Saved(ts.save_state_dict);

        // A fresh optimizer (other rate and betas, as when resuming) takes everything from the state.
        var ours = Params([.. theirs.Select(p => p.detach())]);
        using var adam = new AdamOptimizer(ours, Lr, 0.9, 0.99);
        using (var r = new BinaryReader(new MemoryStream(tsBytes))) adam.Load(r);
        Assert.Equal(tsBytes, Saved(adam.Save));
        Assert.Equal((Lr / 2, Beta1, 0.999), (adam.LearningRate, adam.Beta1, adam.Beta2));

        for (int k = 3; k < grads.Length; k++)
        {
            SetGrads(theirs, grads[k]);
            SetGrads(ours, grads[k]);
            ts.step();
            adam.Step();
            AssertSameBits(theirs, ours);
        }

        // And back: TorchSharp's Adam reads what ours wrote.
        var back = Params([.. ours.Select(p => p.detach())]);
        using var ts2 = optim.Adam(back, Lr, Beta1, 0.999);
        var ourBytes = Saved(adam.Save);
        using (var r = new BinaryReader(new MemoryStream(ourBytes))) ts2.load_state_dict(r);
        Assert.Equal(ourBytes, Saved(ts2.save_state_dict));
        Assert.Equal(Saved(ts.save_state_dict), ourBytes);
    }

    [Fact]
    public void A_state_for_other_parameters_is_refused_and_changes_nothing()
    {
        using var scope = NewDisposeScope();
        var (init, grads) = Problem();
        var one = Params(init[..1]);
        using var small = new AdamOptimizer(one, Lr, Beta1);
        SetGrads(one, grads[0][..1]);
        small.Step();
        var bytes = Saved(small.Save);

        var two = Params(init);
        using var adam = new AdamOptimizer(two, Lr, Beta1);
        using (var r = new BinaryReader(new MemoryStream(bytes)))
            Assert.Throws<InvalidDataException>(() => adam.Load(r));

        // Same count, the second shape differs: the first tensor would fit, yet nothing of the state is taken.
        SetGrads(two, grads[0]);
        adam.Step();
        var mismatched = Params([init[0], zeros(7)]);
        using var other = new AdamOptimizer(mismatched, Lr / 2, Beta1);
        var before = Saved(other.Save);
        using (var r = new BinaryReader(new MemoryStream(Saved(adam.Save))))
            Assert.Throws<InvalidDataException>(() => other.Load(r));
        Assert.Equal(before, Saved(other.Save));
    }
}
