using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

// The activations of issue 12 with PyTorch's exact definitions and derivatives: ELU (α), SELU, Softplus (β = 1, threshold 20),
// SiLU, Mish, HardTanh, HardSigmoid, HardSwish, PReLU (learnable slope) and LogSoftmax. Each element-wise function has a
// scalar form and Vector128/256/512 forms that run the same operation sequence (a value gets the same bits in a vector lane as
// in a scalar tail), span forms (forward a = f(z), backward g ← g ⊙ f′(z)) and register backward forms δ = g ⊙ f′(z).
// Backward forms take the pre-activation z (not the output): PyTorch's autograd differentiates from its input too, and for
// ELU/SELU the output form a + α loses every digit where e^z is small.
//
// Measured maximum errors against double-precision references (every 64th float of ±110 or ±10, both signs; scalar and
// vector forms bit-identical): the table in README.md ("Activations and losses PyTorch models use"), printed by
// `NETGEN_SWEEP_STRIDE=64 dotnet test tests/NetGen.Tests --filter "FullyQualifiedName~ExtendedActivationAccuracyTests.Sweep"`;
// without the variable that test sweeps every 2039th float and asserts the bounds: ELU, ELU′ 2 ulp; SELU, SELU′ 2.5 ulp;
// Softplus 3 ulp, Softplus′ 4 ulp (it is FastMath.Sigmoid, σ, whose maximum over every float is 3.96 ulp since issue 11's degree-3/4 form); SiLU, Mish, Mish′ 4 ulp; SiLU′ and Mish′ (which cross zero) 3·10⁻⁷ × the size of their terms;
// HardTanh exact; PReLU correctly rounded; HardSigmoid 1 ulp; HardSwish 2 ulp and HardSwish′ 1 ulp (PyTorch's float ops).
public static partial class Activations
{
    /// <summary>ELU's default α (PyTorch <c>nn.ELU()</c>).</summary>
    public const float EluAlpha = 1f;

    /// <summary>SELU's α = 1.6732632423543772848170429916717 (Klambauer et al. 2017, PyTorch <c>nn.SELU</c>).</summary>
    public const float SeluAlpha = 1.6732632423543772848170429916717f;

    /// <summary>SELU's scale λ = 1.0507009873554804934193349852946.</summary>
    public const float SeluScale = 1.0507009873554804934193349852946f;

    /// <summary>λ·α, SELU's negative-side coefficient, as PyTorch forms it (in double, then rounded once).</summary>
    public const float SeluScaleAlpha = (float)(1.0507009873554804934193349852946 * 1.6732632423543772848170429916717);

    /// <summary>Softplus's threshold (PyTorch's default, β = 1): above it softplus(z) = z and its derivative is 1.</summary>
    public const float SoftplusThreshold = 20f;

    /// <summary>PReLU's initial slope (PyTorch <c>nn.PReLU()</c>: one parameter, 0.25).</summary>
    public const float PReLUInitialSlope = 0.25f;

    // expm1 on |x| < ln2/2: x + x²·(E2 + x·(E3 + x·(E4 + x·(E5 + x·E6)))), the minimax polynomial of FastMath.Exp (e^r − 1 for
    // its reduced argument), in the same Estrin form; relative error ≤ 10⁻⁸ there because E2 = ½ exactly and E3 − 1/6 = −1.5·10⁻⁶.
    private const float Expm1Small = 0.34657359f;      // ln2/2
    private const float E2 = 0.5f, E3 = 0.1666652f, E4 = 0.041666206f, E5 = 0.008368882f, E6 = 0.0013950479f;
    // softplus: log1p(e) = 2·atanh(s), s = e/(2 + e), the series of FastMath.Softplus (same constants, same order).
    private const float A3 = 2f / 3f, A5 = 2f / 5f, A7 = 2f / 7f, A9 = 2f / 9f, A11 = 2f / 11f, A13 = 2f / 13f, A15 = 2f / 15f;
    private const float MishExpMax = 30f;              // e^30 makes tanh(softplus(z)) = 1 in float32; keeps e·(e + 2) finite

    // ----- scalar ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>eˣ − 1</c> without cancellation near 0 (ELU's and SELU's negative side): the polynomial below ln2/2 in magnitude,
    /// <see cref="FastMath.Exp(float)"/> − 1 above (≤ 1.4 ulp for x ≤ 0; up to 3.6 ulp for x just above ln2/2, where e^x − 1
    /// loses two bits — ELU never evaluates it there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Expm1(float x)
    {
        if (MathF.Abs(x) < Expm1Small)
        {
            float x2 = x * x;
            float q = FastMath.MultiplyAdd(FastMath.MultiplyAdd(E6, x2, FastMath.MultiplyAdd(E5, x, E4)), x2, FastMath.MultiplyAdd(E3, x, E2));
            return FastMath.MultiplyAdd(q, x2, x);
        }
        return FastMath.Exp(x) - 1f;
    }

