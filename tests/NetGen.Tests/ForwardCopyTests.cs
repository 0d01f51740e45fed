using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetGen.IO;
using NetGen.Kernels;
using NetGen.Training;

namespace NetGen.Tests;

// issue 11: tiny networks whose Forward reads a 4|8 × 4|8 dense layer's W by columns from a copy of θ kept after θ in its
// buffer (NetGen.Kernels.ForwardCopy, Lanes.TimesColumns). Each of these gets that copy (the generated Forward calls
// ForwardCopy.IsCurrent); together with AudioShaped (SpeedNetworks.cs) they reach all four TimesColumns overloads.

/// <summary>4 → 8 (tanh) → 4: TimesColumns 4 in × 8 units over the input span, then 8 in × 4 units.</summary>
[Network(Loss = Loss.MeanSquaredError)] [Input(4)] [Dense(8, Activation.Tanh)] [Dense(4)]
public sealed partial class CopyFourEightFour;

/// <summary>8 → 4 (ReLU) → 8 (softmax): TimesColumns 8 in × 4 units, then row sums into the softmax.</summary>
[Network(Loss = Loss.CrossEntropy)] [Input(8)] [Dense(4, Activation.ReLU)] [Dense(8, Activation.Softmax)]
public sealed partial class CopyEightFourEight;

/// <summary>[Normalization] first, then 4 → 8 (tanh) → 4 (sigmoid), both by columns.</summary>
[Network(Loss = Loss.MeanSquaredError)] [Input(4)] [Normalization] [Dense(8, Activation.Tanh)] [Dense(4, Activation.Sigmoid)]
public sealed partial class CopyNormalized;

/// <summary>4 → 4 (tanh) → 4 (tanh) → 1: TimesColumns 4 in × 4 units twice.</summary>
[Network(Loss = Loss.MeanSquaredError)] [Input(4)] [Dense(4, Activation.Tanh)] [Dense(4, Activation.Tanh)] [Dense(1)]
public sealed partial class CopyFourFour;

/// <summary>Lanes.TimesColumns and Lanes.Transpose: the column form's kernels.</summary>
public class ForwardCopyKernelTests
{
    /// <summary>u = 2⁻²⁴, the unit roundoff of float.</summary>
    private const double U = 1.0 / (1 << 24);

    /// <summary>γₖ = k·u/(1 − k·u): a sum of k rounded operations is within γₖ·Σ|terms| of the exact one (Higham, §3.1).</summary>
    internal static double Gamma(int k) => k * U / (1 - k * U);

    /// <summary>The same for double precision (u = 2⁻⁵³): the reference's own rounding.</summary>
    internal static double GammaDouble(int k) => k * Math.ScaleB(1, -53) / (1 - k * Math.ScaleB(1, -53));

    private static float[] RandomFloats(Random random, int count, float scale) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();

    private static float MultiplyAdd(float a, float b, float c) => Fma.IsSupported ? MathF.FusedMultiplyAdd(a, b, c) : Lanes.MultiplyAdd(a, b, c);

    /// <summary>The documented order: lane o = (even chain) + (odd chain), even = FMA onto bₒ over i = 0, 2, …; odd = cᵢxᵢ for i = 1, then FMAs over i = 3, 5, ….</summary>
    private static float[] Emulate(float[] columns, float[] x, float[] bias, int units)
    {
        var result = new float[units];
        for (int o = 0; o < units; o++)
        {
            float even = MultiplyAdd(columns[o], x[0], bias[o]);
            float odd = columns[units + o] * x[1];
            for (int i = 2; i < x.Length; i++)
            {
                if (i % 2 == 0)
                {
                    even = MultiplyAdd(columns[units * i + o], x[i], even);
                }
                else
                {
                    odd = MultiplyAdd(columns[units * i + o], x[i], odd);
                }
            }
            result[o] = even + odd;
        }
        return result;
    }

    /// <summary>One fused chain over all inputs onto bₒ: another order, to show that the data tell the orders apart.</summary>
    private static float[] EmulateOneChain(float[] columns, float[] x, float[] bias, int units)
    {
        var result = new float[units];
        for (int o = 0; o < units; o++)
        {
            float sum = bias[o];
            for (int i = 0; i < x.Length; i++)
            {
                sum = MultiplyAdd(columns[units * i + o], x[i], sum);
            }
            result[o] = sum;
        }
        return result;
    }

    private static float[] Call(float[] columns, float[] x, float[] bias)
    {
        int units = bias.Length;
        ReadOnlySpan<float> c = columns;
        return (x.Length, units) switch
        {
            (8, 8) => ToArray(Lanes.TimesColumns(c, Vector256.Create(x), Vector256.Create(bias))),
            (4, 8) => ToArray(Lanes.TimesColumns(c, Vector128.Create(x), Vector256.Create(bias))),
            (8, 4) => ToArray(Lanes.TimesColumns(c, Vector256.Create(x), Vector128.Create(bias))),
            (4, 4) => ToArray(Lanes.TimesColumns(c, Vector128.Create(x), Vector128.Create(bias))),
            _ => throw new ArgumentOutOfRangeException(nameof(x)),
        };
    }

