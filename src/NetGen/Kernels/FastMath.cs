using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

/// <summary>
/// Single-precision, branch-free approximations of <c>exp</c>, <c>tanh</c>, <c>σ</c>, softplus, <c>Φ</c> (the normal
/// distribution function, i.e. erf) and GELU, in a scalar form and a <see cref="Vector128{T}"/>/<see cref="Vector256{T}"/>/<see cref="Vector512{T}"/>
/// form that run the same operation sequence, so a value gets the same result in a vector lane as in a scalar tail.
/// They replace .NET's <c>MathF.Tanh</c> (a libm call, ~9 ns) and the vector <c>Exp</c> (a non-inlined double-precision
/// routine). Every routine is <c>AggressiveInlining</c> and allocation-free.
/// </summary>
/// <remarks>
/// <para>Maximum errors against double-precision references, in ulps of the correctly rounded float result, measured by
/// <c>dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- accuracy</c> (AVX-512 with FMA; the scalar form and every
/// vector width give the same bits). <c>tests/NetGen.Tests/FastMathTests.cs</c> asserts slightly rounder bounds (exp 1.5 ulp,
/// tanh 7.25 ulp, σ 4 ulp, softplus 3 ulp, Φ 5·10⁻⁷ relative and 2.5·10⁻⁷ absolute, GELU 2.5·10⁻⁷·max(1, |z|)) on a dense sweep, also
/// without FMA and without AVX2/AVX-512 in child test runs:</para>
/// <list type="bullet">
/// <item><see cref="Exp(float)"/>: ≤ 1.07 ulp for normal results (all 2.2·10⁹ floats in ±110 checked); subnormal results
/// (x &lt; −87.34) are rounded once; +∞ above 88.7228, 0 below −103.98, NaN stays NaN.</item>
/// <item><see cref="Tanh(float)"/>: ≤ 7.09 ulp (at 6.6707), absolute and relative error ≤ 4.3·10⁻⁷ (every float in ±20, with FMA);
/// near 0 tanh(x) = x·P/Q with P(0) = Q(0) = 1, so the relative accuracy holds down to the subnormals; |tanh| ≤ 1 and exactly ±1
/// from ±7.728043 on (where 1 − tanh ≤ 6.5 ulp), odd (tanh(−0) = −0), NaN stays NaN. (Until issue 11 tanh went through exp:
/// ≤ 2.13 ulp at about twice the latency; its rational forms: degree 4 over 5, 6.09 ulp; degree 4 over 4, 4.99 ulp, 13 instructions;
/// now degree 3 over 4, 12 instructions and a shorter chain — chosen by the tiny networks' measured latency, see below.)</item>
/// <item><see cref="Sigmoid(float)"/>: ≤ 3.96 ulp (at 13.456), absolute error ≤ 2.4·10⁻⁷ (every float in ±110; the exponential
/// branch below −ln 3 is unchanged, 2.83 ulp), subnormal results included (σ(−100) ≈ 3.7·10⁻⁴⁴, relative accuracy kept in the
/// whole left tail); exactly 1 from 15.456086 on. (Degree 4 over 4: 2.92 ulp.)</item>
/// <item><see cref="Softplus(float)"/>: ≤ 2.80 ulp (every 16th float in ±110); never overflows.</item>
/// <item><see cref="NormalCdf(float)"/> Φ: relative error ≤ 4.5·10⁻⁷ while Φ ≥ 10⁻³⁶ (z ≥ −12.6), absolute error ≤ 2.3·10⁻⁷ everywhere
/// (every 64th float in ±15).</item>
/// <item><see cref="Gelu(float)"/> z·Φ(z) and <see cref="GeluDerivative(float)"/> Φ(z) + z·φ(z): absolute error ≤ 2.4·10⁻⁷·max(1, |z|).</item>
/// </list>
/// <para>Method: exp reduces x = n·ln 2 + r with |r| ≤ ln 2 / 2 (Cody–Waite, two-part ln 2), evaluates a degree-6 minimax
/// polynomial for eʳ (in Estrin's form, which halves the chain of dependent multiply-adds against Horner's) and scales by 2ⁿ in
/// two steps (2^⌊n/2⌋·2^(n−⌊n/2⌋)) so subnormal results round once. tanh is a rational minimax form fitted for this library,
/// c·P(u)/Q(u) with P of degree 3 and Q of degree 4 in u = c² (relative error 1.75·10⁻⁷, about 3 ulp, with the coefficients
/// rounded to float) and c = x clamped to ±7.728043: no exponential, no clamp of the result (below the clamp the rounded form
/// never exceeds 1, checked for every float), both polynomials in Horner's form side by side, one division — 12 instructions.
/// u = min(7.728043², x²) starts the chain (it keeps NaN), and c, needed only for the last product, is computed beside it (one
/// <c>vrangeps</c> with AVX-512DQ). The tiny networks' forward passes chose this form: their independent calls overlap in the
/// processor, so a call costs about its instruction count plus a part of its chain (measured: a division ≈ 0.6 ns, a multiply-add
/// ≈ 0.3 ns in W4), and the degree-4/4 form (4.99 ulp) cost W1 and W4 0.7 ns more; see benchmarks/README.md. σ(x) for x ≥ −ln 3 (σ ≥ ¼) is ½ + ½·tanh(x/2) by the same rational form, with
/// the halving folded into the coefficients (exact powers of two), x clamped at 2·7.728043 (a minimum) and the result a single multiply-add ¼·(c·P/Q) + ½, whose
/// error is about half of tanh's plus the final rounding (σ and tanh(x/2) share the spacing of floats in [½, 1)); below −ln 3 it is e^x/(1 + e^x), since 1 + tanh(x/2) would cancel there
/// and lose the relative accuracy that the binary cross-entropy (log σ) needs in the left tail. The vector forms take the
/// tanh path without the exponential when every lane has x ≥ −ln 3 (one compare and branch), else compute both and select per
/// lane; the scalar form branches. Φ uses the Chebyshev fit of erfc from <i>Numerical Recipes</i> §6.2 (fractional error &lt; 1.2·10⁻⁷),
/// erfc(a) = t·e^(−a² + P(t)), t = 1/(1 + a/2), with a² split into an exact high part and a small low part so the large
/// exponent is never rounded. softplus is max(x, 0) + log1p(e^(−|x|)) with log1p as 2·atanh(s), s = e/(2 + e). Multiply-adds
/// are fused where the hardware has FMA (x86 FMA3, Arm AdvSIMD) and separate otherwise; the test bounds are checked for both.</para>
/// </remarks>
public static class FastMath
{
    // exp: x = n·ln2 + r, |r| ≤ ln2/2; ln2 in two parts so that n·Ln2Hi is exact for |n| < 2⁸.
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693145751953125f;
    private const float Ln2Lo = 1.42860677e-6f;
    private const float RoundMagic = 12582912f;        // 1.5·2²³: adding it rounds to an integer held in the low mantissa bits
    private const float ExpMax = 89f;                  // e^89 > float.MaxValue: the clamp still gives +∞
    private const float ExpMin = -104f;                // e^−104 < half the smallest subnormal: the clamp still gives 0
    // eʳ ≈ 1 + r + r²·(E2 + r·(E3 + r·(E4 + r·(E5 + r·E6)))), minimax on [−ln2/2, ln2/2], relative error 4.4·10⁻⁹.
    private const float E2 = 0.5f, E3 = 0.1666652f, E4 = 0.041666206f, E5 = 0.008368882f, E6 = 0.0013950479f;

