using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// The element-wise functions of issue 12 (value and derivative forms) in every width, with double-precision references and
/// the maximum errors documented in README's activation table. Shared by the sweep, fixture and finite-difference tests.
/// </summary>
internal static class ExtendedActivationReference
{
    internal delegate float Scalar(float x);

    /// <summary>
    /// One function in its four forms. The bound passes when the error is within <c>Ulps</c> ulps of the correctly rounded result
    /// or within <c>Absolute·scale</c> (+ the subnormal floor): for SiLU′, Mish′ and HardSwish′, which cross zero (no relative bound
    /// exists there), scale is the size of the terms whose sum cancels.
    /// </summary>
    internal sealed record Function(
        string Name, Scalar F, Func<Vector128<float>, Vector128<float>> V128, Func<Vector256<float>, Vector256<float>> V256,
        Func<Vector512<float>, Vector512<float>> V512, Func<double, double> Reference, float Range, double Ulps, double Absolute,
        Func<double, double>? Scale = null, bool SubnormalFloor = false)
    {
        /// <summary>Where σ(z) is subnormal (z &lt; −87) SiLU, Mish and their derivatives keep only its few bits: 10⁻³⁷·max(1, |x|).</summary>
        public double Floor(double x) => SubnormalFloor ? 1e-37 * Math.Max(1, Math.Abs(x)) : 0;

        /// <summary>What the absolute allowance is relative to: <see cref="Scale"/> (the size of the terms that cancel) or max(1, |x|).</summary>
        public double AllowanceScale(double x) => Scale?.Invoke(x) ?? Math.Max(1, Math.Abs(x));
    }

    public const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    public static readonly Function[] All =
    [
        new("expm1", Activations.Expm1, Activations.Expm1, Activations.Expm1, Activations.Expm1, Expm1, 110f, 4, 0),
        new("ELU", z => Activations.ELU(z, 1f), z => Activations.ELU(z, 1f), z => Activations.ELU(z, 1f), z => Activations.ELU(z, 1f),
            z => z > 0 ? z : Expm1(z), 110f, 2, 0),
        new("ELU′", z => Activations.ELUDerivative(z, 1f), z => Activations.ELUDerivative(z, 1f), z => Activations.ELUDerivative(z, 1f),
            z => Activations.ELUDerivative(z, 1f), z => z > 0 ? 1 : Math.Exp(z), 110f, 2, 0),
        new("SELU", Activations.SELU, Activations.SELU, Activations.SELU, Activations.SELU,
            z => z > 0 ? SeluScale * z : SeluScale * SeluAlpha * Expm1(z), 110f, 2.5, 0),
        new("SELU′", Activations.SELUDerivative, Activations.SELUDerivative, Activations.SELUDerivative, Activations.SELUDerivative,
            z => z > 0 ? SeluScale : SeluScale * SeluAlpha * Math.Exp(z), 110f, 2.5, 0),
        new("Softplus", Activations.Softplus, Activations.Softplus, Activations.Softplus, Activations.Softplus, Softplus, 110f, 3, 0),
        new("Softplus′", Activations.SoftplusDerivative, Activations.SoftplusDerivative, Activations.SoftplusDerivative,
            Activations.SoftplusDerivative, z => z > 20 ? 1 : Sigmoid(z), 110f, 4.0, 0),  // = FastMath.Sigmoid: σ's 3.96 ulp (issue 11)
        new("SiLU", Activations.SiLU, Activations.SiLU, Activations.SiLU, Activations.SiLU, z => z * Sigmoid(z), 110f, 4, 0, SubnormalFloor: true),
        new("SiLU′", Activations.SiLUDerivative, Activations.SiLUDerivative, Activations.SiLUDerivative, Activations.SiLUDerivative,
            SiLUDerivative, 110f, 4, 3e-7, z => Sigmoid(z) * (1 + Math.Abs(z) * Sigmoid(-z)), SubnormalFloor: true),
        new("Mish", Activations.Mish, Activations.Mish, Activations.Mish, Activations.Mish, z => z * MishT(z, out _), 110f, 4, 0, SubnormalFloor: true),
        new("Mish′", Activations.MishDerivative, Activations.MishDerivative, Activations.MishDerivative, Activations.MishDerivative,
            MishDerivative, 110f, 4, 3e-7, MishScale, SubnormalFloor: true),
        new("HardTanh", Activations.HardTanh, Activations.HardTanh, Activations.HardTanh, Activations.HardTanh, z => Math.Clamp(z, -1, 1), 10f, 0, 0),
        new("HardTanh′", Activations.HardTanhDerivative, Activations.HardTanhDerivative, Activations.HardTanhDerivative,
            Activations.HardTanhDerivative, z => z > -1 && z < 1 ? 1 : 0, 10f, 0, 0),
        new("HardSigmoid", Activations.HardSigmoid, Activations.HardSigmoid, Activations.HardSigmoid, Activations.HardSigmoid,
            z => Math.Clamp(z + 3, 0, 6) / 6, 10f, 1, 0),  // PyTorch's operations: (z + 3) rounded, then /6
        new("HardSigmoid′", Activations.HardSigmoidDerivative, Activations.HardSigmoidDerivative, Activations.HardSigmoidDerivative,
            Activations.HardSigmoidDerivative, z => z > -3 && z < 3 ? 1.0 / 6 : 0, 10f, 0.5, 0),
        new("HardSwish", Activations.HardSwish, Activations.HardSwish, Activations.HardSwish, Activations.HardSwish,
            z => z * Math.Clamp(z + 3, 0, 6) / 6, 10f, 2, 0),
        new("HardSwish′", Activations.HardSwishDerivative, Activations.HardSwishDerivative, Activations.HardSwishDerivative,
            Activations.HardSwishDerivative, z => z < -3 ? 0 : z < 3 ? z / 3 + 0.5 : 1, 10f, 1, 6e-8, z => Math.Abs(z) / 3 + 0.5),
        new("PReLU", z => Activations.PReLU(z, 0.25f), z => Activations.PReLU(z, 0.25f), z => Activations.PReLU(z, 0.25f),
            z => Activations.PReLU(z, 0.25f), z => z > 0 ? z : 0.25 * z, 110f, 0.5, 0),
    ];