    private static float[] ToArray(Vector256<float> v) => Enumerable.Range(0, 8).Select(i => v[i]).ToArray();

    private static float[] ToArray(Vector128<float> v) => Enumerable.Range(0, 4).Select(i => v[i]).ToArray();

    public static TheoryData<int, int> Shapes => new() { { 8, 8 }, { 4, 8 }, { 8, 4 }, { 4, 4 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TimesColumns_IsWithinTheRoundingBoundOfTheExactSum(int inputs, int units)
    {
        var random = new Random(1100 + 10 * inputs + units);
        double worst = 0;
        for (int trial = 0; trial < 500; trial++)
        {
            // Every fifth trial mixes magnitudes (cancellation), where a wrong order or index shows most.
            float scale = trial % 5 == 0 ? 1e3f : 1f;
            float[] columns = RandomFloats(random, inputs * units, scale);
            float[] x = RandomFloats(random, inputs, 1f);
            float[] bias = RandomFloats(random, units, scale);
            float[] actual = Call(columns, x, bias);
            for (int o = 0; o < units; o++)
            {
                // z = bₒ + Σᵢ columns[units·i + o]·xᵢ: n products and n additions, each term through at most n + 1 roundings.
                double exact = bias[o], magnitude = Math.Abs((double)bias[o]);
                for (int i = 0; i < inputs; i++)
                {
                    double term = (double)columns[units * i + o] * x[i];
                    exact += term;
                    magnitude += Math.Abs(term);
                }
                double bound = (Gamma(inputs + 1) + GammaDouble(inputs + 1)) * magnitude;
                double error = Math.Abs(actual[o] - exact);
                Assert.True(error <= bound, $"{inputs}×{units} trial {trial} lane {o}: {actual[o]:R} vs {exact:R}, error {error:E3} > bound {bound:E3}");
                worst = Math.Max(worst, error / magnitude);
            }
        }
        Assert.True(worst > 0, "every lane exact: the data do not exercise the rounding");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TimesColumns_HasTheBitsOfTheDocumentedOrder(int inputs, int units)
    {
        // With x86 FMA the kernel's multiply-adds are single-rounding FMAs (MathF.FusedMultiplyAdd); elsewhere they have the bits
        // of the library's scalar multiply-add (FastMath.MultiplyAdd, "the same bits" as the vector form it documents).
        var random = new Random(2100 + 10 * inputs + units);
        bool ordersDiffer = false;
        for (int trial = 0; trial < 500; trial++)
        {
            float scale = trial % 5 == 0 ? 1e3f : 1f;
            float[] columns = RandomFloats(random, inputs * units, scale);
            float[] x = RandomFloats(random, inputs, 1f);
            float[] bias = RandomFloats(random, units, scale);
            float[] expected = Emulate(columns, x, bias, units);
            float[] actual = Call(columns, x, bias);
            for (int o = 0; o < units; o++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[o]) == BitConverter.SingleToInt32Bits(actual[o]),
                    $"{inputs}×{units} trial {trial} lane {o}: {actual[o]:R}, the documented order gives {expected[o]:R}");
            }
            ordersDiffer |= !expected.SequenceEqual(EmulateOneChain(columns, x, bias, units));
        }
        Assert.True(ordersDiffer, "one fused chain gave the same bits on every trial: the data cannot tell the orders apart");
    }

    [Fact]
    public void TimesColumns_ReadsOnlyTheFirstInputsTimesUnitsValues()
    {
        // Longer spans are allowed: values past inputs × units must not change the result.
        var random = new Random(7);
        float[] columns = RandomFloats(random, 64, 1f), x = RandomFloats(random, 8, 1f), bias = RandomFloats(random, 8, 1f);
        foreach ((int inputs, int units) in new[] { (8, 8), (4, 8), (8, 4), (4, 4) })
        {
            float[] exact = columns.Take(inputs * units).ToArray();
            float[] longer = [.. exact, float.NaN, float.NaN, float.NaN];
            Assert.Equal(Call(exact, x.Take(inputs).ToArray(), bias.Take(units).ToArray()), Call(longer, x.Take(inputs).ToArray(), bias.Take(units).ToArray()));
        }
    }

    [Fact]
    public void TimesColumns_TooShortColumns_ThrowsNamingColumns()
    {
        float[] Short(int needed) => new float[needed - 1];
        var e1 = Assert.Throws<ArgumentException>(() => Lanes.TimesColumns(Short(64), Vector256<float>.One, Vector256<float>.One));
        var e2 = Assert.Throws<ArgumentException>(() => Lanes.TimesColumns(Short(32), Vector128<float>.One, Vector256<float>.One));
        var e3 = Assert.Throws<ArgumentException>(() => Lanes.TimesColumns(Short(32), Vector256<float>.One, Vector128<float>.One));
        var e4 = Assert.Throws<ArgumentException>(() => Lanes.TimesColumns(Short(16), Vector128<float>.One, Vector128<float>.One));
        foreach ((ArgumentException e, int needed) in new[] { (e1, 64), (e2, 32), (e3, 32), (e4, 16) })
        {
            Assert.Equal("columns", e.ParamName);
            Assert.Contains(needed.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
            Assert.Contains((needed - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        }
        Assert.Throws<ArgumentException>(() => Lanes.TimesColumns(ReadOnlySpan<float>.Empty, Vector128<float>.One, Vector128<float>.One));
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(8, 4)]
    [InlineData(4, 8)]
    [InlineData(3, 5)]
    public void Transpose_WritesColumnsAndNothingElse(int rowCount, int columnCount)
    {
        int count = rowCount * columnCount;
        // Distinct values: rows[k] = k + 1, so a misplaced element shows by its value.
        float[] rows = Enumerable.Range(1, count).Select(k => (float)k).ToArray();
        float[] columns = Enumerable.Repeat(-1f, count + 3).ToArray();
        float[] before = (float[])rows.Clone();
        Lanes.Transpose(rows, rowCount, columnCount, columns);
        for (int o = 0; o < rowCount; o++)
        {
            for (int i = 0; i < columnCount; i++)
            {
                Assert.Equal(rows[o * columnCount + i], columns[i * rowCount + o]);
            }
        }
        Assert.Equal(new[] { -1f, -1f, -1f }, columns[count..]);
        Assert.Equal(before, rows);
        // Back again: the transpose of the transpose is the matrix.
        float[] again = new float[count];
        Lanes.Transpose(columns.AsSpan(0, count), columnCount, rowCount, again);
        Assert.Equal(rows, again);
    }

    [Fact]
    public void Transpose_BadArguments_ThrowAndWriteNothing()
    {
        float[] columns = Enumerable.Repeat(-1f, 64).ToArray();
        var shortRows = Assert.Throws<ArgumentException>(() => Lanes.Transpose(new float[63], 8, 8, columns));
        Assert.Equal("rows", shortRows.ParamName);
        var shortColumns = Assert.Throws<ArgumentException>(() => Lanes.Transpose(new float[64], 8, 8, columns.AsSpan(0, 63)));
        Assert.Equal("columns", shortColumns.ParamName);
        var rowCount = Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.Transpose(new float[64], -1, 8, columns));
        Assert.Equal("rowCount", rowCount.ParamName);
        var columnCount = Assert.Throws<ArgumentOutOfRangeException>(() => Lanes.Transpose(new float[64], 8, -2, columns));
        Assert.Equal("columnCount", columnCount.ParamName);
        Assert.All(columns, v => Assert.Equal(-1f, v));
        // An empty matrix is fine and writes nothing.
        Lanes.Transpose([], 0, 5, columns);
        Assert.All(columns, v => Assert.Equal(-1f, v));
    }
}

/// <summary>ForwardCopy: the buffer layout [θ | padding | copy | mark] and its mark.</summary>
public class ForwardCopyBufferTests
{
    [Theory]
    [InlineData(0, 1)]     // no θ, no copy: the mark alone
    [InlineData(1, 18)]    // θ, 15 floats of padding to the cache line, the copy, the mark
    [InlineData(16, 33)]   // θ fills its cache line: no padding
    [InlineData(17, 50)]   // 17 → 32, then 17 and the mark
    [InlineData(97, 210)]  // AudioShaped: 97 → 112
    public void Length_IsθRoundedToACacheLine_ThenTheCopy_ThenTheMark(int parameterCount, int expected)
    {
        Assert.Equal(expected, ForwardCopy.Length(parameterCount));
    }

    [Fact]
    public void Length_Negative_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ForwardCopy.Length(-1));
        Assert.Equal("parameterCount", e.ParamName);
    }

    private static nint Address(ReadOnlySpan<float> span) =>
        Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(span));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(97)]
    public void Copy_IsOnA64ByteBoundaryAfterθ_WritesNothing_AndTheMarkTellsCurrentFromStale(int n)
    {
        float[] buffer = Aligned.Allocate(ForwardCopy.Length(n));
        Span<float> theta = Aligned.Span(buffer, n);
        var random = new Random(n);
        for (int i = 0; i < n; i++)
        {
            theta[i] = (float)random.NextDouble() - 0.5f;
        }
        float[] saved = theta.ToArray();

        Assert.False(ForwardCopy.IsCurrent(buffer, n, out ReadOnlySpan<float> staleCopy));
        Assert.Equal(n, staleCopy.Length);

        Span<float> copy = ForwardCopy.Copy(buffer, n);
        Assert.Equal(n, copy.Length);
        Assert.All(copy.ToArray(), v => Assert.Equal(0f, v));                      // Copy writes nothing (the caller does)
        Assert.Equal(saved, theta.ToArray());                                      // θ untouched
        Assert.Equal(0, Address(copy) % Aligned.Alignment);                        // on a cache line, like θ
        Assert.True(Address(copy) >= Address(theta) + n * sizeof(float));          // after θ, not overlapping it
        Assert.True(n == 0 || Unsafe.AreSame(ref MemoryMarshal.GetReference(staleCopy), ref copy[0]));
        Assert.False(ForwardCopy.IsCurrent(buffer, n, out _));                     // Copy does not mark it current

        // What the generated code does next: θ's values (here negated, to tell them apart) into the copy, then the mark.
        for (int i = 0; i < n; i++)
        {
            copy[i] = -theta[i];
        }
        ForwardCopy.MarkCurrent(buffer, n);
        Assert.True(ForwardCopy.IsCurrent(buffer, n, out ReadOnlySpan<float> current));
        Assert.Equal(saved.Select(v => -v).ToArray(), current.ToArray());         // the mark does not land in the copy…
        Assert.Equal(saved, theta.ToArray());                                      // …nor in θ

        ForwardCopy.MarkStale(buffer, n);
        Assert.False(ForwardCopy.IsCurrent(buffer, n, out ReadOnlySpan<float> stale));
        Assert.Equal(saved.Select(v => -v).ToArray(), stale.ToArray());
        Assert.Equal(saved, theta.ToArray());

        ForwardCopy.MarkCurrent(buffer, n);
        Assert.True(ForwardCopy.IsCurrent(buffer, n, out _));
    }
}