    // tanh(x) ≈ c·P(u)/Q(u), c = x clamped to ±TanhClamp, u = c²: a minimax rational form with P of degree 3 and Q of degree 4
    // in u (relative error 1.75·10⁻⁷ with the coefficients rounded to float) fitted for this library on [0, 8.05] (Lawson's
    // iteration, then each coefficient rounded to float in turn and the others refitted; issue 11). No exponential and no
    // branch: the two polynomials in Horner's form side by side (fewer operations than Estrin's, which the tiny networks'
    // forward passes measured to matter more than the chain's length) and one division. No clamp of the result is needed:
    // below TanhClamp the rounded form never exceeds 1 (every float checked, with FMA by the accuracy sweep, without FMA on
    // [6.5, 9.5] where it comes near), and TanhClamp is the first float where it is exactly 1 both with and without FMA
    // (near 7.7 it rounds to 1 or a few ulps below), so tanh is exactly ±1 from ±TanhClamp on, where 1 − tanh(x) ≤ 3.9·10⁻⁷ (6.5 ulp).
    private const float TanhClamp = 7.728043f;
    private const float TP1 = 0.12925963f, TP2 = 0.0029510616f, TP3 = 1.1423168e-05f;
    private const float TQ1 = 0.46259212f, TQ2 = 0.023816446f, TQ3 = 0.00023864022f, TQ4 = 2.4565068e-07f;

    // σ(x) = ½ + ½·tanh(x/2) where σ ≥ ¼ (x ≥ −ln 3); below, e^x/(1 + e^x), which keeps relative accuracy down to the subnormals.
    private const float SigmoidTanhMin = -1.0986123f;
    // σ's tanh(x/2) with the halving folded in: c = clamp(x, ±2·TanhClamp) = 2·clamp(x/2), u = c² = 4·(x/2)², so the
    // coefficients of uᵏ are tanh's divided by 4ᵏ (exact: powers of two), c·P/Q = 2·tanh(x/2) and σ = ¼·(c·P/Q) + ½ in one
    // multiply-add. No clamp of the result is needed: below the clamp σ never exceeds 1 (checked for every float).
    private const float SP1 = TP1 / 4f, SP2 = TP2 / 16f, SP3 = TP3 / 64f;
    private const float SQ1 = TQ1 / 4f, SQ2 = TQ2 / 16f, SQ3 = TQ3 / 64f, SQ4 = TQ4 / 256f;