    /// <summary>ELU: <c>z</c> for <c>z &gt; 0</c>, else <c>α·(e^z − 1)</c> (PyTorch <c>nn.ELU(alpha)</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELU(float z, float alpha) => z > 0f ? z : alpha * Expm1(z);

    /// <summary>ELU′: 1 for <c>z &gt; 0</c>, else <c>α·e^z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELUDerivative(float z, float alpha) => z > 0f ? 1f : alpha * FastMath.Exp(z);

    /// <summary><c>g·ELU′(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELUBackward(float z, float g, float alpha) => g * ELUDerivative(z, alpha);

    /// <summary>SELU: <c>λ·z</c> for <c>z &gt; 0</c>, else <c>λα·(e^z − 1)</c> (PyTorch <c>nn.SELU</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SELU(float z) => z > 0f ? SeluScale * z : SeluScaleAlpha * Expm1(z);

    /// <summary>SELU′: λ for <c>z &gt; 0</c>, else <c>λα·e^z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SELUDerivative(float z) => z > 0f ? SeluScale : SeluScaleAlpha * FastMath.Exp(z);

    /// <summary><c>g·SELU′(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SELUBackward(float z, float g) => g * SELUDerivative(z);

    /// <summary>Softplus (β = 1, threshold 20, PyTorch <c>nn.Softplus()</c>): <c>z</c> above 20, else <c>log(1 + e^z)</c> by <see cref="FastMath.Softplus(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float z) => z > SoftplusThreshold ? z : FastMath.Softplus(z);

    /// <summary>Softplus′: 1 above the threshold, else <c>σ(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SoftplusDerivative(float z) => z > SoftplusThreshold ? 1f : FastMath.Sigmoid(z);

    /// <summary><c>g·Softplus′(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SoftplusBackward(float z, float g) => g * SoftplusDerivative(z);

    /// <summary>SiLU (swish): <c>z·σ(z)</c> (PyTorch <c>nn.SiLU</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLU(float z) => z * FastMath.Sigmoid(z);

    /// <summary>
    /// SiLU′ = <c>σ(z)·(1 + z·(1 − σ(z)))</c>, with σ and 1 − σ = σ(−z) both formed from <c>e = e^(−|z|)</c>, so neither loses digits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLUDerivative(float z)
    {
        float e = FastMath.Exp(-MathF.Abs(z));
        float s = 1f / (1f + e);
        float es = e * s;
        bool positive = z >= 0f;
        float sigma = positive ? s : es;
        float complement = positive ? es : s;
        return sigma * FastMath.MultiplyAdd(z, complement, 1f);
    }

    /// <summary><c>g·SiLU′(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLUBackward(float z, float g) => g * SiLUDerivative(z);

    /// <summary>
    /// Mish: <c>z·tanh(softplus(z))</c> (PyTorch <c>nn.Mish</c>). With <c>e = e^z</c> and <c>n = e² + 2e = e·(e + 2)</c>,
    /// <c>tanh(log(1 + e)) = n/(n + 2)</c> exactly: one exponential, no cancellation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Mish(float z)
    {
        float e = FastMath.Exp(z < MishExpMax ? z : MishExpMax);
        float n = FastMath.MultiplyAdd(e, e, 2f * e);   // e² + 2e, one rounding where FMA exists
        return z * (n / (n + 2f));
    }

    /// <summary>
    /// Mish′ = <c>t + z·σ(z)·(1 − t²)</c>, <c>t = tanh(softplus(z)) = n/(n + 2)</c>, with <c>1 − t² = (2/(n + 2))·(1 + t)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MishDerivative(float z)
    {
        float e = FastMath.Exp(z < MishExpMax ? z : MishExpMax);
        float n = FastMath.MultiplyAdd(e, e, 2f * e);   // e² + 2e, one rounding where FMA exists
        float q = 1f / (n + 2f);
        float t = n * q;
        float oneMinusT2 = (2f * q) * (1f + t);
        // From z = 30 on, t = 1 and z·σ(z)·(1 − t²) < 10⁻²⁴: the clamped e would make the second term wrong, so it is dropped.
        return z >= MishExpMax ? t : FastMath.MultiplyAdd(z * FastMath.Sigmoid(z), oneMinusT2, t);
    }

    /// <summary><c>g·Mish′(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MishBackward(float z, float g) => g * MishDerivative(z);

    /// <summary>HardTanh: <c>z</c> clamped to [−1, 1] (PyTorch <c>nn.Hardtanh()</c>); NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardTanh(float z) => z < -1f ? -1f : z > 1f ? 1f : z;