/// <summary>Generated networks with a forward copy of θ: their Forward against references, and the copy's staleness.</summary>
public class ForwardCopyNetworkTests
{
    private const double U = 1.0 / (1 << 24);

    // Documented errors of the activations (NetGen.Kernels.FastMath's remarks): tanh absolute ≤ 4.3·10⁻⁷ (exactly ±1 past
    // ±7.728043), σ absolute ≤ 2.4·10⁻⁷, eˣ ≤ 2 ulp (relative 2·2⁻²³ = 4u).
    private const double TanhError = 4.3e-7, SigmoidError = 2.4e-7, ExpRelative = 4 * U;

    /// <summary>Each network with every parameter random (biases too) and, for the normalization, adapted statistics.</summary>
    private static readonly Dictionary<string, Func<int, ITrainableNetwork>> s_networks = new()
    {
        [nameof(AudioShaped)] = seed => Randomized(new AudioShaped(seed), seed),
        [nameof(CopyFourEightFour)] = seed => Randomized(new CopyFourEightFour(seed), seed),
        [nameof(CopyEightFourEight)] = seed => Randomized(new CopyEightFourEight(seed), seed),
        [nameof(CopyNormalized)] = seed => Randomized(Adapted(new CopyNormalized(seed)), seed),
        [nameof(CopyFourFour)] = seed => Randomized(new CopyFourFour(seed), seed),
    };

