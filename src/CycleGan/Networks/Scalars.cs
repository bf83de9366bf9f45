using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Networks;

/// <summary>
/// The Scalars our tensor code passes to libtorch, each alive for the whole call (TORCHSHARP-NOTES "Implicit Scalars are
/// freed mid-call": an implicit <c>double → Scalar</c>, and every tensor <c>+</c>, can be freed by a GC while libtorch
/// reads it). Constants are immortal; a number known only at run time goes through <see cref="Times"/>.
/// The types are those TorchSharp's own conversions make (int 1 as <c>a + b</c>'s alpha, int 2 as <c>square()</c>'s
/// exponent), so every result keeps its bits.
/// </summary>
public static class Scalars
{
    public static readonly Scalar Zero, One, Two, Half;

    static Scalars()
    {
        TorchRuntime.EnsureLoaded(); // a Scalar is made by libtorch: load it our way (tuned heap, diagnosed failure) first
        Zero = 0.0.ToScalar();
        One = 1.ToScalar();
        Two = 2.ToScalar();
        Half = 0.5.ToScalar();
    }

    /// <summary><c>terms[0] + terms[1] + …</c> from left to right, as C#'s <c>+</c> would add them.</summary>
    public static Tensor Sum(params ReadOnlySpan<Tensor> terms)
    {
        var sum = terms[0];
        for (int i = 1; i < terms.Length; i++) sum = sum.add(terms[i], One);
        return sum;
    }

    /// <summary><c>t · factor</c> for a number known at run time (a λ from the options), its Scalar held until done.</summary>
    public static Tensor Times(this Tensor t, double factor)
    {
        using var s = factor.ToScalar();
        return t.mul(s);
    }

    /// <summary>
    /// The value of a one-element tensor. TorchSharp's <c>ToDouble()</c> is <c>ToScalar().ToDouble()</c> with the Scalar
    /// unrooted during the native read (seen: "toDouble at c10/core/Scalar.h:141" under GC stress); here it is held.
    /// </summary>
    public static double Value(this Tensor t)
    {
        using var s = t.ToScalar();
        return s.ToDouble();
    }

    /// <summary>The truth of a one-element bool tensor, its Scalar held (see <see cref="Value"/>).</summary>
    public static bool IsTrue(this Tensor t)
    {
        using var s = t.ToScalar();
        return s.ToBoolean();
    }
}