    /// <summary>HardTanh′ as PyTorch forms it: 0 where <c>z ≤ −1</c> or <c>z ≥ 1</c> (0 at the bounds), else 1 (so NaN passes g on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardTanhDerivative(float z) => z <= -1f || z >= 1f ? 0f : 1f;

    /// <summary><c>g·HardTanh′(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardTanhBackward(float z, float g) => z <= -1f || z >= 1f ? 0f : g;

    /// <summary>HardSigmoid: <c>min(max(z + 3, 0), 6)/6</c> (PyTorch <c>nn.Hardsigmoid</c>, the same float operations).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSigmoid(float z) => Clamp06(z + 3f) / 6f;

    /// <summary>HardSigmoid′: 1/6 strictly inside (−3, 3), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSigmoidDerivative(float z) => z > -3f && z < 3f ? 1f / 6f : 0f;

    /// <summary><c>g·HardSigmoid′(z)</c> = <c>g/6</c> inside (−3, 3), else 0 (PyTorch divides by 6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSigmoidBackward(float z, float g) => z > -3f && z < 3f ? g / 6f : 0f;

    /// <summary>HardSwish: <c>z·min(max(z + 3, 0), 6)/6</c> (PyTorch <c>nn.Hardswish</c>, the same float operations).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSwish(float z) => z * Clamp06(z + 3f) / 6f;

    /// <summary>HardSwish′ as PyTorch (1.13) forms it: 0 below −3, <c>z/3 + ½</c> on [−3, 3), 1 from 3 on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSwishDerivative(float z) => z < -3f ? 0f : z < 3f ? z / 3f + 0.5f : 1f;

    /// <summary><c>g·HardSwish′(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float HardSwishBackward(float z, float g) => z < -3f ? 0f : z < 3f ? g * (z / 3f + 0.5f) : g;

    /// <summary>PReLU: <c>z</c> for <c>z &gt; 0</c>, else <c>a·z</c>, with the learnable slope <c>a</c> (PyTorch <c>nn.PReLU()</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float PReLU(float z, float slope) => z > 0f ? z : slope * z;

    /// <summary>∂L/∂z of PReLU: <c>g</c> for <c>z &gt; 0</c>, else <c>a·g</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float PReLUBackward(float z, float g, float slope) => z > 0f ? g : slope * g;

    /// <summary>This element's part of ∂L/∂a for PReLU's slope: 0 for <c>z &gt; 0</c>, else <c>z·g</c> (sum it over the layer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float PReLUSlopeGradient(float z, float g) => z > 0f ? 0f : z * g;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Clamp06(float v) => v < 0f ? 0f : v > 6f ? 6f : v;

    // ----- Vector128<float> --------------------------------------------------------------------------------------------------

    /// <summary><c>eˣ − 1</c> per lane (see <see cref="Expm1(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Expm1(Vector128<float> x)
    {
        Vector128<float> x2 = x * x;
        Vector128<float> q = FastMath.MultiplyAdd(FastMath.MultiplyAdd(Vector128.Create(E6), x2, FastMath.MultiplyAdd(Vector128.Create(E5), x, Vector128.Create(E4))), x2,
            FastMath.MultiplyAdd(Vector128.Create(E3), x, Vector128.Create(E2)));
        Vector128<float> small = FastMath.MultiplyAdd(q, x2, x);
        Vector128<float> large = FastMath.Exp(x) - Vector128.Create(1f);
        return Vector128.ConditionalSelect(Vector128.LessThan(Vector128.Abs(x), Vector128.Create(Expm1Small)), small, large);
    }

    /// <summary>ELU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ELU(Vector128<float> z, float alpha) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, Vector128.Create(alpha) * Expm1(z));

    /// <summary>ELU′ per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ELUDerivative(Vector128<float> z, float alpha) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128.Create(1f), Vector128.Create(alpha) * FastMath.Exp(z));

    /// <summary><c>g·ELU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ELUBackward(Vector128<float> z, Vector128<float> g, float alpha) => g * ELUDerivative(z, alpha);

    /// <summary>SELU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SELU(Vector128<float> z) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128.Create(SeluScale) * z, Vector128.Create(SeluScaleAlpha) * Expm1(z));

    /// <summary>SELU′ per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SELUDerivative(Vector128<float> z) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128.Create(SeluScale), Vector128.Create(SeluScaleAlpha) * FastMath.Exp(z));

    /// <summary><c>g·SELU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SELUBackward(Vector128<float> z, Vector128<float> g) => g * SELUDerivative(z);