    public static TheoryData<string> Names => new(s_networks.Keys);

    private static CopyNormalized Adapted(CopyNormalized net)
    {
        var random = new Random(5);
        // Features of different means and spreads, so the normalization matters.
        float[] rows = Enumerable.Range(0, 64 * 4).Select(k => (float)((k % 4 + 1) * (random.NextDouble() * 2 - 1) + (k % 4) - 1.5)).ToArray();
        net.Adapt(rows);
        return net;
    }

    private static T Randomized<T>(T net, int seed) where T : INetwork
    {
        var random = new Random(7000 + seed);
        Span<float> theta = net.Parameters;
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return net;
    }

    private static ITrainableNetwork Make(string name, int seed = 1) => s_networks[name](seed);

    /// <summary>A freshly built network of the same type holding <paramref name="net"/>'s θ and statistics.</summary>
    private static ITrainableNetwork FreshTwin(string name, INetwork net)
    {
        ITrainableNetwork twin = Make(name, seed: 99);
        net.Parameters.CopyTo(twin.Parameters);
        net.RunningStatistics.CopyTo(twin.RunningStatistics);
        return twin;
    }

    private static float[] Inputs(INetwork net, int seed, int count = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, net.InputSize * count).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static float[] Targets(INetwork net, int seed, int count = 1)
    {
        var random = new Random(seed);
        var targets = new float[net.OutputSize * count];
        for (int b = 0; b < count; b++)
        {
            if (net is CopyEightFourEight)
            {
                targets[b * net.OutputSize + random.Next(net.OutputSize)] = 1f; // one-hot for cross-entropy
            }
            else
            {
                for (int k = 0; k < net.OutputSize; k++)
                {
                    targets[b * net.OutputSize + k] = (float)random.NextDouble();
                }
            }
        }
        return targets;
    }

    private static float[] Forward(INetwork net, float[] x)
    {
        var y = new float[net.OutputSize];
        net.Forward(x, y);
        return y;
    }