    // softplus: log1p(e) = 2·atanh(s) = 2s + s³·(2/3 + s²·(2/5 + s²·(2/7 + …))), s = e/(2 + e) ∈ [0, 1/3].
    private const float A3 = 2f / 3f, A5 = 2f / 5f, A7 = 2f / 7f, A9 = 2f / 9f, A11 = 2f / 11f, A13 = 2f / 13f, A15 = 2f / 15f;

    // Φ(z) = ½·erfc(−z/√2); erfc(a) = t·e^(−a² + P(t)), t = 1/(1 + a/2), a ≥ 0 (Numerical Recipes, §6.2).
    private const float HalfInvSqrt2 = 0.35355339f;
    private const float NormalTailEnd = 20f;           // 1 − Φ(20) ≈ 2.8·10⁻⁸⁹: 0 in float, so larger inputs are clamped
    private const float InvSqrt2Pi = 0.39894228f;
    private const float P0 = -1.26551223f, P1 = 1.00002368f, P2 = 0.37409196f, P3 = 0.09678418f, P4 = -0.18628806f,
        P5 = 0.27886807f, P6 = -1.13520398f, P7 = 1.48851587f, P8 = -0.82215223f, P9 = 0.17087277f;

    /// <summary>True where multiply-adds are fused in hardware (x86 FMA3, Arm AdvSIMD); a JIT-time constant.</summary>
    public static bool HasFusedMultiplyAdd
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Fma.IsSupported || AdvSimd.IsSupported;
    }

    // ----- scalar -----------------------------------------------------------------------------------------------

    /// <summary><c>a·b + c</c>, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => HasFusedMultiplyAdd ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary><c>eˣ</c>, ≤ 2 ulp (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        if (x < ExpMin)
        {
            x = ExpMin;
        }
        if (x > ExpMax)
        {
            x = ExpMax;
        }
        float t = MultiplyAdd(x, Log2E, RoundMagic);
        float n = t - RoundMagic;
        float r = MultiplyAdd(n, -Ln2Hi, x);
        r = MultiplyAdd(n, -Ln2Lo, r);
        float r2 = r * r;
        float p = MultiplyAdd(MultiplyAdd(MultiplyAdd(E6, r2, MultiplyAdd(E5, r, E4)), r2, MultiplyAdd(E3, r, E2)), r2, r) + 1f;
        int ni = BitConverter.SingleToInt32Bits(t) - BitConverter.SingleToInt32Bits(RoundMagic);
        int n1 = ni >> 1;
        float s1 = BitConverter.Int32BitsToSingle((n1 + 127) << 23);
        float s2 = BitConverter.Int32BitsToSingle((ni - n1 + 127) << 23);
        return p * s1 * s2;
    }

    /// <summary><c>tanh(x)</c> by a rational form (see the class remarks); exactly ±1 from ±7.728043 on, odd, NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            return Tanh(Vector128.CreateScalarUnsafe(x)).ToScalar(); // the vector code in lane 0: the same operations, so the same bits
        }
        float c = MathF.CopySign(MathF.Min(MathF.Abs(x), TanhClamp), x);
        float u = c * c;
        float p = MultiplyAdd(MultiplyAdd(MultiplyAdd(TP3, u, TP2), u, TP1), u, 1f);
        float q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(TQ4, u, TQ3), u, TQ2), u, TQ1), u, 1f);
        return c * p / q;
    }

    /// <summary>
    /// <c>σ(x) = 1/(1 + e^(−x))</c> (≤ 3.96 ulp, see the class remarks): ½ + ½·tanh(x/2) for x ≥ −ln 3 (σ ≥ ¼), e^x/(1 + e^x)
    /// below, so small results keep their relative accuracy down to the subnormals. Exactly 1 from 15.456086 on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        if (x >= SigmoidTanhMin)
        {
            if (Vector128.IsHardwareAccelerated)
            {
                return SigmoidViaTanh(Vector128.CreateScalarUnsafe(x)).ToScalar(); // the vector code in lane 0: the same bits
            }
            float c = MathF.Min(x, 2f * TanhClamp);
            float u = c * c;
            float p = MultiplyAdd(MultiplyAdd(MultiplyAdd(SP3, u, SP2), u, SP1), u, 1f);
            float q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(SQ4, u, SQ3), u, SQ2), u, SQ1), u, 1f);
            return MultiplyAdd(c * p / q, 0.25f, 0.5f);
        }
        float e = Exp(x); // NaN fails the test above and stays NaN here
        return e / (1f + e);
    }

    /// <summary>
    /// softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)), never overflowing (see the class remarks for its error).
    /// log1p(e) for e ∈ (0, 1] is 2·atanh(s) with s = e/(2 + e) ≤ 1/3, an odd series summed to s¹⁵ (truncation ≤ 10⁻⁸).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float x)
    {
        float e = Exp(-MathF.Abs(x));
        float s = e / (2f + e);
        float s2 = s * s;
        float p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(A15, s2, A13), s2, A11), s2, A9), s2, A7), s2, A5), s2, A3);
        float log1p = MultiplyAdd(s * s2, p, 2f * s);
        return MathF.Max(x, 0f) + log1p;
    }

    /// <summary>Φ(z), the standard normal distribution function (see the class remarks for its error).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float NormalCdf(float z)
    {
        float tail = UpperTail(MathF.Abs(z), out _);
        return z >= 0f ? 1f - tail : tail;
    }

    /// <summary>GELU(z) = z·Φ(z), the exact (erf) form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gelu(float z) => z * NormalCdf(z);

    /// <summary>GELU′(z) = Φ(z) + z·φ(z), φ the standard normal density.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GeluDerivative(float z)
    {
        float tail = UpperTail(MathF.Abs(z), out float density);
        float phi = z >= 0f ? 1f - tail : tail;
        return MultiplyAdd(z, density, phi);
    }

    /// <summary>
    /// 1 − Φ(x) = ½·erfc(x/√2) for x ≥ 0 (NaN passes through); <paramref name="density"/> = φ(x) = e^(−x²/2)/√(2π).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float UpperTail(float x, out float density)
    {
        // erfc(a) = t·e^(−a² + P(t)), a = x/√2, t = 1/(1 + a/2). a² = x²/2 is split into hi = xₕ²/2, exact (xₕ = x with its
        // 12 low mantissa bits cleared), and the small lo = (x − xₕ)(x + xₕ)/2, so the large exponent is never rounded.
        if (x > NormalTailEnd)
        {
            x = NormalTailEnd; // keeps ∞ out of x − xₕ below; NaN passes through
        }
        float t = 1f / MultiplyAdd(x, HalfInvSqrt2, 1f);
        float p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(P9, t, P8), t, P7), t, P6), t, P5), t, P4);
        p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(p, t, P3), t, P2), t, P1), t, P0);
        float xh = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x) & unchecked((int)0xFFFFF000));
        float hi = 0.5f * (xh * xh);
        float lo = 0.5f * ((x - xh) * (x + xh));
        float eHi = Exp(-hi);
        density = eHi * Exp(-lo) * InvSqrt2Pi;
        return 0.5f * t * eHi * Exp(p - lo);
    }

    // ----- Vector128<float> --------------------------------------------------------------------------------------------

    /// <summary><c>a·b + c</c> per lane, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => VectorMath.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MultiplyAdd(Vector128<float> a, float b, float c) =>
        MultiplyAdd(a, Vector128.Create(b), Vector128.Create(c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, float c) => MultiplyAdd(a, b, Vector128.Create(c));

    /// <summary>eʳ for |r| ≤ ln2/2: 1 + r + r²·P(r), P in Estrin's form (the same operations as the scalar form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ExpPolynomial(Vector128<float> r)
    {
        Vector128<float> r2 = r * r;
        Vector128<float> q = MultiplyAdd(MultiplyAdd(r2, Vector128.Create(E6), MultiplyAdd(r, E5, E4)), r2, MultiplyAdd(r, E3, E2));
        return MultiplyAdd(q, r2, r) + Vector128.Create(1f);
    }

    /// <summary><c>eˣ</c> per lane (see <see cref="Exp(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        Vector128<float> c = VectorMath.Min(VectorMath.Max(x, Vector128.Create(ExpMin)), Vector128.Create(ExpMax));
        Vector128<float> t = MultiplyAdd(c, Log2E, RoundMagic);
        Vector128<float> n = t - Vector128.Create(RoundMagic);
        Vector128<float> r = MultiplyAdd(n, Vector128.Create(-Ln2Hi), c);
        r = MultiplyAdd(n, Vector128.Create(-Ln2Lo), r);
        Vector128<float> p = ExpPolynomial(r);
        Vector128<int> ni = t.AsInt32() - Vector128.Create(BitConverter.SingleToInt32Bits(RoundMagic));
        Vector128<int> n1 = Vector128.ShiftRightArithmetic(ni, 1);
        Vector128<float> s1 = Vector128.ShiftLeft(n1 + Vector128.Create(127), 23).AsSingle();
        Vector128<float> s2 = Vector128.ShiftLeft(ni - n1 + Vector128.Create(127), 23).AsSingle();
        Vector128<float> result = p * s1 * s2;
        return Vector128.ConditionalSelect(Vector128.Equals(x, x), result, x);
    }

    /// <summary><c>tanh(x)</c> per lane (see <see cref="Tanh(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => TanhCore(x);

    /// <summary>
    /// x with its magnitude limited to <see cref="TanhClamp"/> and its sign kept: one <c>vrangeps</c> (AVX-512DQ: the smaller
    /// magnitude of x and the limit, with x's sign), else min(limit, max(−limit, x)). The same value either way (a clamp is
    /// exact). A NaN x may come out as ±limit: tanh keeps NaN through u (see <see cref="TanhCore(Vector128{float})"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ClampTanh(Vector128<float> x) => Avx512DQ.VL.IsSupported
        ? Avx512DQ.VL.Range(x, Vector128.Create(TanhClamp), 0b0010)
        : VectorMath.Min(Vector128.Create(TanhClamp), VectorMath.Max(Vector128.Create(-TanhClamp), x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> TanhCore(Vector128<float> x)
    {
        // u = min(limit², x²) — the same value as c² — on the dependent chain (two operations where the clamp and c² take
        // three); the NaN operand of x86's min is the second, which it returns (Arm propagates NaN), so NaN stays NaN.
        // c, needed only for the last product, is off the chain.
        Vector128<float> u = VectorMath.Min(Vector128.Create(TanhClamp * TanhClamp), x * x);
        Vector128<float> c = ClampTanh(x);
        Vector128<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(u, TP3, TP2), u, TP1), u, 1f);
        Vector128<float> q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(u, TQ4, TQ3), u, TQ2), u, TQ1), u, 1f);
        return c * p / q;
    }

    /// <summary><c>σ(x)</c> per lane (see <see cref="Sigmoid(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => SigmoidCore(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> SigmoidCore(Vector128<float> x)
    {
        Vector128<float> viaTanh = SigmoidViaTanh(x);
        if (Vector128.GreaterThanOrEqualAll(x, Vector128.Create(SigmoidTanhMin)))
        {
            return viaTanh; // every lane has σ ≥ ¼: no exponential
        }
        Vector128<float> e = Exp(x);
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128.Create(SigmoidTanhMin)), viaTanh, e / (Vector128.Create(1f) + e));
    }

    /// <summary>½ + ½·tanh(x/2) per lane, for x ≥ −ln 3 (see <see cref="SP1"/>); other lanes are replaced by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> SigmoidViaTanh(Vector128<float> x)
    {
        Vector128<float> c = VectorMath.Min(x, Vector128.Create(2f * TanhClamp));
        Vector128<float> u = c * c;
        Vector128<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(u, SP3, SP2), u, SP1), u, 1f);
        Vector128<float> q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(u, SQ4, SQ3), u, SQ2), u, SQ1), u, 1f);
        return MultiplyAdd(c * p / q, 0.25f, 0.5f);
    }

    /// <summary>Φ(z) per lane (see <see cref="NormalCdf(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> NormalCdf(Vector128<float> z)
    {
        Vector128<float> tail = UpperTail(Vector128.Abs(z), out _);
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(z, Vector128<float>.Zero), Vector128.Create(1f) - tail, tail);
    }

    /// <summary>GELU(z) = z·Φ(z) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Gelu(Vector128<float> z) => z * NormalCdf(z);

    /// <summary>GELU′(z) = Φ(z) + z·φ(z) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GeluDerivative(Vector128<float> z)
    {
        Vector128<float> tail = UpperTail(Vector128.Abs(z), out Vector128<float> density);
        Vector128<float> phi = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(z, Vector128<float>.Zero), Vector128.Create(1f) - tail, tail);
        return MultiplyAdd(z, density, phi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> UpperTail(Vector128<float> x, out Vector128<float> density)
    {
        x = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(NormalTailEnd)), Vector128.Create(NormalTailEnd), x);
        Vector128<float> t = Vector128.Create(1f) / MultiplyAdd(x, Vector128.Create(HalfInvSqrt2), Vector128.Create(1f));
        Vector128<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(Vector128.Create(P9), t, Vector128.Create(P8)), t, Vector128.Create(P7)), t, Vector128.Create(P6)), t, Vector128.Create(P5)), t, Vector128.Create(P4));
        p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(p, t, Vector128.Create(P3)), t, Vector128.Create(P2)), t, Vector128.Create(P1)), t, Vector128.Create(P0));
        Vector128<float> xh = (x.AsInt32() & Vector128.Create(unchecked((int)0xFFFFF000))).AsSingle();
        Vector128<float> hi = Vector128.Create(0.5f) * (xh * xh);
        Vector128<float> lo = Vector128.Create(0.5f) * ((x - xh) * (x + xh));
        Vector128<float> eHi = Exp(-hi);
        density = eHi * Exp(-lo) * Vector128.Create(InvSqrt2Pi);
        return Vector128.Create(0.5f) * t * eHi * Exp(p - lo);
    }

    // ----- Vector256<float> --------------------------------------------------------------------------------------------

    /// <summary><c>a·b + c</c> per lane, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => VectorMath.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, float b, float c) =>
        MultiplyAdd(a, Vector256.Create(b), Vector256.Create(c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, float c) => MultiplyAdd(a, b, Vector256.Create(c));

    /// <summary>eʳ for |r| ≤ ln2/2: 1 + r + r²·P(r), P in Estrin's form (the same operations as the scalar form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpPolynomial(Vector256<float> r)
    {
        Vector256<float> r2 = r * r;
        Vector256<float> q = MultiplyAdd(MultiplyAdd(r2, Vector256.Create(E6), MultiplyAdd(r, E5, E4)), r2, MultiplyAdd(r, E3, E2));
        return MultiplyAdd(q, r2, r) + Vector256.Create(1f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpCore(Vector256<float> x)
    {
        Vector256<float> c = VectorMath.Min(VectorMath.Max(x, Vector256.Create(ExpMin)), Vector256.Create(ExpMax));
        Vector256<float> t = MultiplyAdd(c, Log2E, RoundMagic);
        Vector256<float> n = t - Vector256.Create(RoundMagic);
        Vector256<float> r = MultiplyAdd(n, Vector256.Create(-Ln2Hi), c);
        r = MultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = ExpPolynomial(r);
        Vector256<int> ni = t.AsInt32() - Vector256.Create(BitConverter.SingleToInt32Bits(RoundMagic));
        Vector256<int> n1 = Vector256.ShiftRightArithmetic(ni, 1);
        Vector256<float> s1 = Vector256.ShiftLeft(n1 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(ni - n1 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> result = p * s1 * s2;
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);
    }

    /// <summary>
    /// x with its magnitude limited to <see cref="TanhClamp"/> and its sign kept: one <c>vrangeps</c> (AVX-512DQ: the smaller
    /// magnitude of x and the limit, with x's sign), else min(limit, max(−limit, x)). The same value either way (a clamp is
    /// exact). A NaN x may come out as ±limit: tanh keeps NaN through u (see <see cref="TanhCore(Vector256{float})"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ClampTanh(Vector256<float> x) => Avx512DQ.VL.IsSupported
        ? Avx512DQ.VL.Range(x, Vector256.Create(TanhClamp), 0b0010)
        : VectorMath.Min(Vector256.Create(TanhClamp), VectorMath.Max(Vector256.Create(-TanhClamp), x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TanhCore(Vector256<float> x)
    {
        // u = min(limit², x²) — the same value as c² — on the dependent chain (two operations where the clamp and c² take
        // three); the NaN operand of x86's min is the second, which it returns (Arm propagates NaN), so NaN stays NaN.
        // c, needed only for the last product, is off the chain.
        Vector256<float> u = VectorMath.Min(Vector256.Create(TanhClamp * TanhClamp), x * x);
        Vector256<float> c = ClampTanh(x);
        Vector256<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(u, TP3, TP2), u, TP1), u, 1f);
        Vector256<float> q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(u, TQ4, TQ3), u, TQ2), u, TQ1), u, 1f);
        return c * p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SigmoidCore(Vector256<float> x)
    {
        Vector256<float> viaTanh = SigmoidViaTanh(x);
        if (Vector256.GreaterThanOrEqualAll(x, Vector256.Create(SigmoidTanhMin)))
        {
            return viaTanh; // every lane has σ ≥ ¼: no exponential
        }
        Vector256<float> e = Exp(x);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256.Create(SigmoidTanhMin)), viaTanh, e / (Vector256.Create(1f) + e));
    }

    /// <summary>½ + ½·tanh(x/2) per lane, for x ≥ −ln 3 (see <see cref="SP1"/>); other lanes are replaced by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SigmoidViaTanh(Vector256<float> x)
    {
        Vector256<float> c = VectorMath.Min(x, Vector256.Create(2f * TanhClamp));
        Vector256<float> u = c * c;
        Vector256<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(u, SP3, SP2), u, SP1), u, 1f);
        Vector256<float> q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(u, SQ4, SQ3), u, SQ2), u, SQ1), u, 1f);
        return MultiplyAdd(c * p / q, 0.25f, 0.5f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> NormalCdfCore(Vector256<float> z)
    {
        Vector256<float> tail = UpperTail(Vector256.Abs(z), out _);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero), Vector256.Create(1f) - tail, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GeluCore(Vector256<float> z) => z * NormalCdf(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GeluDerivativeCore(Vector256<float> z)
    {
        Vector256<float> tail = UpperTail(Vector256.Abs(z), out Vector256<float> density);
        Vector256<float> phi = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero), Vector256.Create(1f) - tail, tail);
        return MultiplyAdd(z, density, phi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> UpperTail(Vector256<float> x, out Vector256<float> density)
    {
        x = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(NormalTailEnd)), Vector256.Create(NormalTailEnd), x);
        Vector256<float> t = Vector256.Create(1f) / MultiplyAdd(x, Vector256.Create(HalfInvSqrt2), Vector256.Create(1f));
        Vector256<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(Vector256.Create(P9), t, Vector256.Create(P8)), t, Vector256.Create(P7)), t, Vector256.Create(P6)), t, Vector256.Create(P5)), t, Vector256.Create(P4));
        p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(p, t, Vector256.Create(P3)), t, Vector256.Create(P2)), t, Vector256.Create(P1)), t, Vector256.Create(P0));
        Vector256<float> xh = (x.AsInt32() & Vector256.Create(unchecked((int)0xFFFFF000))).AsSingle();
        Vector256<float> hi = Vector256.Create(0.5f) * (xh * xh);
        Vector256<float> lo = Vector256.Create(0.5f) * ((x - xh) * (x + xh));
        Vector256<float> eHi = Exp(-hi);
        density = eHi * Exp(-lo) * Vector256.Create(InvSqrt2Pi);
        return Vector256.Create(0.5f) * t * eHi * Exp(p - lo);
    }

    /// <summary><c>eˣ</c> per lane (see <see cref="Exp(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x) =>
        Vector256.IsHardwareAccelerated ? ExpCore(x) : Vector256.Create(Exp(x.GetLower()), Exp(x.GetUpper())); // unaccelerated: two halves

    /// <summary><c>tanh(x)</c> per lane (see <see cref="Tanh(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) =>
        Vector256.IsHardwareAccelerated ? TanhCore(x) : Vector256.Create(Tanh(x.GetLower()), Tanh(x.GetUpper())); // unaccelerated: two halves

    /// <summary><c>σ(x)</c> per lane (see <see cref="Sigmoid(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) =>
        Vector256.IsHardwareAccelerated ? SigmoidCore(x) : Vector256.Create(Sigmoid(x.GetLower()), Sigmoid(x.GetUpper())); // unaccelerated: two halves

    /// <summary>Φ(z) per lane (see <see cref="NormalCdf(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalCdf(Vector256<float> x) =>
        Vector256.IsHardwareAccelerated ? NormalCdfCore(x) : Vector256.Create(NormalCdf(x.GetLower()), NormalCdf(x.GetUpper())); // unaccelerated: two halves

    /// <summary>GELU(z) = z·Φ(z) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Gelu(Vector256<float> x) =>
        Vector256.IsHardwareAccelerated ? GeluCore(x) : Vector256.Create(Gelu(x.GetLower()), Gelu(x.GetUpper())); // unaccelerated: two halves

    /// <summary>GELU′(z) = Φ(z) + z·φ(z) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluDerivative(Vector256<float> x) =>
        Vector256.IsHardwareAccelerated ? GeluDerivativeCore(x) : Vector256.Create(GeluDerivative(x.GetLower()), GeluDerivative(x.GetUpper())); // unaccelerated: two halves

    // ----- Vector512<float> --------------------------------------------------------------------------------------------

    /// <summary><c>a·b + c</c> per lane, fused where the hardware has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => VectorMath.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MultiplyAdd(Vector512<float> a, float b, float c) =>
        MultiplyAdd(a, Vector512.Create(b), Vector512.Create(c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, float c) => MultiplyAdd(a, b, Vector512.Create(c));

    /// <summary>eʳ for |r| ≤ ln2/2: 1 + r + r²·P(r), P in Estrin's form (the same operations as the scalar form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpPolynomial(Vector512<float> r)
    {
        Vector512<float> r2 = r * r;
        Vector512<float> q = MultiplyAdd(MultiplyAdd(r2, Vector512.Create(E6), MultiplyAdd(r, E5, E4)), r2, MultiplyAdd(r, E3, E2));
        return MultiplyAdd(q, r2, r) + Vector512.Create(1f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ExpCore(Vector512<float> x)
    {
        Vector512<float> c = VectorMath.Min(VectorMath.Max(x, Vector512.Create(ExpMin)), Vector512.Create(ExpMax));
        Vector512<float> t = MultiplyAdd(c, Log2E, RoundMagic);
        Vector512<float> n = t - Vector512.Create(RoundMagic);
        Vector512<float> r = MultiplyAdd(n, Vector512.Create(-Ln2Hi), c);
        r = MultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        Vector512<float> p = ExpPolynomial(r);
        Vector512<int> ni = t.AsInt32() - Vector512.Create(BitConverter.SingleToInt32Bits(RoundMagic));
        Vector512<int> n1 = Vector512.ShiftRightArithmetic(ni, 1);
        Vector512<float> s1 = Vector512.ShiftLeft(n1 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(ni - n1 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> result = p * s1 * s2;
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    /// <summary>
    /// x with its magnitude limited to <see cref="TanhClamp"/> and its sign kept: one <c>vrangeps</c> (AVX-512DQ: the smaller
    /// magnitude of x and the limit, with x's sign), else min(limit, max(−limit, x)). The same value either way (a clamp is
    /// exact). A NaN x may come out as ±limit: tanh keeps NaN through u (see <see cref="TanhCore(Vector512{float})"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> ClampTanh(Vector512<float> x) => Avx512DQ.IsSupported
        ? Avx512DQ.Range(x, Vector512.Create(TanhClamp), 0b0010)
        : VectorMath.Min(Vector512.Create(TanhClamp), VectorMath.Max(Vector512.Create(-TanhClamp), x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TanhCore(Vector512<float> x)
    {
        // u = min(limit², x²) — the same value as c² — on the dependent chain (two operations where the clamp and c² take
        // three); the NaN operand of x86's min is the second, which it returns (Arm propagates NaN), so NaN stays NaN.
        // c, needed only for the last product, is off the chain.
        Vector512<float> u = VectorMath.Min(Vector512.Create(TanhClamp * TanhClamp), x * x);
        Vector512<float> c = ClampTanh(x);
        Vector512<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(u, TP3, TP2), u, TP1), u, 1f);
        Vector512<float> q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(u, TQ4, TQ3), u, TQ2), u, TQ1), u, 1f);
        return c * p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SigmoidCore(Vector512<float> x)
    {
        Vector512<float> viaTanh = SigmoidViaTanh(x);
        if (Vector512.GreaterThanOrEqualAll(x, Vector512.Create(SigmoidTanhMin)))
        {
            return viaTanh; // every lane has σ ≥ ¼: no exponential
        }
        Vector512<float> e = Exp(x);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512.Create(SigmoidTanhMin)), viaTanh, e / (Vector512.Create(1f) + e));
    }

    /// <summary>½ + ½·tanh(x/2) per lane, for x ≥ −ln 3 (see <see cref="SP1"/>); other lanes are replaced by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> SigmoidViaTanh(Vector512<float> x)
    {
        Vector512<float> c = VectorMath.Min(x, Vector512.Create(2f * TanhClamp));
        Vector512<float> u = c * c;
        Vector512<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(u, SP3, SP2), u, SP1), u, 1f);
        Vector512<float> q = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(u, SQ4, SQ3), u, SQ2), u, SQ1), u, 1f);
        return MultiplyAdd(c * p / q, 0.25f, 0.5f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NormalCdfCore(Vector512<float> z)
    {
        Vector512<float> tail = UpperTail(Vector512.Abs(z), out _);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512<float>.Zero), Vector512.Create(1f) - tail, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GeluCore(Vector512<float> z) => z * NormalCdf(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GeluDerivativeCore(Vector512<float> z)
    {
        Vector512<float> tail = UpperTail(Vector512.Abs(z), out Vector512<float> density);
        Vector512<float> phi = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512<float>.Zero), Vector512.Create(1f) - tail, tail);
        return MultiplyAdd(z, density, phi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> UpperTail(Vector512<float> x, out Vector512<float> density)
    {
        x = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(NormalTailEnd)), Vector512.Create(NormalTailEnd), x);
        Vector512<float> t = Vector512.Create(1f) / MultiplyAdd(x, Vector512.Create(HalfInvSqrt2), Vector512.Create(1f));
        Vector512<float> p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(Vector512.Create(P9), t, Vector512.Create(P8)), t, Vector512.Create(P7)), t, Vector512.Create(P6)), t, Vector512.Create(P5)), t, Vector512.Create(P4));
        p = MultiplyAdd(MultiplyAdd(MultiplyAdd(MultiplyAdd(p, t, Vector512.Create(P3)), t, Vector512.Create(P2)), t, Vector512.Create(P1)), t, Vector512.Create(P0));
        Vector512<float> xh = (x.AsInt32() & Vector512.Create(unchecked((int)0xFFFFF000))).AsSingle();
        Vector512<float> hi = Vector512.Create(0.5f) * (xh * xh);
        Vector512<float> lo = Vector512.Create(0.5f) * ((x - xh) * (x + xh));
        Vector512<float> eHi = Exp(-hi);
        density = eHi * Exp(-lo) * Vector512.Create(InvSqrt2Pi);
        return Vector512.Create(0.5f) * t * eHi * Exp(p - lo);
    }

    /// <summary><c>eˣ</c> per lane (see <see cref="Exp(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x) =>
        Vector512.IsHardwareAccelerated ? ExpCore(x) : Vector512.Create(Exp(x.GetLower()), Exp(x.GetUpper())); // unaccelerated: two halves

    /// <summary><c>tanh(x)</c> per lane (see <see cref="Tanh(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) =>
        Vector512.IsHardwareAccelerated ? TanhCore(x) : Vector512.Create(Tanh(x.GetLower()), Tanh(x.GetUpper())); // unaccelerated: two halves

    /// <summary><c>σ(x)</c> per lane (see <see cref="Sigmoid(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) =>
        Vector512.IsHardwareAccelerated ? SigmoidCore(x) : Vector512.Create(Sigmoid(x.GetLower()), Sigmoid(x.GetUpper())); // unaccelerated: two halves

    /// <summary>Φ(z) per lane (see <see cref="NormalCdf(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NormalCdf(Vector512<float> x) =>
        Vector512.IsHardwareAccelerated ? NormalCdfCore(x) : Vector512.Create(NormalCdf(x.GetLower()), NormalCdf(x.GetUpper())); // unaccelerated: two halves

    /// <summary>GELU(z) = z·Φ(z) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Gelu(Vector512<float> x) =>
        Vector512.IsHardwareAccelerated ? GeluCore(x) : Vector512.Create(Gelu(x.GetLower()), Gelu(x.GetUpper())); // unaccelerated: two halves

    /// <summary>GELU′(z) = Φ(z) + z·φ(z) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GeluDerivative(Vector512<float> x) =>
        Vector512.IsHardwareAccelerated ? GeluDerivativeCore(x) : Vector512.Create(GeluDerivative(x.GetLower()), GeluDerivative(x.GetUpper())); // unaccelerated: two halves
}
