using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

// Span forms of the activations in Activations.Extended.cs (forward a = f(z), which may overwrite z; backward g ← g ⊙ f′(z)
// from the pre-activation z), LogSoftmax and its backward, and the operator structs the vectorised drivers run.
public static partial class Activations
{
    /// <summary><c>a = f(z)</c> element-wise, f = SELU.</summary>
    public static void SELU(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<SELUOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>g ← g ⊙ f′(z)</c>, f = SELU.</summary>
    public static void SELUBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<SELUBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = Softplus (β = 1, threshold 20).</summary>
    public static void Softplus(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<SoftplusOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>g ← g ⊙ f′(z)</c>, f = Softplus (β = 1, threshold 20).</summary>
    public static void SoftplusBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<SoftplusBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = SiLU z·σ(z).</summary>
    public static void SiLU(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<SiLUOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>g ← g ⊙ f′(z)</c>, f = SiLU z·σ(z).</summary>
    public static void SiLUBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<SiLUBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = Mish z·tanh(softplus(z)).</summary>
    public static void Mish(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<MishOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>g ← g ⊙ f′(z)</c>, f = Mish z·tanh(softplus(z)).</summary>
    public static void MishBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<MishBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = HardTanh: z clamped to [−1, 1].</summary>
    public static void HardTanh(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<HardTanhOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>g ← g ⊙ f′(z)</c>, f = HardTanh: z clamped to [−1, 1].</summary>
    public static void HardTanhBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<HardTanhBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = HardSigmoid min(max(z + 3, 0), 6)/6.</summary>
    public static void HardSigmoid(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<HardSigmoidOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>g ← g ⊙ f′(z)</c>, f = HardSigmoid min(max(z + 3, 0), 6)/6.</summary>
    public static void HardSigmoidBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<HardSigmoidBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = HardSwish z·min(max(z + 3, 0), 6)/6.</summary>
    public static void HardSwish(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        ElementWise.Map<HardSwishOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length);
    }

    /// <summary><c>g ← g ⊙ f′(z)</c>, f = HardSwish z·min(max(z + 3, 0), 6)/6.</summary>
    public static void HardSwishBackward(ReadOnlySpan<float> z, Span<float> g)
    {
        CheckSameLength(z.Length, g.Length);
        ElementWise.Update<HardSwishBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = ELU with α.</summary>
    public static void ELU(ReadOnlySpan<float> z, Span<float> a, float alpha)
    {
        CheckSameLength(z.Length, a.Length);
        ParameterizedElementWise.Map<ELUOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length, alpha);
    }

    /// <summary><c>a = f(z)</c> element-wise, f = PReLU with slope a.</summary>
    public static void PReLU(ReadOnlySpan<float> z, Span<float> a, float slope)
    {
        CheckSameLength(z.Length, a.Length);
        ParameterizedElementWise.Map<PReLUOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length, slope);
    }

    /// <summary><c>g ← g ⊙ ELU′(z)</c>: g where z &gt; 0, else <c>g·α·e^z</c>.</summary>
    public static void ELUBackward(ReadOnlySpan<float> z, Span<float> g, float alpha)
    {
        CheckSameLength(z.Length, g.Length);
        ParameterizedElementWise.Update<ELUBackwardOperator>(ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(g), z.Length, alpha);
    }

    /// <summary>
    /// PReLU's backward step: returns <c>∂L/∂a = Σᵢ [zᵢ ≤ 0]·zᵢ·gᵢ</c> (the slope's gradient, from the incoming g), then sets
    /// <c>gᵢ ← gᵢ</c> where <c>zᵢ &gt; 0</c>, else <c>a·gᵢ</c>. Add the returned value to the slope's gradient.
    /// </summary>
    public static float PReLUBackward(ReadOnlySpan<float> z, Span<float> g, float slope)
    {
        CheckSameLength(z.Length, g.Length);
        ref float zr = ref MemoryMarshal.GetReference(z);
        ref float gr = ref MemoryMarshal.GetReference(g);
        int n = z.Length, i = 0;
        float slopeGradient = 0f;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> sum = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> zv = Vector256.LoadUnsafe(ref zr, (nuint)i), gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                sum += PReLUSlopeGradient(zv, gv);
                PReLUBackward(zv, gv, slope).StoreUnsafe(ref gr, (nuint)i);
            }
            slopeGradient = Vector256.Sum(sum);
        }
        for (; i < n; i++)
        {
            float zi = Unsafe.Add(ref zr, i), gi = Unsafe.Add(ref gr, i);
            slopeGradient += PReLUSlopeGradient(zi, gi);
            Unsafe.Add(ref gr, i) = PReLUBackward(zi, gi, slope);
        }
        return slopeGradient;
    }

    /// <summary>
    /// LogSoftmax over the layer, as PyTorch: <c>aₖ = (zₖ − m) − log Σⱼ e^(zⱼ − m)</c> with <c>m = maxⱼ zⱼ</c>, so nothing overflows
    /// and the largest output is exactly <c>−log Σ</c> (≤ 0). <paramref name="a"/> may be the same span as <paramref name="z"/>.
    /// </summary>
    public static void LogSoftmax(ReadOnlySpan<float> z, Span<float> a)
    {
        CheckSameLength(z.Length, a.Length);
        int n = z.Length;
        if (n == 0)
        {
            return;
        }
        float m = z[0];
        for (int k = 1; k < n; k++)
        {
            m = z[k] > m || float.IsNaN(z[k]) ? z[k] : m;
        }
        float sum = 0f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> vm = Vector256.Create(m), acc = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                acc += FastMath.Exp(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(z), (nuint)i) - vm);
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            sum += FastMath.Exp(z[i] - m);
        }
        float logSum = MathF.Log(sum);
        for (int k = 0; k < n; k++)
        {
            a[k] = (z[k] - m) - logSum;
        }
    }

