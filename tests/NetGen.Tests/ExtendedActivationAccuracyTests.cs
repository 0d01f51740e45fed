using System.Runtime.Intrinsics;
using NetGen.Kernels;
using Xunit.Abstractions;
using static NetGen.Tests.ExtendedActivationReference;

namespace NetGen.Tests;

/// <summary>
/// The activations of issue 12 against double-precision references over a strided sweep of float bit patterns (every 2039th
/// float of the range, both signs: about a million values per function; <c>NETGEN_SWEEP_STRIDE=16</c> sweeps every 16th, as
/// measured for README), each value through the scalar form and every vector width, which must agree bit for bit. The bounds
/// asserted are the documented ones; the measured maxima are printed.
/// </summary>
public class ExtendedActivationAccuracyTests(ITestOutputHelper output)
{
    public static TheoryData<string> Names() => new(All.Select(f => f.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void SweepIsWithinTheDocumentedBound_AndEveryWidthGivesTheScalarsBits(string name)
    {
        Function f = Get(name);
        int stride = int.TryParse(Environment.GetEnvironmentVariable("NETGEN_SWEEP_STRIDE"), out int s) && s > 0 ? s : 2039;
        var xs = new float[16];
        var v512 = new float[16];
        var v256 = new float[16];
        var v128 = new float[16];
        long count = 0;
        double worstUlps = 0, worstAbsolute = 0;
        float worstUlpsAt = 0, worstAbsoluteAt = 0;
        int k = 0;
        void Check(int n)
        {
            f.V512(Vector512.Create(xs)).CopyTo(v512);
            f.V256(Vector256.Create(xs.AsSpan(0))).CopyTo(v256, 0);
            f.V256(Vector256.Create(xs.AsSpan(8))).CopyTo(v256, 8);
            for (int j = 0; j < 16; j += 4)
            {
                f.V128(Vector128.Create(xs.AsSpan(j))).CopyTo(v128, j);
            }
            for (int j = 0; j < n; j++)
            {
                float x = xs[j];
                float actual = f.F(x);
                if (!(Same(actual, v128[j]) && Same(actual, v256[j]) && Same(actual, v512[j])))
                {
                    Assert.Fail($"{f.Name}({x:R}): scalar {actual:R}, Vector128 {v128[j]:R}, Vector256 {v256[j]:R}, Vector512 {v512[j]:R}");
                }
                double expected = f.Reference(x);
                double ulps = Ulps(actual, expected), absolute = Math.Abs(actual - expected) / Math.Max(1, Math.Abs((double)x));
                if (!WithinBound(f, x, actual, expected))
                {
                    Assert.Fail($"{f.Name}({x:R}) = {actual:R}, expected {expected:R} ({ulps:F2} ulp, {absolute:E2} of the allowance scale)");
                }
                if (ulps > worstUlps && Math.Abs(actual - expected) > f.Absolute * f.AllowanceScale(x) + f.Floor(x))
                {
                    (worstUlps, worstUlpsAt) = (ulps, x);
                }
                if (absolute > worstAbsolute && double.IsFinite(absolute))
                {
                    (worstAbsolute, worstAbsoluteAt) = (absolute, x);
                }
                count++;
            }
        }
        foreach (float sign in new[] { 1f, -1f })
        {
            for (ulong bits = 0; ; bits += (ulong)stride)
            {
                float x = sign * BitConverter.UInt32BitsToSingle((uint)bits);
                if (MathF.Abs(x) > f.Range)
                {
                    break;
                }
                xs[k++] = x;
                if (k == xs.Length)
                {
                    Check(k);
                    k = 0;
                }
            }
        }
        Check(k);
        output.WriteLine($"{f.Name}: {count:N0} values (every {stride}th float in ±{f.Range}): max {worstUlps:F2} ulp at {worstUlpsAt:R} " +
            $"(outside the absolute allowance), max |error|/scale {worstAbsolute:E2} at {worstAbsoluteAt:R}");
        Assert.True(count > (stride == 2039 ? 400_000 : 1000), $"only {count} values swept");
    }

    public static TheoryData<float> Extremes() => new(
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, -1e-40f,
        1e-7f, -1e-7f, 0.34657359f, -0.34657359f, 1f, -1f, 3f, -3f, 20f, 20.000002f, 30f, -30f, 88f, -88f, 89f, -89f, 100f, -100f,
        -104f, -200f, float.MaxValue, float.MinValue);

    [Theory]
    [MemberData(nameof(Extremes))]
    public void ExtremeInputs_AreWithinBound_AndTheSameInEveryWidth(float x)
    {
        foreach (Function f in All)
        {
            float actual = f.F(x);
            Assert.True(Same(actual, f.V128(Vector128.Create(x))[1]), $"{f.Name}({x:R}): Vector128 differs from scalar {actual:R}");
            Assert.True(Same(actual, f.V256(Vector256.Create(x))[5]), $"{f.Name}({x:R}): Vector256 differs from scalar {actual:R}");
            Assert.True(Same(actual, f.V512(Vector512.Create(x))[11]), $"{f.Name}({x:R}): Vector512 differs from scalar {actual:R}");
            if (float.IsNaN(x))
            {
                // PyTorch's branches for the hard functions' derivatives: HardTanh′ passes g on (1), HardSigmoid′ gives 0,
                // HardSwish′ takes its "else" (1). Every other function gives NaN.
                float expectedAtNaN = f.Name switch { "HardTanh′" => 1f, "HardSigmoid′" => 0f, "HardSwish′" => 1f, _ => float.NaN };
                Assert.True(Same(expectedAtNaN, actual), $"{f.Name}(NaN) = {actual}, expected {expectedAtNaN}");
                continue;
            }
            if (f.Name == "HardSwish" && x > float.MaxValue / 6)
            {
                Assert.Equal(float.PositiveInfinity, actual); // z·6 overflows before the division, as in PyTorch's float32
                continue;
            }
            if (float.IsInfinity(x) && f.Name is "SiLU′" or "Mish′" or "expm1")
            {
                continue; // ∞·0 in z·σ(z)(1 − σ(z)); expm1(∞) is checked below
            }
            double expected = f.Reference(x);
            if (double.IsNaN(expected))
            {
                continue;
            }
            Assert.True(WithinBound(f, x, actual, expected) || (Math.Abs(x) > f.Range && actual == (float)expected),
                $"{f.Name}({x:R}) = {actual:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void LimitsAreExact()
    {
        Assert.Equal(-1f, Activations.ELU(-200f, 1f));
        Assert.Equal(-0.5f, Activations.ELU(float.NegativeInfinity, 0.5f));
        Assert.Equal(-Activations.SeluScaleAlpha, Activations.SELU(float.NegativeInfinity));
        Assert.Equal(float.PositiveInfinity, Activations.SELU(float.PositiveInfinity));
        Assert.Equal(float.PositiveInfinity, Activations.Expm1(float.PositiveInfinity));
        Assert.Equal(-1f, Activations.Expm1(float.NegativeInfinity));
        Assert.Equal(20.000002f, Activations.Softplus(20.000002f));         // above the threshold: z itself
        Assert.Equal(1f, Activations.SoftplusDerivative(20.000002f));
        Assert.Equal(0f, Activations.Softplus(float.NegativeInfinity));
        Assert.Equal(float.PositiveInfinity, Activations.Mish(float.PositiveInfinity));
        Assert.Equal(1e30f, Activations.Mish(1e30f));
        Assert.Equal(float.MaxValue, Activations.SiLU(float.MaxValue));
        Assert.Equal(1f, Activations.HardTanh(float.PositiveInfinity));
        Assert.Equal(0f, Activations.HardTanhDerivative(1f));               // PyTorch: 0 at the bounds
        Assert.Equal(0f, Activations.HardTanhDerivative(-1f));
        Assert.Equal(0f, Activations.HardSigmoidDerivative(3f));
        Assert.Equal(0f, Activations.HardSigmoidDerivative(-3f));
        Assert.Equal(-0.5f, Activations.HardSwishDerivative(-3f));          // PyTorch 1.13: z/3 + ½ on [−3, 3)
        Assert.Equal(1f, Activations.HardSwishDerivative(3f));
        Assert.Equal(1f, Activations.ELUDerivative(float.Epsilon, 0.5f));
        Assert.Equal(0.5f, Activations.ELUDerivative(0f, 0.5f));            // z ≤ 0: α·e^0
        Assert.Equal(0f, Activations.PReLUSlopeGradient(2f, 3f));
        Assert.Equal(-6f, Activations.PReLUSlopeGradient(-2f, 3f));
    }
}