    public static Function Get(string name) => All.Single(f => f.Name == name);

    /// <summary>eˣ − 1 in double precision: the Taylor series where the subtraction would cancel.</summary>
    public static double Expm1(double x) =>
        Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>log(1 + e^z), z above 20 passed through (PyTorch's threshold), log1p by its series where 1 + e rounds.</summary>
    public static double Softplus(double z)
    {
        if (z > 20)
        {
            return z;
        }
        double e = Math.Exp(-Math.Abs(z));
        double log1p = e < 1e-4 ? e - e * e / 2 + e * e * e / 3 - e * e * e * e / 4 : Math.Log(1 + e);
        return Math.Max(z, 0) + log1p;
    }

    public static double SiLUDerivative(double z)
    {
        double s = Sigmoid(z), complement = Sigmoid(-z);
        return s * (1 + z * complement);
    }

    /// <summary>tanh(softplus(z)) = n/(n + 2) with n = e^z(e^z + 2), exact algebra; <paramref name="oneMinusT2"/> = 1 − t².</summary>
    public static double MishT(double z, out double oneMinusT2)
    {
        if (z > 300)
        {
            oneMinusT2 = 0;
            return 1;
        }
        double e = Math.Exp(z), n = e * (e + 2), q = 1 / (n + 2);
        oneMinusT2 = 2 * q * (1 + n * q);
        return n * q;
    }

    /// <summary>|t| + |z·σ(z)·(1 − t²)|: the terms of Mish′, whose sum cancels near z ≈ −1.19.</summary>
    public static double MishScale(double z)
    {
        double t = MishT(z, out double oneMinusT2);
        return Math.Abs(t) + Math.Abs(z * Sigmoid(z) * oneMinusT2);
    }

    public static double MishDerivative(double z)
    {
        double t = MishT(z, out double oneMinusT2);
        return t + z * Sigmoid(z) * oneMinusT2;
    }

    /// <summary>|actual − expected| in ulps of the correctly rounded result (subnormal spacing below 2⁻¹²⁶).</summary>
    public static double Ulps(float actual, double expected) => FastMathTests.Ulps(actual, expected);

    public static bool Same(float a, float b) =>
        BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b) || (float.IsNaN(a) && float.IsNaN(b));

    /// <summary>Whether <paramref name="actual"/> is within <paramref name="f"/>'s documented bound of the reference at x.</summary>
    public static bool WithinBound(Function f, float x, float actual, double expected) =>
        Ulps(actual, expected) <= f.Ulps || Math.Abs(actual - expected) <= f.Absolute * f.AllowanceScale(x) + f.Floor(x);
}
