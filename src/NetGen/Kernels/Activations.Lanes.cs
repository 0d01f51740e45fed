using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

// Activations on values held in registers: the straight-line code generated for tiny layers keeps a layer's z⁽ˡ⁾, a⁽ˡ⁾
// and δ⁽ˡ⁾ in one Vector128/256/512 (4, 8 or 16 units, unused lanes zero) or in a float (one unit) and calls these.
// Backward forms take the stored a or z and the incoming gradient g = ∂L/∂a and return δ = g ⊙ f′.
public static partial class Activations
{
    /// <summary>σ′ from the output: <c>g·a·(1 − a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SigmoidBackward(float a, float g) => g * (a * (1f - a));

    /// <summary>tanh′ from the output: <c>g·(1 − a²)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TanhBackward(float a, float g) => g * (1f - a * a);

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLUBackward(float z, float g) => z > 0f ? g : 0f;

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else <c>slope·g</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLUBackward(float z, float g, float slope) => z > 0f ? g : slope * g;

    /// <summary><c>g·(Φ(z) + z·φ(z))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluBackward(float z, float g) => g * FastMath.GeluDerivative(z);

    // ----- Vector128<float> --------------------------------------------------------------------------------------------

    /// <summary><c>σ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> z) => FastMath.Sigmoid(z);

    /// <summary><c>tanh(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> z) => FastMath.Tanh(z);

    /// <summary><c>max(0, z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ReLU(Vector128<float> z) => Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, Vector128<float>.Zero);

    /// <summary><c>z</c> where <c>z &gt; 0</c>, else <c>slope·z</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LeakyReLU(Vector128<float> z, float slope) => Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, z * slope);

    /// <summary>Exact GELU <c>z·Φ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Gelu(Vector128<float> z) => FastMath.Gelu(z);

    /// <summary>Heaviside step per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Step(Vector128<float> z) => Vector128.GreaterThan(z, Vector128<float>.Zero) & Vector128.Create(1f);

    /// <summary><c>sign(z)</c> per lane (0 stays 0, NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sign(Vector128<float> z) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128.Create(1f),
            Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128<float>.Zero), Vector128.Create(-1f), z));

    /// <summary>σ′ from the output, per lane: <c>g·a·(1 − a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SigmoidBackward(Vector128<float> a, Vector128<float> g) => g * (a * (Vector128.Create(1f) - a));

    /// <summary>tanh′ from the output, per lane: <c>g·(1 − a²)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> TanhBackward(Vector128<float> a, Vector128<float> g) => g * (Vector128.Create(1f) - a * a);

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else 0, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ReLUBackward(Vector128<float> z, Vector128<float> g) => Vector128.GreaterThan(z, Vector128<float>.Zero) & g;

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else <c>slope·g</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LeakyReLUBackward(Vector128<float> z, Vector128<float> g, float slope) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), g, g * slope);

    /// <summary><c>g·(Φ(z) + z·φ(z))</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GeluBackward(Vector128<float> z, Vector128<float> g) => g * FastMath.GeluDerivative(z);

    // ----- Vector256<float> --------------------------------------------------------------------------------------------

    /// <summary><c>σ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> z) => FastMath.Sigmoid(z);

    /// <summary><c>tanh(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> z) => FastMath.Tanh(z);

    /// <summary><c>max(0, z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReLU(Vector256<float> z) => Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, Vector256<float>.Zero);

    /// <summary><c>z</c> where <c>z &gt; 0</c>, else <c>slope·z</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyReLU(Vector256<float> z, float slope) => Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, z * slope);

    /// <summary>Exact GELU <c>z·Φ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Gelu(Vector256<float> z) => FastMath.Gelu(z);

    /// <summary>Heaviside step per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Step(Vector256<float> z) => Vector256.GreaterThan(z, Vector256<float>.Zero) & Vector256.Create(1f);

    /// <summary><c>sign(z)</c> per lane (0 stays 0, NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sign(Vector256<float> z) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256.Create(1f),
            Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<float>.Zero), Vector256.Create(-1f), z));

    /// <summary>σ′ from the output, per lane: <c>g·a·(1 − a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SigmoidBackward(Vector256<float> a, Vector256<float> g) => g * (a * (Vector256.Create(1f) - a));

    /// <summary>tanh′ from the output, per lane: <c>g·(1 − a²)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> TanhBackward(Vector256<float> a, Vector256<float> g) => g * (Vector256.Create(1f) - a * a);

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else 0, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReLUBackward(Vector256<float> z, Vector256<float> g) => Vector256.GreaterThan(z, Vector256<float>.Zero) & g;

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else <c>slope·g</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeakyReLUBackward(Vector256<float> z, Vector256<float> g, float slope) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), g, g * slope);

    /// <summary><c>g·(Φ(z) + z·φ(z))</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluBackward(Vector256<float> z, Vector256<float> g) => g * FastMath.GeluDerivative(z);

    // ----- Vector512<float> --------------------------------------------------------------------------------------------

    /// <summary><c>σ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> z) => FastMath.Sigmoid(z);

    /// <summary><c>tanh(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> z) => FastMath.Tanh(z);

    /// <summary><c>max(0, z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReLU(Vector512<float> z) => Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, Vector512<float>.Zero);

    /// <summary><c>z</c> where <c>z &gt; 0</c>, else <c>slope·z</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LeakyReLU(Vector512<float> z, float slope) => Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, z * slope);

    /// <summary>Exact GELU <c>z·Φ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> z) => FastMath.Gelu(z);

    /// <summary>Heaviside step per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Step(Vector512<float> z) => Vector512.GreaterThan(z, Vector512<float>.Zero) & Vector512.Create(1f);

    /// <summary><c>sign(z)</c> per lane (0 stays 0, NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sign(Vector512<float> z) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512.Create(1f),
            Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512<float>.Zero), Vector512.Create(-1f), z));

    /// <summary>σ′ from the output, per lane: <c>g·a·(1 − a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SigmoidBackward(Vector512<float> a, Vector512<float> g) => g * (a * (Vector512.Create(1f) - a));

    /// <summary>tanh′ from the output, per lane: <c>g·(1 − a²)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> TanhBackward(Vector512<float> a, Vector512<float> g) => g * (Vector512.Create(1f) - a * a);

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else 0, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReLUBackward(Vector512<float> z, Vector512<float> g) => Vector512.GreaterThan(z, Vector512<float>.Zero) & g;

    /// <summary><c>g</c> where <c>z &gt; 0</c>, else <c>slope·g</c>, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LeakyReLUBackward(Vector512<float> z, Vector512<float> g, float slope) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), g, g * slope);

    /// <summary><c>g·(Φ(z) + z·φ(z))</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluBackward(Vector512<float> z, Vector512<float> g) => g * FastMath.GeluDerivative(z);
}