    /// <summary>Softplus (β = 1, threshold 20) per lane: the operations of <see cref="FastMath.Softplus(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Softplus(Vector128<float> z)
    {
        Vector128<float> e = FastMath.Exp(-Vector128.Abs(z));
        Vector128<float> s = e / (Vector128.Create(2f) + e);
        Vector128<float> s2 = s * s;
        Vector128<float> p = FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(
            Vector128.Create(A15), s2, Vector128.Create(A13)), s2, Vector128.Create(A11)), s2, Vector128.Create(A9)), s2, Vector128.Create(A7)), s2, Vector128.Create(A5)), s2, Vector128.Create(A3));
        Vector128<float> log1p = FastMath.MultiplyAdd(s * s2, p, Vector128.Create(2f) * s);
        Vector128<float> positive = Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, Vector128<float>.Zero);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128.Create(SoftplusThreshold)), z, positive + log1p);
    }

    /// <summary>Softplus′ per lane: σ(z), 1 above the threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SoftplusDerivative(Vector128<float> z) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128.Create(SoftplusThreshold)), Vector128.Create(1f), FastMath.Sigmoid(z));

    /// <summary><c>g·Softplus′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SoftplusBackward(Vector128<float> z, Vector128<float> g) => g * SoftplusDerivative(z);

    /// <summary>SiLU <c>z·σ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SiLU(Vector128<float> z) => z * FastMath.Sigmoid(z);

    /// <summary>SiLU′ per lane (see <see cref="SiLUDerivative(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SiLUDerivative(Vector128<float> z)
    {
        Vector128<float> e = FastMath.Exp(-Vector128.Abs(z));
        Vector128<float> s = Vector128.Create(1f) / (Vector128.Create(1f) + e);
        Vector128<float> es = e * s;
        Vector128<float> positive = Vector128.GreaterThanOrEqual(z, Vector128<float>.Zero);
        Vector128<float> sigma = Vector128.ConditionalSelect(positive, s, es);
        Vector128<float> complement = Vector128.ConditionalSelect(positive, es, s);
        return sigma * FastMath.MultiplyAdd(z, complement, Vector128.Create(1f));
    }

    /// <summary><c>g·SiLU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SiLUBackward(Vector128<float> z, Vector128<float> g) => g * SiLUDerivative(z);

    /// <summary>Mish per lane (see <see cref="Mish(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Mish(Vector128<float> z)
    {
        Vector128<float> e = FastMath.Exp(Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128.Create(MishExpMax)), z, Vector128.Create(MishExpMax)));
        Vector128<float> n = FastMath.MultiplyAdd(e, e, Vector128.Create(2f) * e);
        return z * (n / (n + Vector128.Create(2f)));
    }

    /// <summary>Mish′ per lane (see <see cref="MishDerivative(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MishDerivative(Vector128<float> z)
    {
        Vector128<float> e = FastMath.Exp(Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128.Create(MishExpMax)), z, Vector128.Create(MishExpMax)));
        Vector128<float> n = FastMath.MultiplyAdd(e, e, Vector128.Create(2f) * e);
        Vector128<float> q = Vector128.Create(1f) / (n + Vector128.Create(2f));
        Vector128<float> t = n * q;
        Vector128<float> oneMinusT2 = (Vector128.Create(2f) * q) * (Vector128.Create(1f) + t);
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(z, Vector128.Create(MishExpMax)), t, FastMath.MultiplyAdd(z * FastMath.Sigmoid(z), oneMinusT2, t));
    }

    /// <summary><c>g·Mish′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MishBackward(Vector128<float> z, Vector128<float> g) => g * MishDerivative(z);

    /// <summary>HardTanh per lane; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardTanh(Vector128<float> z) =>
        Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128.Create(-1f)), Vector128.Create(-1f), Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128.Create(1f)), Vector128.Create(1f), z));

    /// <summary>HardTanh′ per lane: 0 where z ≤ −1 or z ≥ 1, else 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardTanhDerivative(Vector128<float> z) =>
        Vector128.AndNot(Vector128.Create(1f), Vector128.LessThanOrEqual(z, Vector128.Create(-1f)) | Vector128.GreaterThanOrEqual(z, Vector128.Create(1f)));

    /// <summary><c>g·HardTanh′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardTanhBackward(Vector128<float> z, Vector128<float> g) =>
        Vector128.AndNot(g, Vector128.LessThanOrEqual(z, Vector128.Create(-1f)) | Vector128.GreaterThanOrEqual(z, Vector128.Create(1f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Clamp06(Vector128<float> v) =>
        Vector128.ConditionalSelect(Vector128.LessThan(v, Vector128<float>.Zero), Vector128<float>.Zero, Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128.Create(6f)), Vector128.Create(6f), v));

    /// <summary>HardSigmoid per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSigmoid(Vector128<float> z) => Clamp06(z + Vector128.Create(3f)) / Vector128.Create(6f);

    /// <summary>HardSigmoid′ per lane: 1/6 strictly inside (−3, 3), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSigmoidDerivative(Vector128<float> z) =>
        Vector128.GreaterThan(z, Vector128.Create(-3f)) & Vector128.LessThan(z, Vector128.Create(3f)) & Vector128.Create(1f / 6f);

    /// <summary><c>g/6</c> inside (−3, 3), else 0, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSigmoidBackward(Vector128<float> z, Vector128<float> g) =>
        Vector128.GreaterThan(z, Vector128.Create(-3f)) & Vector128.LessThan(z, Vector128.Create(3f)) & (g / Vector128.Create(6f));

    /// <summary>HardSwish per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSwish(Vector128<float> z) => z * Clamp06(z + Vector128.Create(3f)) / Vector128.Create(6f);

    /// <summary>HardSwish′ per lane: 0 below −3, z/3 + ½ on [−3, 3), 1 from 3 on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSwishDerivative(Vector128<float> z) =>
        Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128.Create(-3f)), Vector128<float>.Zero,
            Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128.Create(3f)), z / Vector128.Create(3f) + Vector128.Create(0.5f), Vector128.Create(1f)));

    /// <summary><c>g·HardSwish′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HardSwishBackward(Vector128<float> z, Vector128<float> g) =>
        Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128.Create(-3f)), Vector128<float>.Zero,
            Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128.Create(3f)), g * (z / Vector128.Create(3f) + Vector128.Create(0.5f)), g));

    /// <summary>PReLU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PReLU(Vector128<float> z, float slope) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z, Vector128.Create(slope) * z);

    /// <summary>∂L/∂z of PReLU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PReLUBackward(Vector128<float> z, Vector128<float> g, float slope) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), g, Vector128.Create(slope) * g);

    /// <summary>Each lane's part of ∂L/∂a for PReLU's slope: 0 where z &gt; 0, else z·g (unused lanes with z = 0 add 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PReLUSlopeGradient(Vector128<float> z, Vector128<float> g) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), Vector128<float>.Zero, z * g);

    // ----- Vector256<float> --------------------------------------------------------------------------------------------------

    /// <summary><c>eˣ − 1</c> per lane (see <see cref="Expm1(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Expm1(Vector256<float> x)
    {
        Vector256<float> x2 = x * x;
        Vector256<float> q = FastMath.MultiplyAdd(FastMath.MultiplyAdd(Vector256.Create(E6), x2, FastMath.MultiplyAdd(Vector256.Create(E5), x, Vector256.Create(E4))), x2,
            FastMath.MultiplyAdd(Vector256.Create(E3), x, Vector256.Create(E2)));
        Vector256<float> small = FastMath.MultiplyAdd(q, x2, x);
        Vector256<float> large = FastMath.Exp(x) - Vector256.Create(1f);
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(Expm1Small)), small, large);
    }

    /// <summary>ELU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ELU(Vector256<float> z, float alpha) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, Vector256.Create(alpha) * Expm1(z));

    /// <summary>ELU′ per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ELUDerivative(Vector256<float> z, float alpha) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256.Create(1f), Vector256.Create(alpha) * FastMath.Exp(z));

    /// <summary><c>g·ELU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ELUBackward(Vector256<float> z, Vector256<float> g, float alpha) => g * ELUDerivative(z, alpha);

    /// <summary>SELU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SELU(Vector256<float> z) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256.Create(SeluScale) * z, Vector256.Create(SeluScaleAlpha) * Expm1(z));

    /// <summary>SELU′ per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SELUDerivative(Vector256<float> z) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256.Create(SeluScale), Vector256.Create(SeluScaleAlpha) * FastMath.Exp(z));

    /// <summary><c>g·SELU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SELUBackward(Vector256<float> z, Vector256<float> g) => g * SELUDerivative(z);

    /// <summary>Softplus (β = 1, threshold 20) per lane: the operations of <see cref="FastMath.Softplus(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Softplus(Vector256<float> z)
    {
        Vector256<float> e = FastMath.Exp(-Vector256.Abs(z));
        Vector256<float> s = e / (Vector256.Create(2f) + e);
        Vector256<float> s2 = s * s;
        Vector256<float> p = FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(
            Vector256.Create(A15), s2, Vector256.Create(A13)), s2, Vector256.Create(A11)), s2, Vector256.Create(A9)), s2, Vector256.Create(A7)), s2, Vector256.Create(A5)), s2, Vector256.Create(A3));
        Vector256<float> log1p = FastMath.MultiplyAdd(s * s2, p, Vector256.Create(2f) * s);
        Vector256<float> positive = Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, Vector256<float>.Zero);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256.Create(SoftplusThreshold)), z, positive + log1p);
    }

    /// <summary>Softplus′ per lane: σ(z), 1 above the threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SoftplusDerivative(Vector256<float> z) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256.Create(SoftplusThreshold)), Vector256.Create(1f), FastMath.Sigmoid(z));

    /// <summary><c>g·Softplus′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SoftplusBackward(Vector256<float> z, Vector256<float> g) => g * SoftplusDerivative(z);

    /// <summary>SiLU <c>z·σ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiLU(Vector256<float> z) => z * FastMath.Sigmoid(z);

    /// <summary>SiLU′ per lane (see <see cref="SiLUDerivative(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiLUDerivative(Vector256<float> z)
    {
        Vector256<float> e = FastMath.Exp(-Vector256.Abs(z));
        Vector256<float> s = Vector256.Create(1f) / (Vector256.Create(1f) + e);
        Vector256<float> es = e * s;
        Vector256<float> positive = Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero);
        Vector256<float> sigma = Vector256.ConditionalSelect(positive, s, es);
        Vector256<float> complement = Vector256.ConditionalSelect(positive, es, s);
        return sigma * FastMath.MultiplyAdd(z, complement, Vector256.Create(1f));
    }

    /// <summary><c>g·SiLU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SiLUBackward(Vector256<float> z, Vector256<float> g) => g * SiLUDerivative(z);

    /// <summary>Mish per lane (see <see cref="Mish(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Mish(Vector256<float> z)
    {
        Vector256<float> e = FastMath.Exp(Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256.Create(MishExpMax)), z, Vector256.Create(MishExpMax)));
        Vector256<float> n = FastMath.MultiplyAdd(e, e, Vector256.Create(2f) * e);
        return z * (n / (n + Vector256.Create(2f)));
    }

    /// <summary>Mish′ per lane (see <see cref="MishDerivative(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MishDerivative(Vector256<float> z)
    {
        Vector256<float> e = FastMath.Exp(Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256.Create(MishExpMax)), z, Vector256.Create(MishExpMax)));
        Vector256<float> n = FastMath.MultiplyAdd(e, e, Vector256.Create(2f) * e);
        Vector256<float> q = Vector256.Create(1f) / (n + Vector256.Create(2f));
        Vector256<float> t = n * q;
        Vector256<float> oneMinusT2 = (Vector256.Create(2f) * q) * (Vector256.Create(1f) + t);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256.Create(MishExpMax)), t, FastMath.MultiplyAdd(z * FastMath.Sigmoid(z), oneMinusT2, t));
    }

    /// <summary><c>g·Mish′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MishBackward(Vector256<float> z, Vector256<float> g) => g * MishDerivative(z);

    /// <summary>HardTanh per lane; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardTanh(Vector256<float> z) =>
        Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256.Create(-1f)), Vector256.Create(-1f), Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256.Create(1f)), Vector256.Create(1f), z));

    /// <summary>HardTanh′ per lane: 0 where z ≤ −1 or z ≥ 1, else 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardTanhDerivative(Vector256<float> z) =>
        Vector256.AndNot(Vector256.Create(1f), Vector256.LessThanOrEqual(z, Vector256.Create(-1f)) | Vector256.GreaterThanOrEqual(z, Vector256.Create(1f)));

    /// <summary><c>g·HardTanh′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardTanhBackward(Vector256<float> z, Vector256<float> g) =>
        Vector256.AndNot(g, Vector256.LessThanOrEqual(z, Vector256.Create(-1f)) | Vector256.GreaterThanOrEqual(z, Vector256.Create(1f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Clamp06(Vector256<float> v) =>
        Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256.Create(6f)), Vector256.Create(6f), v));

    /// <summary>HardSigmoid per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSigmoid(Vector256<float> z) => Clamp06(z + Vector256.Create(3f)) / Vector256.Create(6f);

    /// <summary>HardSigmoid′ per lane: 1/6 strictly inside (−3, 3), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSigmoidDerivative(Vector256<float> z) =>
        Vector256.GreaterThan(z, Vector256.Create(-3f)) & Vector256.LessThan(z, Vector256.Create(3f)) & Vector256.Create(1f / 6f);

    /// <summary><c>g/6</c> inside (−3, 3), else 0, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSigmoidBackward(Vector256<float> z, Vector256<float> g) =>
        Vector256.GreaterThan(z, Vector256.Create(-3f)) & Vector256.LessThan(z, Vector256.Create(3f)) & (g / Vector256.Create(6f));

    /// <summary>HardSwish per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSwish(Vector256<float> z) => z * Clamp06(z + Vector256.Create(3f)) / Vector256.Create(6f);

    /// <summary>HardSwish′ per lane: 0 below −3, z/3 + ½ on [−3, 3), 1 from 3 on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSwishDerivative(Vector256<float> z) =>
        Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256.Create(-3f)), Vector256<float>.Zero,
            Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256.Create(3f)), z / Vector256.Create(3f) + Vector256.Create(0.5f), Vector256.Create(1f)));

    /// <summary><c>g·HardSwish′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HardSwishBackward(Vector256<float> z, Vector256<float> g) =>
        Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256.Create(-3f)), Vector256<float>.Zero,
            Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256.Create(3f)), g * (z / Vector256.Create(3f) + Vector256.Create(0.5f)), g));

    /// <summary>PReLU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PReLU(Vector256<float> z, float slope) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z, Vector256.Create(slope) * z);

    /// <summary>∂L/∂z of PReLU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PReLUBackward(Vector256<float> z, Vector256<float> g, float slope) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), g, Vector256.Create(slope) * g);

    /// <summary>Each lane's part of ∂L/∂a for PReLU's slope: 0 where z &gt; 0, else z·g (unused lanes with z = 0 add 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PReLUSlopeGradient(Vector256<float> z, Vector256<float> g) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), Vector256<float>.Zero, z * g);

    // ----- Vector512<float> --------------------------------------------------------------------------------------------------

    /// <summary><c>eˣ − 1</c> per lane (see <see cref="Expm1(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Expm1(Vector512<float> x)
    {
        Vector512<float> x2 = x * x;
        Vector512<float> q = FastMath.MultiplyAdd(FastMath.MultiplyAdd(Vector512.Create(E6), x2, FastMath.MultiplyAdd(Vector512.Create(E5), x, Vector512.Create(E4))), x2,
            FastMath.MultiplyAdd(Vector512.Create(E3), x, Vector512.Create(E2)));
        Vector512<float> small = FastMath.MultiplyAdd(q, x2, x);
        Vector512<float> large = FastMath.Exp(x) - Vector512.Create(1f);
        return Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(Expm1Small)), small, large);
    }

    /// <summary>ELU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ELU(Vector512<float> z, float alpha) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, Vector512.Create(alpha) * Expm1(z));

    /// <summary>ELU′ per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ELUDerivative(Vector512<float> z, float alpha) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512.Create(1f), Vector512.Create(alpha) * FastMath.Exp(z));

    /// <summary><c>g·ELU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ELUBackward(Vector512<float> z, Vector512<float> g, float alpha) => g * ELUDerivative(z, alpha);

    /// <summary>SELU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SELU(Vector512<float> z) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512.Create(SeluScale) * z, Vector512.Create(SeluScaleAlpha) * Expm1(z));

    /// <summary>SELU′ per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SELUDerivative(Vector512<float> z) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512.Create(SeluScale), Vector512.Create(SeluScaleAlpha) * FastMath.Exp(z));

    /// <summary><c>g·SELU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SELUBackward(Vector512<float> z, Vector512<float> g) => g * SELUDerivative(z);

    /// <summary>Softplus (β = 1, threshold 20) per lane: the operations of <see cref="FastMath.Softplus(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Softplus(Vector512<float> z)
    {
        Vector512<float> e = FastMath.Exp(-Vector512.Abs(z));
        Vector512<float> s = e / (Vector512.Create(2f) + e);
        Vector512<float> s2 = s * s;
        Vector512<float> p = FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(FastMath.MultiplyAdd(
            Vector512.Create(A15), s2, Vector512.Create(A13)), s2, Vector512.Create(A11)), s2, Vector512.Create(A9)), s2, Vector512.Create(A7)), s2, Vector512.Create(A5)), s2, Vector512.Create(A3));
        Vector512<float> log1p = FastMath.MultiplyAdd(s * s2, p, Vector512.Create(2f) * s);
        Vector512<float> positive = Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, Vector512<float>.Zero);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512.Create(SoftplusThreshold)), z, positive + log1p);
    }

    /// <summary>Softplus′ per lane: σ(z), 1 above the threshold.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SoftplusDerivative(Vector512<float> z) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512.Create(SoftplusThreshold)), Vector512.Create(1f), FastMath.Sigmoid(z));

    /// <summary><c>g·Softplus′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SoftplusBackward(Vector512<float> z, Vector512<float> g) => g * SoftplusDerivative(z);

    /// <summary>SiLU <c>z·σ(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SiLU(Vector512<float> z) => z * FastMath.Sigmoid(z);

    /// <summary>SiLU′ per lane (see <see cref="SiLUDerivative(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SiLUDerivative(Vector512<float> z)
    {
        Vector512<float> e = FastMath.Exp(-Vector512.Abs(z));
        Vector512<float> s = Vector512.Create(1f) / (Vector512.Create(1f) + e);
        Vector512<float> es = e * s;
        Vector512<float> positive = Vector512.GreaterThanOrEqual(z, Vector512<float>.Zero);
        Vector512<float> sigma = Vector512.ConditionalSelect(positive, s, es);
        Vector512<float> complement = Vector512.ConditionalSelect(positive, es, s);
        return sigma * FastMath.MultiplyAdd(z, complement, Vector512.Create(1f));
    }

    /// <summary><c>g·SiLU′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SiLUBackward(Vector512<float> z, Vector512<float> g) => g * SiLUDerivative(z);

    /// <summary>Mish per lane (see <see cref="Mish(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Mish(Vector512<float> z)
    {
        Vector512<float> e = FastMath.Exp(Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(MishExpMax)), z, Vector512.Create(MishExpMax)));
        Vector512<float> n = FastMath.MultiplyAdd(e, e, Vector512.Create(2f) * e);
        return z * (n / (n + Vector512.Create(2f)));
    }

    /// <summary>Mish′ per lane (see <see cref="MishDerivative(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MishDerivative(Vector512<float> z)
    {
        Vector512<float> e = FastMath.Exp(Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(MishExpMax)), z, Vector512.Create(MishExpMax)));
        Vector512<float> n = FastMath.MultiplyAdd(e, e, Vector512.Create(2f) * e);
        Vector512<float> q = Vector512.Create(1f) / (n + Vector512.Create(2f));
        Vector512<float> t = n * q;
        Vector512<float> oneMinusT2 = (Vector512.Create(2f) * q) * (Vector512.Create(1f) + t);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512.Create(MishExpMax)), t, FastMath.MultiplyAdd(z * FastMath.Sigmoid(z), oneMinusT2, t));
    }

    /// <summary><c>g·Mish′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MishBackward(Vector512<float> z, Vector512<float> g) => g * MishDerivative(z);

    /// <summary>HardTanh per lane; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardTanh(Vector512<float> z) =>
        Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(-1f)), Vector512.Create(-1f), Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512.Create(1f)), Vector512.Create(1f), z));

    /// <summary>HardTanh′ per lane: 0 where z ≤ −1 or z ≥ 1, else 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardTanhDerivative(Vector512<float> z) =>
        Vector512.AndNot(Vector512.Create(1f), Vector512.LessThanOrEqual(z, Vector512.Create(-1f)) | Vector512.GreaterThanOrEqual(z, Vector512.Create(1f)));

    /// <summary><c>g·HardTanh′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardTanhBackward(Vector512<float> z, Vector512<float> g) =>
        Vector512.AndNot(g, Vector512.LessThanOrEqual(z, Vector512.Create(-1f)) | Vector512.GreaterThanOrEqual(z, Vector512.Create(1f)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Clamp06(Vector512<float> v) =>
        Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), Vector512<float>.Zero, Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512.Create(6f)), Vector512.Create(6f), v));

    /// <summary>HardSigmoid per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSigmoid(Vector512<float> z) => Clamp06(z + Vector512.Create(3f)) / Vector512.Create(6f);

    /// <summary>HardSigmoid′ per lane: 1/6 strictly inside (−3, 3), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSigmoidDerivative(Vector512<float> z) =>
        Vector512.GreaterThan(z, Vector512.Create(-3f)) & Vector512.LessThan(z, Vector512.Create(3f)) & Vector512.Create(1f / 6f);

    /// <summary><c>g/6</c> inside (−3, 3), else 0, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSigmoidBackward(Vector512<float> z, Vector512<float> g) =>
        Vector512.GreaterThan(z, Vector512.Create(-3f)) & Vector512.LessThan(z, Vector512.Create(3f)) & (g / Vector512.Create(6f));

    /// <summary>HardSwish per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSwish(Vector512<float> z) => z * Clamp06(z + Vector512.Create(3f)) / Vector512.Create(6f);

    /// <summary>HardSwish′ per lane: 0 below −3, z/3 + ½ on [−3, 3), 1 from 3 on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSwishDerivative(Vector512<float> z) =>
        Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(-3f)), Vector512<float>.Zero,
            Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(3f)), z / Vector512.Create(3f) + Vector512.Create(0.5f), Vector512.Create(1f)));

    /// <summary><c>g·HardSwish′(z)</c> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HardSwishBackward(Vector512<float> z, Vector512<float> g) =>
        Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(-3f)), Vector512<float>.Zero,
            Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(3f)), g * (z / Vector512.Create(3f) + Vector512.Create(0.5f)), g));

    /// <summary>PReLU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PReLU(Vector512<float> z, float slope) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z, Vector512.Create(slope) * z);

    /// <summary>∂L/∂z of PReLU per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PReLUBackward(Vector512<float> z, Vector512<float> g, float slope) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), g, Vector512.Create(slope) * g);

    /// <summary>Each lane's part of ∂L/∂a for PReLU's slope: 0 where z &gt; 0, else z·g (unused lanes with z = 0 add 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PReLUSlopeGradient(Vector512<float> z, Vector512<float> g) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), Vector512<float>.Zero, z * g);
}
