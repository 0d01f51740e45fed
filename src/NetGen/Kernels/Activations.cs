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
public static class Activations
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;

    // ----- scalar forms -----------------------------------------------------------------------------------------

    /// <summary><c>σ(z) = 1 / (1 + e^(−z))</c>; exact limits 0 and 1 for large |z|, never NaN for finite z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    /// <summary><c>tanh(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z) => MathF.Tanh(z);

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

    /// <summary>Exact GELU <c>z·Φ(z)</c>, <c>Φ(z) = ½·erfc(−z/√2)</c>; relative error of Φ below 1.2·10⁻⁷.</summary>
    public static float Gelu(float z) => (float)(z * NormalCdf(z));

    /// <summary>GELU′(z) = Φ(z) + z·φ(z), φ the standard normal density.</summary>
    public static float GeluDerivative(float z)
    {
        double zd = z;
        return (float)(NormalCdf(zd) + zd * InvSqrt2Pi * Math.Exp(-0.5 * zd * zd));
    }

    /// <summary>Φ(z), the standard normal distribution function.</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z * InvSqrt2);

    /// <summary>
    /// The complementary error function, Chebyshev fit with fractional error below 1.2·10⁻⁷ everywhere
    /// (Press et al., <i>Numerical Recipes</i>, §6.2), which is float precision.
    /// </summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    /// <summary>The error function, <c>1 − erfc(x)</c>.</summary>
    public static double Erf(double x) => 1.0 - Erfc(x);

    // ----- forward over spans -----------------------------------------------------------------------------------

    /// <summary><c>a = σ(z)</c> element-wise.</summary>
    public static void Sigmoid(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Sigmoid(z[i]);
        }
    }

    /// <summary><c>a = tanh(z)</c> element-wise.</summary>
    public static void Tanh(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = MathF.Tanh(z[i]);
        }
    }

    /// <summary><c>a = max(0, z)</c> element-wise.</summary>
    public static void ReLU(ReadOnlySpan<float> z, Span<float> a) => LeakyReLU(z, a, 0f);

    /// <summary><c>a = z</c> where <c>z &gt; 0</c>, else <c>slope·z</c>.</summary>
    public static void LeakyReLU(ReadOnlySpan<float> z, Span<float> a, float slope)
    {
        CheckSameLength(z.Length, a.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float ar = ref MemoryMarshal.GetReference(a);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(slope);
            for (; i <= z.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref zr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * s).StoreUnsafe(ref ar, (nuint)i);
            }
        }
        for (; i < z.Length; i++)
        {
            float v = Unsafe.Add(ref zr, i);
            Unsafe.Add(ref ar, i) = v > 0f ? v : slope * v;
        }
    }

    /// <summary>Exact GELU element-wise.</summary>
    public static void Gelu(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Gelu(z[i]);
        }
    }

    /// <summary>Heaviside step element-wise.</summary>
    public static void Step(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        for (int i = 0; i < z.Length; i++)
        {
            a[i] = Step(z[i]);
        }
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
    /// so nothing overflows.
    /// </summary>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        float max = float.NegativeInfinity;
        for (int i = 0; i < z.Length; i++)
        {
            max = MathF.Max(max, z[i]);
        }
        float sum = 0f;
        for (int i = 0; i < z.Length; i++)
        {
            float e = MathF.Exp(z[i] - max);
            a[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < z.Length; i++)
        {
            a[i] *= inv;
        }
    }

    /// <summary><c>log Σⱼ e^(zⱼ)</c>, computed as <c>m + log Σⱼ e^(zⱼ − m)</c>.</summary>
    public static float LogSumExp(ReadOnlySpan<float> z)
    {
        float max = float.NegativeInfinity;
        for (int i = 0; i < z.Length; i++)
        {
            max = MathF.Max(max, z[i]);
        }
        float sum = 0f;
        for (int i = 0; i < z.Length; i++)
        {
            sum += MathF.Exp(z[i] - max);
        }
        return max + MathF.Log(sum);
    }

    // ----- backward over spans: g ← g ⊙ f′ ------------------------------------------------------------------------

    /// <summary><c>g ← g ⊙ σ′(z)</c>, with <c>σ′ = a(1 − a)</c> from the stored output <c>a</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> a, Span<float> g)
    {
        CheckSameLength(a.Length, g.Length);
        for (int i = 0; i < a.Length; i++)
        {
            g[i] *= a[i] * (1f - a[i]);
        }
    }

    /// <summary><c>g ← g ⊙ (1 − a²)</c>, tanh′ from the stored output <c>a</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> a, Span<float> g)
    {
        CheckSameLength(a.Length, g.Length);
        for (int i = 0; i < a.Length; i++)
        {
            g[i] *= 1f - a[i] * a[i];
        }
    }

    /// <summary><c>g ← g ⊙ [z &gt; 0]</c>.</summary>
    public static void ReLUBackward(ReadOnlySpan<float> z, Span<float> g) => LeakyReLUBackward(z, g, 0f);

    /// <summary><c>g ← g ⊙ (z &gt; 0 ? 1 : slope)</c>.</summary>
    public static void LeakyReLUBackward(ReadOnlySpan<float> z, Span<float> g, float slope)
    {
        CheckSameLength(z.Length, g.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float gr = ref MemoryMarshal.GetReference(g);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s = Vector256.Create(slope);
            for (; i <= z.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.LoadUnsafe(ref zr, (nuint)i), Vector256<float>.Zero), gv, gv * s)
                    .StoreUnsafe(ref gr, (nuint)i);
            }
        }
        for (; i < z.Length; i++)
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
        for (int i = 0; i < z.Length; i++)
        {
            g[i] *= GeluDerivative(z[i]);
        }
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