    /// <summary>
    /// LogSoftmax's Jacobian-vector product from the stored output a (log-probabilities): <c>gₖ ← gₖ − e^(aₖ)·Σⱼ gⱼ</c>
    /// (PyTorch's <c>_log_softmax_backward_data</c>).
    /// </summary>
    public static void LogSoftmaxBackward(ReadOnlySpan<float> a, Span<float> g)
    {
        CheckSameLength(a.Length, g.Length);
        float sum = 0f;
        for (int k = 0; k < g.Length; k++)
        {
            sum += g[k];
        }
        for (int k = 0; k < g.Length; k++)
        {
            g[k] -= FastMath.Exp(a[k]) * sum;
        }
    }
}

/// <summary>An element-wise function <c>f(x; p)</c> with one scalar parameter (ELU's α, PReLU's slope), in four widths.</summary>
internal interface IParameterizedUnaryOperator
{
    static abstract float Invoke(float x, float p);
    static abstract Vector128<float> Invoke(Vector128<float> x, float p);
    static abstract Vector256<float> Invoke(Vector256<float> x, float p);
    static abstract Vector512<float> Invoke(Vector512<float> x, float p);
}

/// <summary>A backward step <c>f(g, s; p)</c> with one scalar parameter, in four widths.</summary>
internal interface IParameterizedBinaryOperator
{
    static abstract float Invoke(float g, float s, float p);
    static abstract Vector128<float> Invoke(Vector128<float> g, Vector128<float> s, float p);
    static abstract Vector256<float> Invoke(Vector256<float> g, Vector256<float> s, float p);
    static abstract Vector512<float> Invoke(Vector512<float> g, Vector512<float> s, float p);
}

/// <summary>The drivers of <see cref="ElementWise"/> for operators with a parameter: widest vector first, each element once.</summary>
internal static class ParameterizedElementWise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TOp>(ref float x, ref float y, int n, float p) where TOp : struct, IParameterizedUnaryOperator
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), p).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), p).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i), p).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = TOp.Invoke(Unsafe.Add(ref x, i), p);
        }
    }

    /// <summary><c>g[i] ← f(g[i], s[i]; p)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update<TOp>(ref float s, ref float g, int n, float p) where TOp : struct, IParameterizedBinaryOperator
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref g, (nuint)i), Vector512.LoadUnsafe(ref s, (nuint)i), p).StoreUnsafe(ref g, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref g, (nuint)i), Vector256.LoadUnsafe(ref s, (nuint)i), p).StoreUnsafe(ref g, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref g, (nuint)i), Vector128.LoadUnsafe(ref s, (nuint)i), p).StoreUnsafe(ref g, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref g, i) = TOp.Invoke(Unsafe.Add(ref g, i), Unsafe.Add(ref s, i), p);
        }
    }
}

