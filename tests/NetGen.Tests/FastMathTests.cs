using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// The single-precision approximations in <see cref="FastMath"/> against double-precision references: a dense sweep over
/// float bit patterns (every 2039th float from 0 to the range's end, both signs: about a million values per function; every
/// 8191st for Φ and GELU, whose double-precision reference is a slow series),
/// the extreme inputs (±∞, NaN, ±88, the overflow and underflow edges, subnormals, ±0), and bit-identical results between
/// the scalar form and every vector width. The bounds asserted here are the ones documented on <see cref="FastMath"/>.
/// </summary>
public class FastMathTests
{
    private const int Stride = 2039, ReferenceHeavyStride = 8191;

    private delegate float Scalar(float x);

    private sealed record Function(
        string Name, Scalar F, Func<Vector128<float>, Vector128<float>> V128, Func<Vector256<float>, Vector256<float>> V256,
        Func<Vector512<float>, Vector512<float>> V512, Func<double, double> Reference, float Range, int Stride = Stride);

    private static readonly Function s_exp = new("exp", FastMath.Exp, FastMath.Exp, FastMath.Exp, FastMath.Exp, Math.Exp, 110f);
    private static readonly Function s_tanh = new("tanh", FastMath.Tanh, FastMath.Tanh, FastMath.Tanh, FastMath.Tanh, Math.Tanh, 20f);
    private static readonly Function s_sigmoid = new("sigmoid", FastMath.Sigmoid, FastMath.Sigmoid, FastMath.Sigmoid, FastMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), 110f);
    private static readonly Function s_phi = new("Φ", FastMath.NormalCdf, FastMath.NormalCdf, FastMath.NormalCdf, FastMath.NormalCdf, Phi, 15f, ReferenceHeavyStride);
    private static readonly Function s_gelu = new("GELU", FastMath.Gelu, FastMath.Gelu, FastMath.Gelu, FastMath.Gelu, z => z * Phi(z), 15f, ReferenceHeavyStride);
    private static readonly Function s_geluDerivative = new("GELU′", FastMath.GeluDerivative, FastMath.GeluDerivative, FastMath.GeluDerivative,
        FastMath.GeluDerivative, z => Phi(z) + z * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI), 15f, ReferenceHeavyStride);

    [Fact]
    public void ExpIsWithinOneAndAHalfUlp() =>
        Sweep(s_exp, (x, actual, expected) => Ulps(actual, expected) <= 1.5);

    /// <summary>
    /// tanh is a rational form without an exponential (degree 3 over 4, chosen by latency): 7.09 ulp measured over every float
    /// in ±20, with exactly ±1 from ±7.728043 on and |tanh| ≤ 1 everywhere (see <see cref="FastMath"/>'s remarks).
    /// </summary>
    [Fact]
    public void TanhIsWithinSevenAndAQuarterUlpAndNeverBeyondOne() =>
        Sweep(s_tanh, (x, actual, expected) => Ulps(actual, expected) <= TanhUlps && MathF.Abs(actual) <= 1f);

    private const double TanhUlps = 7.25;

    /// <summary>
    /// σ is ½ + ½·tanh(x/2) by tanh's rational form where σ ≥ ¼, so its error there is about half of tanh's plus the final
    /// rounding (3.96 ulp measured over every float of its rational branch); e^x/(1 + e^x) below keeps relative accuracy in the left
    /// tail down to the subnormals.
    /// </summary>
    [Fact]
    public void SigmoidIsWithinFourUlpIncludingSubnormalResults() =>
        Sweep(s_sigmoid, (x, actual, expected) => Ulps(actual, expected) <= SigmoidUlps);

    private const double SigmoidUlps = 4.0;

    [Fact]
    public void SoftplusIsWithinThreeUlp()
    {
        // Scalar only (the loss kernels call it once per output): every 2039th float in ±110 and the extremes.
        int count = 0;
        foreach (float sign in new[] { 1f, -1f })
        {
            for (uint bits = 0; ; bits += Stride)
            {
                float x = sign * BitConverter.UInt32BitsToSingle(bits);
                if (MathF.Abs(x) > 110f)
                {
                    break;
                }
                double expected = SoftplusReference(x);
                float actual = FastMath.Softplus(x);
                if (!(Ulps(actual, expected) <= 3))
                {
                    Assert.Fail($"softplus({x:R}) = {actual:R}, expected {expected:R} ({Ulps(actual, expected):F2} ulp)");
                }
                count++;
            }
        }
        Assert.True(count > 800_000);
        Assert.Equal(float.PositiveInfinity, FastMath.Softplus(float.PositiveInfinity));
        Assert.Equal(0f, FastMath.Softplus(float.NegativeInfinity));
        Assert.True(float.IsNaN(FastMath.Softplus(float.NaN)));
        Assert.Equal(1000f, FastMath.Softplus(1000f));
        Assert.Equal(MathF.Log(2f), FastMath.Softplus(0f), 1e-7f);
    }

    /// <summary>log(1 + eˣ) in double precision, log1p by its series where 1 + e would round.</summary>
    private static double SoftplusReference(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        double log1p = e < 1e-4 ? e - e * e / 2 + e * e * e / 3 - e * e * e * e / 4 : Math.Log(1 + e);
        return Math.Max(x, 0) + log1p;
    }

    [Fact]
    public void NormalCdfHasRelativeError5e7AndAbsoluteError2p5e7() =>
        Sweep(s_phi, (x, actual, expected) =>
            Math.Abs(actual - expected) <= 2.5e-7 &&
            Math.Abs(actual - expected) <= (expected < 1e-36 ? 1.2e-38 : 5e-7 * expected));

    [Fact]
    public void GeluAndItsDerivativeHaveAbsoluteError2p5e7TimesMaxOfOneAndZ()
    {
        Sweep(s_gelu, (z, actual, expected) => Math.Abs(actual - expected) <= 2.5e-7 * Math.Max(1, Math.Abs(z)));
        Sweep(s_geluDerivative, (z, actual, expected) => Math.Abs(actual - expected) <= 2.5e-7 * Math.Max(1, Math.Abs(z)));
    }

    public static TheoryData<float> Extremes() => new(
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 88f, -88f, 88.7228f, 88.72284f, 88.7229f, 89f, 100f,
        -87.33f, -87.34f, -100f, -103.97f, -103.98f, -104f, -200f, float.MaxValue, float.MinValue,
        float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f, 1.1754942e-38f, -1.1754942e-38f, 1.17549435e-38f, 0f, -0f, 0.4f, -0.4f,
        MathF.BitDecrement(0.4f), 9.01f, -9.02f);

    [Theory]
    [MemberData(nameof(Extremes))]
    public void ExtremeInputs(float x)
    {
        foreach (Function f in new[] { s_exp, s_tanh, s_sigmoid, s_phi, s_gelu, s_geluDerivative })
        {
            float actual = f.F(x);
            AssertSameInEveryWidth(f, x, actual);
            if (float.IsNaN(x))
            {
                Assert.True(float.IsNaN(actual), $"{f.Name}(NaN) = {actual}");
                continue;
            }
            if (float.IsInfinity(x) && (f == s_gelu || f == s_geluDerivative))
            {
                continue; // ∞·Φ(∞) and ∞·φ(∞) are not numbers in any arithmetic
            }
            double expected = ReferenceAt(f, x);
            Assert.True(f.Name switch
            {
                "tanh" => Ulps(actual, expected) <= TanhUlps,
                "sigmoid" => Ulps(actual, expected) <= SigmoidUlps,
                "exp" => Ulps(actual, expected) <= 3,
                _ => Math.Abs(actual - expected) <= 2.5e-7 * Math.Max(1, Math.Abs((double)x)),
            }, $"{f.Name}({x:R}) = {actual:R}, expected {expected:R}");
        }
        if (!float.IsNaN(x))
        {
            Assert.Equal(float.IsNegative(x), float.IsNegative(FastMath.Tanh(x))); // odd, including tanh(−0) = −0
        }
    }

    [Fact]
    public void LimitsAreExact()
    {
        Assert.Equal(float.PositiveInfinity, FastMath.Exp(88.72284f)); // e^88.72284 rounds above float.MaxValue
        Assert.Equal(3.4026947e38f, FastMath.Exp(88.7228f));
        Assert.Equal(0f, FastMath.Exp(-104f));
        Assert.Equal(float.Epsilon, FastMath.Exp(-103.97f)); // the smallest subnormal, rounded once
        Assert.Equal(1f, FastMath.Tanh(7.728043f)); // the clamp: ±1 from here on
        Assert.Equal(-1f, FastMath.Tanh(-7.728043f));
        Assert.True(FastMath.Tanh(7.6f) < 1f); // below it, the rational form (within 0.05 of the clamp it rounds to 1 or just below)
        Assert.Equal(1f, FastMath.Tanh(9.02f));
        Assert.Equal(1f, FastMath.Tanh(9.1f));
        Assert.Equal(-1f, FastMath.Tanh(-1e30f));
        Assert.Equal(0.5f, FastMath.Sigmoid(0f));
        Assert.Equal(1f, FastMath.Sigmoid(15.456086f)); // the clamp of σ's rational branch (2 × tanh's)
        Assert.Equal(1f, FastMath.Sigmoid(18.2f));
        Assert.Equal(1f, FastMath.Sigmoid(float.PositiveInfinity));
        Assert.Equal(-1f, FastMath.Tanh(float.NegativeInfinity));
        Assert.Equal(1f, FastMath.Sigmoid(17f));
        Assert.Equal(0f, FastMath.Sigmoid(float.NegativeInfinity));
        Assert.Equal(0.5f, FastMath.Sigmoid(float.Epsilon));
        Assert.Equal(1f, FastMath.NormalCdf(float.PositiveInfinity));
        Assert.Equal(0f, FastMath.NormalCdf(float.NegativeInfinity));
    }

    /// <summary>Runs every swept value through the scalar form and each vector width; all must agree bit for bit and pass.</summary>
    private static void Sweep(Function f, Func<float, float, double, bool> withinBound)
    {
        var xs = new float[16];
        var v512 = new float[16];
        var v256 = new float[16];
        var v128 = new float[16];
        int count = 0, checkedValues = 0;
        void Check(int n)
        {
            f.V512(Vector512.Create(xs)).CopyTo(v512);
            for (int k = 0; k < 16; k += 8)
            {
                f.V256(Vector256.Create(xs.AsSpan(k))).CopyTo(v256, k);
            }
            for (int k = 0; k < 16; k += 4)
            {
                f.V128(Vector128.Create(xs.AsSpan(k))).CopyTo(v128, k);
            }
            for (int j = 0; j < n; j++)
            {
                float x = xs[j];
                float actual = f.F(x);
                if (!(Same(actual, v128[j]) && Same(actual, v256[j]) && Same(actual, v512[j])))
                {
                    Assert.Fail($"{f.Name}({x:R}): scalar {actual:R}, Vector128 {v128[j]:R}, Vector256 {v256[j]:R}, Vector512 {v512[j]:R}");
                }
                double expected = ReferenceAt(f, x);
                if (!withinBound(x, actual, expected))
                {
                    Assert.Fail($"{f.Name}({x:R}) = {actual:R}, expected {expected:R} ({Ulps(actual, expected):F2} ulp)");
                }
                checkedValues++;
            }
        }
        foreach (float sign in new[] { 1f, -1f })
        {
            for (uint bits = 0; ; bits += (uint)f.Stride)
            {
                float x = sign * BitConverter.UInt32BitsToSingle(bits);
                if (MathF.Abs(x) > f.Range)
                {
                    break;
                }
                xs[count++] = x;
                if (count == xs.Length)
                {
                    Check(count);
                    count = 0;
                }
            }
        }
        Check(count);
        Assert.True(checkedValues > (f.Stride == Stride ? 800_000 : 200_000), $"only {checkedValues} values swept");
    }

    private static void AssertSameInEveryWidth(Function f, float x, float scalar)
    {
        Assert.True(Same(scalar, f.V128(Vector128.Create(x))[0]), $"{f.Name}({x:R}): Vector128 differs from scalar {scalar:R}");
        Assert.True(Same(scalar, f.V256(Vector256.Create(x))[3]), $"{f.Name}({x:R}): Vector256 differs from scalar {scalar:R}");
        Assert.True(Same(scalar, f.V512(Vector512.Create(x))[15]), $"{f.Name}({x:R}): Vector512 differs from scalar {scalar:R}");
    }

    private static double ReferenceAt(Function f, float x) => f.Reference(x);

    private static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));

    /// <summary>|actual − expected| in units of the spacing of floats at the correctly rounded result (subnormal spacing below 2⁻¹²⁶).</summary>
    internal static double Ulps(float actual, double expected)
    {
        float rounded = (float)expected;
        if (float.IsNaN(rounded))
        {
            return float.IsNaN(actual) ? 0 : double.PositiveInfinity;
        }
        if (float.IsInfinity(rounded) || float.IsInfinity(actual))
        {
            return actual == rounded ? 0 : double.PositiveInfinity;
        }
        float magnitude = MathF.Abs(rounded);
        double spacing = magnitude < 1.17549435e-38f ? float.Epsilon : (double)MathF.BitIncrement(magnitude) - magnitude;
        return Math.Abs(actual - expected) / spacing;
    }

    /// <summary>Φ(z) to double precision: the Maclaurin series of erf for |z|/√2 &lt; 3, the continued fraction of erfc beyond.</summary>
    internal static double Phi(double z)
    {
        if (double.IsNaN(z))
        {
            return double.NaN;
        }
        double a = Math.Abs(z) / Math.Sqrt(2);
        double erfc;
        if (a < 3)
        {
            double term = a, sum = a;
            for (int n = 1; n < 300; n++)
            {
                term *= -a * a / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-18 * Math.Abs(sum))
                {
                    break;
                }
            }
            erfc = 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        else if (double.IsInfinity(a))
        {
            erfc = 0;
        }
        else
        {
            double f = a;
            for (int k = 200; k >= 1; k--)
            {
                f = a + k / 2.0 / f;
            }
            erfc = Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        }
        return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }
}
