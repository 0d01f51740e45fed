using System;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// <c>-- accuracy [stride] [phiStride] [names]</c> (names: a comma-separated subset such as <c>tanh,sigmoid</c>): the measured maximum errors of <see cref="FastMath"/> quoted in its documentation.
/// exp, tanh and σ are swept over every float of their range (stride 1 by default, both signs), Φ, GELU and GELU′ over
/// every 64th (their double-precision reference is a slow series), each value through the Vector512 form and the scalar
/// form, which must agree bit for bit; softplus (scalar only) over every 16th. Errors are in ulps of the correctly rounded result, plus absolute and relative.
/// </summary>
public static class Accuracy
{
    public static int Run(string[] args)
    {
        int stride = args.Length > 0 ? int.Parse(args[0]) : 1;
        int phiStride = args.Length > 1 ? int.Parse(args[1]) : 64;
        string[]? only = args.Length > 2 ? args[2].Split(',') : null;
        void Sweep(string name, Func<Vector512<float>, Vector512<float>>? vector, Func<float, float> scalar, Func<double, double> reference, float range, int stride)
        {
            if (only is null || Array.IndexOf(only, name) >= 0)
            {
                Accuracy.Sweep(name, vector, scalar, reference, range, stride);
            }
        }
        Console.WriteLine($"Vector512 accelerated: {Vector512.IsHardwareAccelerated}, fused multiply-add: {FastMath.HasFusedMultiplyAdd}");
        Sweep("exp", FastMath.Exp, FastMath.Exp, Math.Exp, 110f, stride);
        Sweep("tanh", FastMath.Tanh, FastMath.Tanh, Math.Tanh, 20f, stride);
        Sweep("sigmoid", FastMath.Sigmoid, FastMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), 110f, stride);
        Sweep("softplus", null, FastMath.Softplus, SoftplusReference, 110f, Math.Max(stride, 16));
        Sweep("Φ", FastMath.NormalCdf, FastMath.NormalCdf, Phi, 15f, phiStride);
        Sweep("GELU", FastMath.Gelu, FastMath.Gelu, z => z * Phi(z), 15f, phiStride);
        Sweep("GELU′", FastMath.GeluDerivative, FastMath.GeluDerivative, z => Phi(z) + z * Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI), 15f, phiStride);
        return 0;
    }

    private sealed class Worst
    {
        public double Ulps, Absolute, Relative, AbsoluteScaled;
        public float UlpsAt, AbsoluteAt;
        public long Count, Mismatches;

        public void Merge(Worst other)
        {
            if (other.Ulps > Ulps) (Ulps, UlpsAt) = (other.Ulps, other.UlpsAt);
            if (other.Absolute > Absolute) (Absolute, AbsoluteAt) = (other.Absolute, other.AbsoluteAt);
            Relative = Math.Max(Relative, other.Relative);
            AbsoluteScaled = Math.Max(AbsoluteScaled, other.AbsoluteScaled);
            Count += other.Count;
            Mismatches += other.Mismatches;
        }
    }

    private static void Sweep(string name, Func<Vector512<float>, Vector512<float>>? vector, Func<float, float> scalar, Func<double, double> reference, float range, int stride)
    {
        uint end = BitConverter.SingleToUInt32Bits(range);
        var total = new Worst();
        object gate = new();
        // Both signs, split into chunks of the bit range for the thread pool.
        const int Chunks = 64;
        Parallel.For(0, 2 * Chunks, chunk =>
        {
            float sign = chunk < Chunks ? 1f : -1f;
            uint first = (uint)((ulong)end * (ulong)(chunk % Chunks) / Chunks), last = (uint)((ulong)end * (ulong)(chunk % Chunks + 1) / Chunks);
            first += (uint)((stride - first % stride) % stride);
            var worst = new Worst();
            Span<float> xs = stackalloc float[16];
            Span<float> ys = stackalloc float[16];
            int k = 0;
            for (ulong bits = first; bits < last; bits += (ulong)stride)
            {
                xs[k++] = sign * BitConverter.UInt32BitsToSingle((uint)bits);
                if (k == 16)
                {
                    Check(xs, ys, 16);
                    k = 0;
                }
            }
            Check(xs, ys, k);
            lock (gate)
            {
                total.Merge(worst);
            }

            void Check(Span<float> x, Span<float> y, int n)
            {
                if (vector is null)
                {
                    for (int j = 0; j < n; j++)
                    {
                        y[j] = scalar(x[j]);
                    }
                }
                else
                {
                    vector(Vector512.Create((ReadOnlySpan<float>)x)).CopyTo(y);
                }
                for (int j = 0; j < n; j++)
                {
                    float v = y[j];
                    if (BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(scalar(x[j])))
                    {
                        worst.Mismatches++;
                    }
                    double e = reference(x[j]);
                    float rounded = (float)e;
                    double error = float.IsInfinity(rounded) && v == rounded ? 0 : Math.Abs(v - e);
                    double spacing = Math.Abs(rounded) < 1.17549435e-38f ? float.Epsilon : (double)MathF.BitIncrement(Math.Abs(rounded)) - Math.Abs(rounded);
                    double ulps = error / spacing;
                    if (ulps > worst.Ulps) (worst.Ulps, worst.UlpsAt) = (ulps, x[j]);
                    if (error > worst.Absolute) (worst.Absolute, worst.AbsoluteAt) = (error, x[j]);
                    if (Math.Abs(e) >= 1e-36) worst.Relative = Math.Max(worst.Relative, error / Math.Abs(e));
                    worst.AbsoluteScaled = Math.Max(worst.AbsoluteScaled, error / Math.Max(1, Math.Abs((double)x[j])));
                    worst.Count++;
                }
            }
        });
        Console.WriteLine($"{name,-8} {total.Count,14:N0} values (every {stride}{(stride == 1 ? "st" : "th")} float in ±{range}): max {total.Ulps:F2} ulp at {total.UlpsAt:R}; " +
            $"max abs {total.Absolute:E2} at {total.AbsoluteAt:R}; max rel (|result| ≥ 1e-36) {total.Relative:E2}; max abs/max(1,|x|) {total.AbsoluteScaled:E2}; scalar ≠ vector: {total.Mismatches}");
    }

    /// <summary>log(1 + eˣ) in double precision, with log1p by its series where 1 + e would round.</summary>
    private static double SoftplusReference(double x)
    {
        double e = Math.Exp(-Math.Abs(x));
        double log1p = e < 1e-4 ? e - e * e / 2 + e * e * e / 3 - e * e * e * e / 4 : Math.Log(1 + e);
        return Math.Max(x, 0) + log1p;
    }

    /// <summary>Φ(z) in double precision: erf's Maclaurin series below |z|/√2 = 3, erfc's continued fraction above.</summary>
    private static double Phi(double z)
    {
        double a = Math.Abs(z) / Math.Sqrt(2), erfc;
        if (a < 3)
        {
            double term = a, sum = a;
            for (int n = 1; n < 300; n++)
            {
                term *= -a * a / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-18 * Math.Abs(sum)) break;
            }
            erfc = 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            double f = a;
            for (int k = 200; k >= 1; k--) f = a + k / 2.0 / f;
            erfc = Math.Exp(-a * a) / Math.Sqrt(Math.PI) / f;
        }
        return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }
}