/// <summary>SELU.</summary>
internal readonly struct SELUOperator : IUnaryOperator
{
    public static float Invoke(float x) => Activations.SELU(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Activations.SELU(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Activations.SELU(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Activations.SELU(x);
}

/// <summary>g·f′(z), f = SELU.</summary>
internal readonly struct SELUBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => Activations.SELUBackward(z, g);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Activations.SELUBackward(z, g);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Activations.SELUBackward(z, g);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Activations.SELUBackward(z, g);
}

/// <summary>Softplus (β = 1, threshold 20).</summary>
internal readonly struct SoftplusOperator : IUnaryOperator
{
    public static float Invoke(float x) => Activations.Softplus(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Activations.Softplus(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Activations.Softplus(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Activations.Softplus(x);
}

/// <summary>g·f′(z), f = Softplus (β = 1, threshold 20).</summary>
internal readonly struct SoftplusBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => Activations.SoftplusBackward(z, g);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Activations.SoftplusBackward(z, g);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Activations.SoftplusBackward(z, g);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Activations.SoftplusBackward(z, g);
}

/// <summary>SiLU z·σ(z).</summary>
internal readonly struct SiLUOperator : IUnaryOperator
{
    public static float Invoke(float x) => Activations.SiLU(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Activations.SiLU(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Activations.SiLU(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Activations.SiLU(x);
}

/// <summary>g·f′(z), f = SiLU z·σ(z).</summary>
internal readonly struct SiLUBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => Activations.SiLUBackward(z, g);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Activations.SiLUBackward(z, g);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Activations.SiLUBackward(z, g);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Activations.SiLUBackward(z, g);
}

/// <summary>Mish z·tanh(softplus(z)).</summary>
internal readonly struct MishOperator : IUnaryOperator
{
    public static float Invoke(float x) => Activations.Mish(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Activations.Mish(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Activations.Mish(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Activations.Mish(x);
}

/// <summary>g·f′(z), f = Mish z·tanh(softplus(z)).</summary>
internal readonly struct MishBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => Activations.MishBackward(z, g);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Activations.MishBackward(z, g);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Activations.MishBackward(z, g);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Activations.MishBackward(z, g);
}

/// <summary>HardTanh: z clamped to [−1, 1].</summary>
internal readonly struct HardTanhOperator : IUnaryOperator
{
    public static float Invoke(float x) => Activations.HardTanh(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Activations.HardTanh(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Activations.HardTanh(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Activations.HardTanh(x);
}

/// <summary>g·f′(z), f = HardTanh: z clamped to [−1, 1].</summary>
internal readonly struct HardTanhBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => Activations.HardTanhBackward(z, g);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Activations.HardTanhBackward(z, g);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Activations.HardTanhBackward(z, g);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Activations.HardTanhBackward(z, g);
}

/// <summary>HardSigmoid min(max(z + 3, 0), 6)/6.</summary>
internal readonly struct HardSigmoidOperator : IUnaryOperator
{
    public static float Invoke(float x) => Activations.HardSigmoid(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Activations.HardSigmoid(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Activations.HardSigmoid(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Activations.HardSigmoid(x);
}

/// <summary>g·f′(z), f = HardSigmoid min(max(z + 3, 0), 6)/6.</summary>
internal readonly struct HardSigmoidBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => Activations.HardSigmoidBackward(z, g);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Activations.HardSigmoidBackward(z, g);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Activations.HardSigmoidBackward(z, g);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Activations.HardSigmoidBackward(z, g);
}

/// <summary>HardSwish z·min(max(z + 3, 0), 6)/6.</summary>
internal readonly struct HardSwishOperator : IUnaryOperator
{
    public static float Invoke(float x) => Activations.HardSwish(x);
    public static Vector128<float> Invoke(Vector128<float> x) => Activations.HardSwish(x);
    public static Vector256<float> Invoke(Vector256<float> x) => Activations.HardSwish(x);
    public static Vector512<float> Invoke(Vector512<float> x) => Activations.HardSwish(x);
}

/// <summary>g·f′(z), f = HardSwish z·min(max(z + 3, 0), 6)/6.</summary>
internal readonly struct HardSwishBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => Activations.HardSwishBackward(z, g);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Activations.HardSwishBackward(z, g);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Activations.HardSwishBackward(z, g);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Activations.HardSwishBackward(z, g);
}

/// <summary>ELU with α.</summary>
internal readonly struct ELUOperator : IParameterizedUnaryOperator
{
    public static float Invoke(float x, float p) => Activations.ELU(x, p);
    public static Vector128<float> Invoke(Vector128<float> x, float p) => Activations.ELU(x, p);
    public static Vector256<float> Invoke(Vector256<float> x, float p) => Activations.ELU(x, p);
    public static Vector512<float> Invoke(Vector512<float> x, float p) => Activations.ELU(x, p);
}

/// <summary>PReLU with slope a.</summary>
internal readonly struct PReLUOperator : IParameterizedUnaryOperator
{
    public static float Invoke(float x, float p) => Activations.PReLU(x, p);
    public static Vector128<float> Invoke(Vector128<float> x, float p) => Activations.PReLU(x, p);
    public static Vector256<float> Invoke(Vector256<float> x, float p) => Activations.PReLU(x, p);
    public static Vector512<float> Invoke(Vector512<float> x, float p) => Activations.PReLU(x, p);
}

/// <summary>g·ELU′(z; α).</summary>
internal readonly struct ELUBackwardOperator : IParameterizedBinaryOperator
{
    public static float Invoke(float g, float z, float p) => Activations.ELUBackward(z, g, p);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z, float p) => Activations.ELUBackward(z, g, p);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z, float p) => Activations.ELUBackward(z, g, p);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z, float p) => Activations.ELUBackward(z, g, p);
}
