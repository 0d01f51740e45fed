using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Activation functions <c>a = f(z)</c> and their backward steps <c>g ← g ⊙ f′(z)</c>, over spans and scalars.
/// Forward methods write <c>a</c> (which may be the same span as <c>z</c>); backward methods scale the incoming
/// gradient <c>g = ∂L/∂a</c> in place into <c>δ = ∂L/∂z</c>.
/// </summary>
public static partial class Activations
{
    private const double InvSqrt2 = 0.70710678118654752440;

    // ----- scalar forms -----------------------------------------------------------------------------------------

    /// <summary><c>σ(z) = 1 / (1 + e^(−z))</c> by <see cref="FastMath.Sigmoid(float)"/> (≤ 3.96 ulp); exact limits 0 and 1, never NaN for finite z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z) => FastMath.Sigmoid(z);

    /// <summary><c>tanh(z)</c> by <see cref="FastMath.Tanh(float)"/> (≤ 7.09 ulp, |tanh| ≤ 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z) => FastMath.Tanh(z);

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z) => z > 0f ? z : 0f;

    /// <summary><c>z</c> if <c>z &gt; 0</c>, else <c>slope·z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z, float slope) => z > 0f ? z : slope * z;

    /// <summary>Heaviside step: 1 if <c>z &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Step(float z) => z > 0f ? 1f : 0f;

    /// <summary><c>sign(z)</c> ∈ {−1, 0, 1} (NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sign(float z) => z > 0f ? 1f : z < 0f ? -1f : z;

    /// <summary>Exact (erf) GELU <c>z·Φ(z)</c>, <c>Φ(z) = ½·erfc(−z/√2)</c>, by <see cref="FastMath.Gelu(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gelu(float z) => FastMath.Gelu(z);

    /// <summary>GELU′(z) = Φ(z) + z·φ(z), φ the standard normal density, by <see cref="FastMath.GeluDerivative(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluDerivative(float z) => FastMath.GeluDerivative(z);

    /// <summary>Φ(z), the standard normal distribution function, in double precision (a reference; networks use <see cref="FastMath.NormalCdf(float)"/>).</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z * InvSqrt2);

    /// <summary>
    /// The complementary error function in double precision, Chebyshev fit with fractional error below 1.2·10⁻⁷ everywhere
    /// (Press et al., <i>Numerical Recipes</i>, §6.2).
    /// </summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    /// <summary>The error function, <c>1 − erfc(x)</c>, in double precision.</summary>
    public static double Erf(double x) => 1.0 - Erfc(x);

    // ----- forward over spans (vectorised: 512 → 256 → 128 → scalar, every element computed once) ---------------

    /// <summary><c>a = σ(z)</c> element-wise.</summary>
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<SigmoidOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>a = tanh(z)</c> element-wise.</summary>
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<TanhOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>a = max(0, z)</c> element-wise (+0 for z ≤ 0).</summary>
    public static void ReLU(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<ReLUOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>a = z</c> where <c>z &gt; 0</c>, else <c>slope·z</c>.</summary>
    public static void LeakyReLU(ReadOnlySpan<float> z, Span<float> a, float slope)
    {
        CheckSameLength(z.Length, a.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float ar = ref MemoryMarshal.GetReference(a);
        int n = z.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(slope);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref zr, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * s).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(slope);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref zr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * s).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> s = Vector128.Create(slope);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref zr, (nuint)i);
                Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128<float>.Zero), v, v * s).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref zr, i);
            Unsafe.Add(ref ar, i) = v > 0f ? v : slope * v;
        }
    }

    /// <summary>Exact (erf) GELU element-wise.</summary>
    public static void Gelu(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<GeluOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary>Heaviside step element-wise.</summary>
    public static void Step(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<StepOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary>Sign element-wise.</summary>
    public static void Sign(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Sign(z[i]);
        }
    }

    /// <summary><c>a = z</c> (copies when the spans differ).</summary>
    public static void Identity(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        z.CopyTo(a);
    }

    /// <summary>
    /// <c>aₖ = e^(zₖ − m) / Σⱼ e^(zⱼ − m)</c> with <c>m = maxⱼ zⱼ</c>: subtracting the maximum keeps every exponent ≤ 0,
    /// so nothing overflows. From 4 to 16 classes the logits are held in two overlapping vectors (at 0 and at n − width)
    /// and written back once, with no scalar tail; the overlapping lanes are masked out of the sum. (Measured on Zen 5 for
    /// 10 classes: 38 ns with a vector and a scalar tail, 12 ns this way; AVX-512 masked loads and stores were slower
    /// still, because a masked store does not forward to later loads.)
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float ar = ref MemoryMarshal.GetReference(a);
        int n = z.Length;
        if (Vector512.IsHardwareAccelerated && n >= 4 && n <= 16)
        {
            // The layout of DenseKernels.ForwardSoftmax, so both give the same bits for the same logits.
            int blocks = (n + 3) / 4;
            Vector128<float> z0 = Vector128.LoadUnsafe(ref zr);
            Vector128<float> z1 = blocks > 1 ? Vector128.LoadUnsafe(ref zr, (nuint)Math.Min(4, n - 4)) : z0;
            Vector128<float> z2 = blocks > 2 ? Vector128.LoadUnsafe(ref zr, (nuint)Math.Min(8, n - 4)) : z0;
            Vector128<float> z3 = blocks > 3 ? Vector128.LoadUnsafe(ref zr, (nuint)(n - 4)) : z0;
            SoftmaxBlocks(z0, z1, z2, z3, n, ref zr, keepLogits: false, ref ar);
            return;
        }
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count && n <= 2 * Vector256<float>.Count)
        {
            SoftmaxOverlapping(ref zr, ref ar, n);
            return;
        }
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count && n < Vector256<float>.Count)
        {
            SoftmaxOverlapping128(ref zr, ref ar, n);
            return;
        }
        float max = Max(ref zr, n);
        float sum = ExpSubtractSum(ref zr, ref ar, n, max);
        Scale(ref ar, n, 1f / sum);
    }

    /// <summary>
    /// Softmax of 4 ≤ n ≤ 16 logits held as four blocks of four lanes, block k holding elements from min(4k, n − 4) (the
    /// last block overlaps the one before when n is not a multiple of 4; blocks past the end repeat block 0): the maximum over
    /// all lanes, one 16-lane exp, a sum with the repeated lanes masked out, then each block stored once (also the logits
    /// into <paramref name="z"/> when <paramref name="keepLogits"/>). Both vectors are computed before anything is stored,
    /// so z and a may be the same memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SoftmaxBlocks(Vector128<float> z0, Vector128<float> z1, Vector128<float> z2, Vector128<float> z3, int n,
        ref float z, bool keepLogits, ref float a)
    {
        int blocks = (n + 3) / 4;
        int start1 = Math.Min(4, n - 4), start2 = Math.Min(8, n - 4), start3 = n - 4;
        Vector512<float> logits = Vector512.Create(Vector256.Create(z0, z1), Vector256.Create(z2, z3));
        // Lane j of block k is new if start_k + j ≥ 4k: the last start_k + 4 − 4k lanes; none of a block past the end.
        Vector512<float> fresh = Vector512.Create(
            Vector256.Create(Vector128<float>.AllBitsSet, blocks > 1 ? LastLanes(start1) : Vector128<float>.Zero),
            Vector256.Create(blocks > 2 ? LastLanes(start2 - 4) : Vector128<float>.Zero, blocks > 3 ? LastLanes(start3 - 8) : Vector128<float>.Zero));
        // Repeated lanes never change the maximum; a NaN logit makes every output NaN.
        Vector256<float> m8 = VectorMath.Max(logits.GetLower(), logits.GetUpper());
        Vector128<float> m4 = VectorMath.Max(m8.GetLower(), m8.GetUpper());
        m4 = VectorMath.Max(m4, Vector128.Shuffle(m4, Vector128.Create(2, 3, 0, 1)));
        m4 = VectorMath.Max(m4, Vector128.Shuffle(m4, Vector128.Create(1, 0, 3, 2)));
        Vector512<float> e = FastMath.Exp(logits - Vector512.Create(m4.ToScalar()));
        Vector512<float> p = e * Vector512.Create(1f / Vector512.Sum(e & fresh));
        if (keepLogits)
        {
            StoreBlocks(logits, ref z, blocks, start1, start2, start3);
        }
        StoreBlocks(p, ref a, blocks, start1, start2, start3);
    }

    /// <summary>Stores block k of <paramref name="v"/> at its start (block 0 at 0); blocks past the end are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlocks(Vector512<float> v, ref float target, int blocks, int start1, int start2, int start3)
    {
        if (blocks > 3)
        {
            v.GetUpper().GetUpper().StoreUnsafe(ref target, (nuint)start3);
        }
        if (blocks > 2)
        {
            v.GetUpper().GetLower().StoreUnsafe(ref target, (nuint)start2);
        }
        if (blocks > 1)
        {
            v.GetLower().GetUpper().StoreUnsafe(ref target, (nuint)start1);
        }
        v.GetLower().GetLower().StoreUnsafe(ref target);
    }

    /// <summary>Ones in the last <paramref name="count"/> of four lanes (0 ≤ count ≤ 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> LastLanes(int count) =>
        Vector128.LoadUnsafe(ref Unsafe.As<uint, float>(ref Unsafe.AsRef(in OverlapMask[0])), (nuint)(4 + count));

    /// <summary>16 lanes: 8 zeros then 8 all-ones; loading 8 lanes at index r gives ones in the last r lanes (4 lanes at 4 + r: the last r of 4).</summary>
    private static ReadOnlySpan<uint> OverlapMask => [0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u];

    /// <summary>Softmax of 8 ≤ n ≤ 16 logits in two 8-lane vectors, at 0 and at n − 8 (where AVX-512 does not run: else <see cref="SoftmaxBlocks"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SoftmaxOverlapping(ref float z, ref float a, int n)
    {
        nuint tail = (nuint)(n - Vector256<float>.Count);
        Vector256<float> lo = Vector256.LoadUnsafe(ref z), hi = Vector256.LoadUnsafe(ref z, tail);
        Vector256<float> m = Vector256.Create(HorizontalMax(Vector256.Max(lo, hi)));
        Vector256<float> eLo = FastMath.Exp(lo - m), eHi = FastMath.Exp(hi - m);
        // Lanes of the upper vector below 16 − n repeat lanes of the lower one: counted once.
        Vector256<float> fresh = Vector256.LoadUnsafe(ref Unsafe.As<uint, float>(ref Unsafe.AsRef(in OverlapMask[0])), tail);
        Vector256<float> s = Vector256.Create(1f / Vector256.Sum(eLo + (eHi & fresh)));
        // Both vectors are read before either is written, so z and a may be the same span.
        (eHi * s).StoreUnsafe(ref a, tail);
        (eLo * s).StoreUnsafe(ref a);
    }

    /// <summary>Softmax of 4 ≤ n &lt; 8 logits in two 4-lane vectors, at 0 and at n − 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SoftmaxOverlapping128(ref float z, ref float a, int n)
    {
        nuint tail = (nuint)(n - Vector128<float>.Count);
        Vector128<float> lo = Vector128.LoadUnsafe(ref z), hi = Vector128.LoadUnsafe(ref z, tail);
        Vector128<float> mx = VectorMath.Max(lo, hi);
        mx = VectorMath.Max(mx, Vector128.Shuffle(mx, Vector128.Create(2, 3, 0, 1)));
        mx = VectorMath.Max(mx, Vector128.Shuffle(mx, Vector128.Create(1, 0, 3, 2)));
        Vector128<float> m = Vector128.Create(mx.ToScalar());
        Vector256<float> e = FastMath.Exp(Vector256.Create(lo - m, hi - m));
        Vector128<float> eLo = e.GetLower(), eHi = e.GetUpper();
        Vector128<float> fresh = Vector128.LoadUnsafe(ref Unsafe.As<uint, float>(ref Unsafe.AsRef(in OverlapMask[0])), (nuint)Vector128<float>.Count + tail);
        Vector128<float> s = Vector128.Create(1f / Vector128.Sum(eLo + (eHi & fresh)));
        (eHi * s).StoreUnsafe(ref a, tail);
        (eLo * s).StoreUnsafe(ref a);
    }

    /// <summary><c>log Σⱼ e^(zⱼ)</c>, computed as <c>m + log Σⱼ e^(zⱼ − m)</c> (−∞ for an empty span).</summary>
    public static float LogSumExp(ReadOnlySpan<float> z)
    {
        ref float zr = ref MemoryMarshal.GetReference(z);
        int n = z.Length;
        float max = Max(ref zr, n);
        float sum = 0f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> vm = Vector256.Create(max), acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc += FastMath.Exp(Vector256.LoadUnsafe(ref zr, (nuint)i) - vm);
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            sum += FastMath.Exp(Unsafe.Add(ref zr, i) - max);
        }
        return max + MathF.Log(sum);
    }

    /// <summary>
    /// The largest lane, by the hardware's max (a NaN lane may or may not win; either way e^(z − m) is NaN in that lane, so a
    /// NaN input still gives NaN outputs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector256<float> v)
    {
        Vector128<float> m = VectorMath.Max(v.GetLower(), v.GetUpper());
        m = VectorMath.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = VectorMath.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    /// <summary>maxᵢ z[i] (−∞ for n = 0; NaN if any element is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Max(ref float z, int n)
    {
        int i = 0;
        float max = float.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> m = Vector256.Create(float.NegativeInfinity);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref z, (nuint)i));
            }
            max = HorizontalMax(m);
        }
        for (; i < n; i++)
        {
            max = MathF.Max(max, Unsafe.Add(ref z, i));
        }
        return max;
    }

    /// <summary><c>a[i] = e^(z[i] − m)</c>, returning <c>Σ a[i]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ExpSubtractSum(ref float z, ref float a, int n, float m)
    {
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> vm = Vector512.Create(m), acc = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> e = FastMath.Exp(Vector512.LoadUnsafe(ref z, (nuint)i) - vm);
                e.StoreUnsafe(ref a, (nuint)i);
                acc += e;
            }
            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> vm = Vector256.Create(m), acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> e = FastMath.Exp(Vector256.LoadUnsafe(ref z, (nuint)i) - vm);
                e.StoreUnsafe(ref a, (nuint)i);
                acc += e;
            }
            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> vm = Vector128.Create(m), acc = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> e = FastMath.Exp(Vector128.LoadUnsafe(ref z, (nuint)i) - vm);
                e.StoreUnsafe(ref a, (nuint)i);
                acc += e;
            }
            sum = Vector128.Sum(acc);
        }
        for (; i < n; i++)
        {
            float e = FastMath.Exp(Unsafe.Add(ref z, i) - m);
            Unsafe.Add(ref a, i) = e;
            sum += e;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(ref float a, int n, float s)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref a, (nuint)i) * s).StoreUnsafe(ref a, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref a, i) *= s;
        }
    }

    // ----- backward over spans: g ← g ⊙ f′ ------------------------------------------------------------------------

    /// <summary><c>g ← g ⊙ σ′(z)</c>, with <c>σ′ = a(1 − a)</c> from the stored output <c>a</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> g)
    {
        CheckSameLength(a.Length, g.Length);
        ElementWise.Update<SigmoidBackwardOperator>(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(g), a.Length);
    }

    /// <summary><c>g ← g ⊙ (1 − a²)</c>, tanh′ from the stored output <c>a</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> a, Span<float> g)
    {
        CheckSameLength(a.Length, g.Length);
        ElementWise.Update<TanhBackwardOperator>(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(g), a.Length);
    }

    /// <summary><c>g ← g ⊙ [z &gt; 0]</c> (+0 where z ≤ 0).</summary>
    public static void ReLUBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<ReLUBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>g ← g ⊙ (z &gt; 0 ? 1 : slope)</c>.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> z, Span<float> g, float slope)
    {
        CheckSameLength(z.Length, g.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float gr = ref MemoryMarshal.GetReference(g);
        int n = z.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s = Vector512.Create(slope);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> gv = Vector512.LoadUnsafe(ref gr, (nuint)i);
                Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.LoadUnsafe(ref zr, (nuint)i), Vector512<float>.Zero), gv, gv * s)
                    .StoreUnsafe(ref gr, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(slope);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.LoadUnsafe(ref zr, (nuint)i), Vector256<float>.Zero), gv, gv * s)
                    .StoreUnsafe(ref gr, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> s = Vector128.Create(slope);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> gv = Vector128.LoadUnsafe(ref gr, (nuint)i);
                Vector128.ConditionalSelect(Vector128.GreaterThan(Vector128.LoadUnsafe(ref zr, (nuint)i), Vector128<float>.Zero), gv, gv * s)
                    .StoreUnsafe(ref gr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            if (!(Unsafe.Add(ref zr, i) > 0f))
            {
                Unsafe.Add(ref gr, i) *= slope;
            }
        }
    }

    /// <summary><c>g ← g ⊙ (Φ(z) + z·φ(z))</c>.</summary>
    public static void GeluBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<GeluBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary>
    /// Softmax's Jacobian-vector product: <c>gₖ ← aₖ·(gₖ − Σⱼ aⱼ·gⱼ)</c>, i.e. <c>(diag(a) − a·aᵀ)·g</c>.
    /// </summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> a, Span<float> g)
    {
        CheckSameLength(a.Length, g.Length);
        float dot = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * g[i];
        }
        for (int i = 0; i < a.Length; i++)
        {
            g[i] = a[i] * (g[i] - dot);
        }
    }

    /// <summary>Step and Sign have derivative 0 almost everywhere: <c>g ← 0</c>.</summary>
    public static void ZeroGradientBackward(Span<float> g) => g.Clear();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSameLength(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Activation spans differ in length ({a} vs {b}).");
        }
    }
}