    /// <summary>Forward's outputs for eight inputs, one after another (a change of θ shows in some of them, even behind a ReLU).</summary>
    private static float[] Outputs(INetwork net) =>
        Enumerable.Range(0, 8).SelectMany(sample => Forward(net, Inputs(net, 200 + sample))).ToArray();

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}, output {i}: {actual[i]:R}, expected {expected[i]:R}");
        }
    }

    /// <summary>
    /// The network in double precision from its <c>Parameters</c> (row-major, PyTorch's layout) and statistics, with a bound
    /// on the float network's error at every output: each dense sum of n products and a bias is within γₙ₊₁·Σ|terms| of the
    /// exact one (whatever the order: row sums or columns), input errors carried through |W|, each activation's documented
    /// error added and its Lipschitz constant applied.
    /// </summary>
    private static (double[] Value, double[] Bound) Reference(INetwork net, float[] x)
    {
        float[] theta = net.Parameters.ToArray();
        float[] statistics = net.RunningStatistics.ToArray();
        double[] v = x.Select(f => (double)f).ToArray();
        double[] e = new double[x.Length];
        int statisticsOffset = 0;
        foreach (LayerInfo layer in net.Layers)
        {
            if (layer.Kind == LayerKind.Normalization)
            {
                // (x − μ) / max(√σ², ε) in float, in this order: the documented arithmetic, exact IEEE operations, so the
                // float network has these very values (the layer is first: its inputs are the floats given).
                Assert.All(e, error => Assert.Equal(0, error));
                int features = layer.Inputs;
                for (int i = 0; i < features; i++)
                {
                    float mean = statistics[statisticsOffset + i], variance = statistics[statisticsOffset + features + i];
                    v[i] = ((float)v[i] - mean) / MathF.Max(MathF.Sqrt(variance), NormalizationKernels.Epsilon);
                }
                statisticsOffset += 2 * features;
                continue;
            }
            Assert.Equal(LayerKind.Dense, layer.Kind);
            int n = layer.Inputs;
            var z = new double[layer.Outputs];
            var ez = new double[layer.Outputs];
            for (int o = 0; o < layer.Outputs; o++)
            {
                double bias = theta[layer.BiasOffset + o];
                double sum = bias, magnitude = Math.Abs(bias), carried = 0;
                for (int i = 0; i < n; i++)
                {
                    double w = theta[layer.WeightOffset + o * n + i];
                    sum += w * v[i];
                    magnitude += Math.Abs(w) * (Math.Abs(v[i]) + e[i]);
                    carried += Math.Abs(w) * e[i];
                }
                z[o] = sum;
                ez[o] = carried + (ForwardCopyKernelTests.Gamma(n + 1) + ForwardCopyKernelTests.GammaDouble(2 * n + 2)) * magnitude;
            }
            (v, e) = Activate(layer.Activation, z, ez);
        }
        return (v, e);
    }

    private static (double[], double[]) Activate(Activation activation, double[] z, double[] ez)
    {
        int count = z.Length;
        var a = new double[count];
        var ea = new double[count];
        switch (activation)
        {
            case Activation.Identity:
                return ((double[])z.Clone(), (double[])ez.Clone());
            case Activation.ReLU:
                return (z.Select(v => Math.Max(0, v)).ToArray(), (double[])ez.Clone());
            case Activation.Tanh:
                for (int k = 0; k < count; k++)
                {
                    a[k] = Math.Tanh(z[k]);
                    ea[k] = ez[k] + TanhError;             // tanh′ ≤ 1
                }
                return (a, ea);
            case Activation.Sigmoid:
                for (int k = 0; k < count; k++)
                {
                    a[k] = 1 / (1 + Math.Exp(-z[k]));
                    ea[k] = ez[k] / 4 + SigmoidError;      // σ′ ≤ ¼
                }
                return (a, ea);
            case Activation.Softmax:
            {
                // pₖ = e^(tₖ)/Σⱼ e^(tⱼ), tₖ = zₖ − max z. In float: tₖ rounded (absolute u·|tₖ|), eᵗ (relative 4u), the sum of
                // K values (γ_{K−1}), 1/sum and the product (u each); an input error d moves log pₖ by at most 2d.
                double max = z.Max(), d = ez.Max();
                double spread = z.Max(v => max - v) + 2 * d;
                double sum = z.Sum(v => Math.Exp(v - max));
                for (int k = 0; k < count; k++)
                {
                    a[k] = Math.Exp(z[k] - max) / sum;
                    double rounding = U * (max - z[k] + 2 * d) + U * spread + 2 * ExpRelative + ForwardCopyKernelTests.Gamma(count - 1) + 2 * U;
                    double logError = 2 * d + rounding * (1 + 1e-3);   // 1e-3: the second-order terms of the products above
                    ea[k] = a[k] * (Math.Exp(logError) - 1) * (1 + 1e-3);
                }
                return (a, ea);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "no reference for this activation");
        }
    }

    // ── Forward against the references ───────────────────────────────────────────────────────────────────────────

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_IsWithinTheDerivedBoundOfADoublePrecisionReference(string name)
    {
        ITrainableNetwork net = Make(name);
        for (int sample = 0; sample < 200; sample++)
        {
            float[] x = Inputs(net, sample);
            float[] y = Forward(net, x);
            (double[] expected, double[] bound) = Reference(net, x);
            for (int k = 0; k < y.Length; k++)
            {
                double error = Math.Abs(y[k] - expected[k]);
                Assert.True(error <= bound[k], $"{name} sample {sample} output {k}: {y[k]:R} vs {expected[k]:R}, error {error:E3} > bound {bound[k]:E3}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_AgreesWithTheTrainingPassWithinBothPassesBounds(string name)
    {
        // Evaluate is the training pass's recorded forward (W row-major, row sums); Forward reads W by columns. Each is within
        // the reference's bound of the exact value, so they differ by at most twice it.
        ITrainableNetwork net = Make(name);
        var evaluated = new float[net.OutputSize];
        for (int sample = 0; sample < 200; sample++)
        {
            float[] x = Inputs(net, sample);
            float[] target = Targets(net, sample);
            float loss = net.Evaluate(x, target, evaluated);
            float[] forward = Forward(net, x);
            (double[] expected, double[] bound) = Reference(net, x);
            for (int k = 0; k < forward.Length; k++)
            {
                Assert.True(Math.Abs(evaluated[k] - expected[k]) <= bound[k], $"{name} sample {sample} output {k}: Evaluate {evaluated[k]:R} vs {expected[k]:R}");
                Assert.True(Math.Abs(forward[k] - evaluated[k]) <= 2 * bound[k],
                    $"{name} sample {sample} output {k}: Forward {forward[k]:R}, Evaluate {evaluated[k]:R}, bound {2 * bound[k]:E3}");
            }
            Assert.True(float.IsFinite(loss));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardBatch_HasForwardsBits(string name)
    {
        ITrainableNetwork net = Make(name);
        const int Batch = 13;
        float[] inputs = Inputs(net, 3, Batch);
        var outputs = new float[Batch * net.OutputSize];
        net.ForwardBatch(inputs, outputs, Batch);
        for (int b = 0; b < Batch; b++)
        {
            float[] one = Forward(net, inputs.AsSpan(b * net.InputSize, net.InputSize).ToArray());
            AssertSameBits(one, outputs.AsSpan(b * net.OutputSize, net.OutputSize).ToArray(), $"{name} sample {b}");
        }
        // Also right after θ changes (the batch makes the copy again first).
        net.Parameters[net.Layers[^1].BiasOffset] += 0.25f;
        net.ForwardBatch(inputs, outputs, Batch);
        ITrainableNetwork twin = FreshTwin(name, net);
        for (int b = 0; b < Batch; b++)
        {
            float[] one = Forward(twin, inputs.AsSpan(b * net.InputSize, net.InputSize).ToArray());
            AssertSameBits(one, outputs.AsSpan(b * net.OutputSize, net.OutputSize).ToArray(), $"{name} sample {b} after a change");
        }
    }

    [Fact]
    public void AudioShapedForward_IsTheColumnFormOfItsSecondLayer_BitForBit()
    {
        // W⁽²⁾ (8×8, θ[16..80)) by columns through Lanes.TimesColumns; layer 1 is one multiply-add, layer 3 a lane sum.
        var net = (AudioShaped)Make(nameof(AudioShaped));
        float[] theta = net.Parameters.ToArray();
        var columns = new float[64];
        Lanes.Transpose(theta.AsSpan(16, 64), 8, 8, columns);
        for (int sample = 0; sample < 100; sample++)
        {
            float[] x = Inputs(net, sample);
            Vector256<float> a1 = Activations.Tanh(Lanes.MultiplyAdd(Vector256.Create(theta.AsSpan(0, 8)), x[0], Vector256.Create(theta.AsSpan(8, 8))));
            Vector256<float> a2 = Activations.Tanh(Lanes.TimesColumns(columns, a1, Vector256.Create(theta.AsSpan(80, 8))));
            float expected = theta[96] + Lanes.Sum(Vector256.Create(theta.AsSpan(88, 8)) * a2);
            AssertSameBits([expected], Forward(net, x), $"sample {sample}");
        }
    }

    // ── Staleness: every way θ changes reaches the next Forward ─────────────────────────────────────────────────────

    /// <summary>Indices of θ worth changing: in each layer a weight and a bias (the column-form W among them).</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void FourThreads_CallingForwardRightAfterAChange_AllGetTheSingleThreadedBits(string name)
    {
        // Every thread finds the copy stale and may make it while another already reads it: each value of the copy must be
        // written once and final (a thread copying θ's row-major W before transposing it would corrupt another's Forward).
        const int Threads = 4, Rounds = 400;
        ITrainableNetwork net = Make(name);
        ITrainableNetwork single = FreshTwin(name, net);
        float[] x = Inputs(net, 1);
        int[] probes = Probes(net).ToArray();
        var outputs = new float[Threads][];
        for (int t = 0; t < Threads; t++)
        {
            outputs[t] = new float[net.OutputSize];
        }
        using var start = new Barrier(Threads + 1);
        using var done = new Barrier(Threads + 1);
        bool stop = false;
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int own = t;
            threads[t] = new Thread(() =>
            {
                while (true)
                {
                    start.SignalAndWait();
                    if (Volatile.Read(ref stop))
                    {
                        return;
                    }
                    net.Forward(x, outputs[own]);
                    done.SignalAndWait();
                }
            }) { IsBackground = true };
            threads[t].Start();
        }
        var failures = new List<string>();
        try
        {
            for (int round = 0; round < Rounds; round++)
            {
                int k = probes[round % probes.Length];
                float value = 0.5f + round % 7 * 0.125f * (round % 2 == 0 ? 1 : -1);
                net.Parameters[k] = value;       // the copy is stale: every thread finds it so and may make it
                single.Parameters[k] = value;
                float[] expected = Forward(single, x);
                start.SignalAndWait();
                done.SignalAndWait();
                for (int t = 0; t < Threads; t++)
                {
                    if (!expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(outputs[t].Select(BitConverter.SingleToInt32Bits)))
                    {
                        failures.Add($"round {round} thread {t}: [{string.Join(", ", outputs[t])}] vs [{string.Join(", ", expected)}]");
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            start.SignalAndWait();
            foreach (Thread thread in threads)
            {
                thread.Join();
            }
        }
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} of {Rounds * Threads} concurrent Forwards differ; first: {string.Join("; ", failures.Take(3))}");
    }

    private static IEnumerable<int> Probes(INetwork net) =>
        net.Layers.Where(l => l.Kind == LayerKind.Dense)
            .SelectMany(l => new[] { l.WeightOffset, l.WeightOffset + l.WeightCount / 2 + 1, l.WeightOffset + l.WeightCount - 1, l.BiasOffset + l.BiasCount - 1 })
            .Distinct();

    /// <summary>Forward of <paramref name="net"/> has the bits of a freshly built network holding its θ, on several inputs.</summary>
    private static void AssertForwardIsFresh(string name, INetwork net, string what)
    {
        ITrainableNetwork twin = FreshTwin(name, net);
        for (int sample = 0; sample < 4; sample++)
        {
            float[] x = Inputs(net, 100 + sample);
            AssertSameBits(Forward(twin, x), Forward(net, x), $"{name} {what}, sample {sample}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardReadsItsCopy_AWriteThroughASpanKeptAcrossAForwardWaitsForTheNextReadOfParameters(string name)
    {
        // The documented caveat, which shows that this network's Forward reads a copy (so the tests below are not vacuous):
        // a span of Parameters kept across a Forward is written after the copy was made and marked current.
        ITrainableNetwork net = Make(name);
        float[] x = Inputs(net, 1);
        Span<float> kept = net.Parameters;
        float[] before = Forward(net, x);
        int w = net.Layers.First(l => l.Kind == LayerKind.Dense).WeightOffset;
        kept[w] += 1f;
        AssertSameBits(before, Forward(net, x), $"{name}: Forward still reads the copy made before the write");
        _ = net.Parameters;  // any read marks the copy stale
        float[] after = Forward(net, x);
        Assert.False(before.SequenceEqual(after), $"{name}: the change of W[0] did not change the output");
        AssertForwardIsFresh(name, net, "after reading Parameters again");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void WriteThroughParameters_AfterAForward_IsSeenByTheNextForward(string name)
    {
        ITrainableNetwork net = Make(name);
        foreach (int k in Probes(net))
        {
            float[] before = Outputs(net);
            net.Parameters[k] += 0.75f;
            float[] after = Outputs(net);
            Assert.False(before.SequenceEqual(after), $"{name}: θ[{k}] += 0.75 did not change the outputs");
            AssertForwardIsFresh(name, net, $"after θ[{k}] += 0.75");
        }
        // The whole of θ at once.
        Outputs(net);
        Randomized(net, 42);
        AssertForwardIsFresh(name, net, "after every θ changed");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TrainingMethods_AfterAForward_AreSeenByTheNextForward(string name)
    {
        ITrainableNetwork net = Make(name);
        float[] x = Inputs(net, 1), y = Targets(net, 1);
        const int Batch = 5;
        float[] xs = Inputs(net, 2, Batch), ys = Targets(net, 2, Batch);

        void Check(string what, Action change)
        {
            float[] before = Outputs(net);
            float[] theta = net.Parameters.ToArray();
            change();
            Assert.False(theta.SequenceEqual(net.Parameters.ToArray()), $"{name}: {what} did not change θ");
            float[] after = Outputs(net);
            Assert.False(before.SequenceEqual(after), $"{name}: the outputs did not change after {what}");
            AssertForwardIsFresh(name, net, "after " + what);
        }

        Check("TrainStep", () => net.TrainStep(x, y, 0.5f));
        Check("TrainStepBatch", () => net.TrainStepBatch(xs, ys, Batch, 0.5f));
        var sgd = new Sgd(0.5f, momentum: 0.9f);
        Check("Backward + Sgd.Step", () =>
        {
            net.ZeroGradients();
            net.Backward(x, y);
            sgd.Step(net);
        });
        var adam = new Adam(0.05f);
        Check("BackwardBatch + Adam.Step", () =>
        {
            net.ZeroGradients();
            net.BackwardBatch(xs, ys, Batch);
            adam.Step(net, Batch);
        });
        Check("Optimizer.Step on the Parameters span", () =>
        {
            net.ZeroGradients();
            net.Backward(x, y);
            sgd.Step(net.Parameters, net.Gradients);
        });
        using var parallel = new DataParallel(net, workers: 2);
        Check("DataParallel.TrainStepBatch", () => parallel.TrainStepBatch(xs, ys, Batch, 0.5f));
        var data = new Dataset(Inputs(net, 3, 24), Targets(net, 3, 24), net.InputSize, net.OutputSize);
        var validation = new Dataset(Inputs(net, 4, 8), Targets(net, 4, 8), net.InputSize, net.OutputSize);
        Check("Trainer.Fit over two workers", () => new Trainer(net, new Adam(0.05f), new TrainerOptions { Epochs = 2, BatchSize = 6, Workers = 2 }).Fit(data));
        Check("Trainer.Fit with early stopping (best θ restored)", () => new Trainer(net, new Sgd(0.5f),
            new TrainerOptions { Epochs = 6, BatchSize = 4, EarlyStopping = new EarlyStopping(Patience: 1) }).Fit(data, validation));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LoadingWeights_AfterAForward_IsSeenByTheNextForward(string name)
    {
        using var folder = new TempFolder();
        ITrainableNetwork source = Make(name, seed: 3);
        string safetensors = folder.File("w.safetensors"), json = folder.File("w.json"), checkpoint = folder.File("w.ckpt");
        SafeTensors.Save(source, safetensors);
        WeightsJson.Save(source, json);
        var sourceOptimizer = new Sgd(0.1f);
        Checkpoint.Save(checkpoint, source, sourceOptimizer);
        float[] x = Inputs(source, 1);

        void Check(string what, Action<ITrainableNetwork> load)
        {
            ITrainableNetwork net = Make(name, seed: 4);
            float[] before = Outputs(net);
            load(net);
            Assert.Equal(source.Parameters.ToArray(), net.Parameters.ToArray());
            Assert.False(before.SequenceEqual(Outputs(net)), $"{name}: {what} did not change the outputs");
            float[] after = Forward(net, x);
            AssertSameBits(Forward(FreshTwin(name, source), x), after, $"{name} after {what}");
            AssertForwardIsFresh(name, net, "after " + what);
        }

        Check("SafeTensors.Load", net => SafeTensors.Load(net, safetensors));
        Check("WeightsJson.Load", net => WeightsJson.Load(net, json));
        Check("Checkpoint.Load", net => Checkpoint.Load(checkpoint, net, new Sgd(0.1f)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void DataParallelWorker_SharesTheCopy_AndSeesChangesMadeThroughEitherNetwork(string name)
    {
        ITrainableNetwork net = Make(name);
        var worker = ((IDataParallelNetwork)net).CreateWorker();
        float[] x = Inputs(net, 1);
        AssertSameBits(Forward(net, x), Forward(worker, x), $"{name}: worker and network");
        foreach (int k in Probes(net))
        {
            float[] before = Outputs(worker);              // the worker made (or used) the shared copy
            net.Parameters[k] -= 0.5f;                     // a change through the main network
            float[] after = Outputs(worker);
            Assert.False(before.SequenceEqual(after), $"{name}: the worker did not see θ[{k}] change");
            AssertForwardIsFresh(name, worker, $"worker after θ[{k}] changed through the network");
            Forward(net, x);
            worker.Parameters[k] += 0.25f;                 // and the other way round
            AssertForwardIsFresh(name, net, $"network after θ[{k}] changed through the worker");
        }
    }

    // ── Allocation ───────────────────────────────────────────────────────────────────────────────────────────────

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_AndForwardBatch_Allocate0Bytes_AlsoWhenTheyMakeTheCopyAgain(string name)
    {
        ITrainableNetwork net = Make(name);
        float[] x = Inputs(net, 1), y = new float[net.OutputSize];
        const int Batch = 8;
        float[] xs = Inputs(net, 2, Batch), ys = new float[Batch * net.OutputSize];
        int k = net.Layers.First(l => l.Kind == LayerKind.Dense).WeightOffset;
        void Current()
        {
            for (int i = 0; i < 100; i++)
            {
                net.Forward(x, y);
            }
        }
        void Stale()
        {
            for (int i = 0; i < 100; i++)
            {
                net.Parameters[k] = net.Parameters[k];   // marks the copy stale: every Forward makes it again
                net.Forward(x, y);
            }
        }
        void Batches()
        {
            for (int i = 0; i < 20; i++)
            {
                net.Parameters[k] = net.Parameters[k];
                net.ForwardBatch(xs, ys, Batch);
                net.ForwardBatch(xs, ys, Batch);
            }
        }
        Current();
        Stale();
        Batches();
        Assert.Equal(0, Allocations.Minimum(Current));
        Assert.Equal(0, Allocations.Minimum(Stale));
        Assert.Equal(0, Allocations.Minimum(Batches));
    }

    [Fact]
    public void TypedForward_Allocates0Bytes_AlsoWhenItMakesTheCopyAgain()
    {
        // Through the class itself (the inlined Forward), not the interface.
        var net = new AudioShaped(1);
        var x = new float[] { 0.3f };
        var y = new float[1];
        void Stale()
        {
            for (int i = 0; i < 100; i++)
            {
                net.Parameters[20] = net.Parameters[20];
                net.Forward(x, y);
                net.ForwardBatch(x, y, 1);
            }
        }
        Stale();
        Assert.Equal(0, Allocations.Minimum(Stale));
    }
}
