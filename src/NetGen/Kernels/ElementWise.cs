using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>An element-wise function <c>f(x)</c> in a scalar and three vector widths that compute identical values.</summary>
internal interface IUnaryOperator
{
    static abstract float Invoke(float x);
    static abstract Vector128<float> Invoke(Vector128<float> x);
    static abstract Vector256<float> Invoke(Vector256<float> x);
    static abstract Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>An element-wise function <c>f(g, s)</c> of two arguments (a backward step <c>g ⊙ f′</c>), in four widths.</summary>
internal interface IBinaryOperator
{
    static abstract float Invoke(float g, float s);
    static abstract Vector128<float> Invoke(Vector128<float> g, Vector128<float> s);
    static abstract Vector256<float> Invoke(Vector256<float> g, Vector256<float> s);
    static abstract Vector512<float> Invoke(Vector512<float> g, Vector512<float> s);
}

/// <summary>
/// Drivers that apply an operator over <c>ref float</c> runs: the widest accelerated vector first, then narrower vectors,
/// then scalars, so every element is computed exactly once (in-place use is safe) and a tail never falls back to a slow
/// scalar loop for more than three elements. With a constant length the JIT folds the whole cascade.
/// </summary>
internal static class ElementWise
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Map<TOp>(ref float x, ref float y, int n) where TOp : struct, IUnaryOperator
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref y, i) = TOp.Invoke(Unsafe.Add(ref x, i));
        }
    }

    /// <summary><c>g[i] ← f(g[i], s[i])</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update<TOp>(ref float s, ref float g, int n) where TOp : struct, IBinaryOperator
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref g, (nuint)i), Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref g, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref g, (nuint)i), Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref g, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                TOp.Invoke(Vector128.LoadUnsafe(ref g, (nuint)i), Vector128.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref g, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref g, i) = TOp.Invoke(Unsafe.Add(ref g, i), Unsafe.Add(ref s, i));
        }
    }
}

/// <summary>σ(x).</summary>
internal readonly struct SigmoidOperator : IUnaryOperator
{
    public static float Invoke(float x) => FastMath.Sigmoid(x);
    public static Vector128<float> Invoke(Vector128<float> x) => FastMath.Sigmoid(x);
    public static Vector256<float> Invoke(Vector256<float> x) => FastMath.Sigmoid(x);
    public static Vector512<float> Invoke(Vector512<float> x) => FastMath.Sigmoid(x);
}

/// <summary>tanh(x).</summary>
internal readonly struct TanhOperator : IUnaryOperator
{
    public static float Invoke(float x) => FastMath.Tanh(x);
    public static Vector128<float> Invoke(Vector128<float> x) => FastMath.Tanh(x);
    public static Vector256<float> Invoke(Vector256<float> x) => FastMath.Tanh(x);
    public static Vector512<float> Invoke(Vector512<float> x) => FastMath.Tanh(x);
}

/// <summary>GELU(x) = x·Φ(x).</summary>
internal readonly struct GeluOperator : IUnaryOperator
{
    public static float Invoke(float x) => FastMath.Gelu(x);
    public static Vector128<float> Invoke(Vector128<float> x) => FastMath.Gelu(x);
    public static Vector256<float> Invoke(Vector256<float> x) => FastMath.Gelu(x);
    public static Vector512<float> Invoke(Vector512<float> x) => FastMath.Gelu(x);
}

/// <summary>Heaviside step: 1 where x &gt; 0, else 0.</summary>
internal readonly struct StepOperator : IUnaryOperator
{
    public static float Invoke(float x) => x > 0f ? 1f : 0f;
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.GreaterThan(x, Vector128<float>.Zero) & Vector128.Create(1f);
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.GreaterThan(x, Vector256<float>.Zero) & Vector256.Create(1f);
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.GreaterThan(x, Vector512<float>.Zero) & Vector512.Create(1f);
}

/// <summary>σ′ from the output: g·a·(1 − a).</summary>
internal readonly struct SigmoidBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float a) => g * (a * (1f - a));
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> a) => g * (a * (Vector128.Create(1f) - a));
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> a) => g * (a * (Vector256.Create(1f) - a));
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> a) => g * (a * (Vector512.Create(1f) - a));
}

/// <summary>tanh′ from the output: g·(1 − a²).</summary>
internal readonly struct TanhBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float a) => g * (1f - a * a);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> a) => g * (Vector128.Create(1f) - a * a);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> a) => g * (Vector256.Create(1f) - a * a);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> a) => g * (Vector512.Create(1f) - a * a);
}

/// <summary>GELU′ from the pre-activation: g·(Φ(z) + z·φ(z)).</summary>
internal readonly struct GeluBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => g * FastMath.GeluDerivative(z);
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => g * FastMath.GeluDerivative(z);
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => g * FastMath.GeluDerivative(z);
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => g * FastMath.GeluDerivative(z);
}

/// <summary>max(0, x), +0 for every x ≤ 0 (as the scalar and register forms).</summary>
internal readonly struct ReLUOperator : IUnaryOperator
{
    public static float Invoke(float x) => x > 0f ? x : 0f;
    public static Vector128<float> Invoke(Vector128<float> x) => Vector128.GreaterThan(x, Vector128<float>.Zero) & x;
    public static Vector256<float> Invoke(Vector256<float> x) => Vector256.GreaterThan(x, Vector256<float>.Zero) & x;
    public static Vector512<float> Invoke(Vector512<float> x) => Vector512.GreaterThan(x, Vector512<float>.Zero) & x;
}

/// <summary>ReLU′ from the pre-activation: g where z &gt; 0, else +0.</summary>
internal readonly struct ReLUBackwardOperator : IBinaryOperator
{
    public static float Invoke(float g, float z) => z > 0f ? g : 0f;
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> z) => Vector128.GreaterThan(z, Vector128<float>.Zero) & g;
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> z) => Vector256.GreaterThan(z, Vector256<float>.Zero) & g;
    public static Vector512<float> Invoke(Vector512<float> g, Vector512<float> z) => Vector512.GreaterThan(z, Vector512<float>.Zero) & g;
}
