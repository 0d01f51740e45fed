using System.Text.Json;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// PoolKernels (max and average pooling in 1-D and 2-D, global average pooling) against PyTorch (Fixtures/pytorch-conv,
/// including tied maxima), against finite differences in double, batch-as-channels ≡ per-sample, every size edge,
/// allocations and bad input.
/// </summary>
public class PoolKernelTests
{
    public static TheoryData<string> PoolFixtures() =>
        new(PoolFixtureNames().Order(StringComparer.Ordinal));

    private static IEnumerable<string> PoolFixtureNames() =>
        ConvFixture.AllNames().Where(n => n.Contains("pool", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(PoolFixtures))]
    public void MatchesPyTorch(string name)
    {
        using JsonDocument d = ConvFixture.Load(name);
        JsonElement r = d.RootElement;
        PoolCase c = PoolCase.From(r);
        float[] x = ConvFixture.Floats(r, "input"), g = ConvFixture.Floats(r, "grad_output");
        var y = new float[c.Batch * c.OutputLength];
        c.Forward(x, y, c.Batch * c.Channels);
        ConvFixture.AssertClose(r, "output", y);
        var gx = Enumerable.Repeat(5f, x.Length).ToArray();
        c.Backward(x, g, gx, c.Batch * c.Channels);
        ConvFixture.AssertClose(r, "grad_input", gx);

        // Sample by sample: the same bits as the batch passed as batch·channels planes.
        var y1 = new float[y.Length];
        var gx1 = new float[gx.Length];
        for (int s = 0; s < c.Batch; s++)
        {
            c.Forward(x.AsSpan(s * c.InputLength, c.InputLength), y1.AsSpan(s * c.OutputLength, c.OutputLength), c.Channels);
            c.Backward(x.AsSpan(s * c.InputLength, c.InputLength), g.AsSpan(s * c.OutputLength, c.OutputLength), gx1.AsSpan(s * c.InputLength, c.InputLength), c.Channels);
        }
        ConvKernelTests.AssertBits(y, y1, name + " output");
        ConvKernelTests.AssertBits(gx, gx1, name + " grad_input");
    }

    [Fact]
    public void TieFixturesReallyHaveTiesAndEveryKindIsCovered()
    {
        var kinds = new HashSet<string>();
        int tiedWindows = 0;
        foreach (string name in PoolFixtureNames())
        {
            using JsonDocument d = ConvFixture.Load(name);
            PoolCase c = PoolCase.From(d.RootElement);
            kinds.Add(c.Kind);
            if (!name.Contains("ties", StringComparison.Ordinal))
            {
                continue;
            }
            float[] x = ConvFixture.Floats(d.RootElement, "input");
            for (int p = 0; p < c.Batch * c.Channels; p++)
                for (int i = 0; i < c.Ho; i++)
                    for (int j = 0; j < c.Wo; j++)
                    {
                        var window = new List<float>();
                        for (int u = 0; u < c.WindowHeight; u++)
                            for (int v = 0; v < c.Size; v++)
                                window.Add(x[(p * c.Height + i * c.StrideHeight + u) * c.Width + j * c.Stride + v]);
                        if (window.Count(v => v == window.Max()) > 1) tiedWindows++;
                    }
        }
        Assert.True(tiedWindows >= 20, $"{tiedWindows} tied windows");
        Assert.Equal(["AvgPool1D", "AvgPool2D", "GlobalAvgPool", "MaxPool1D", "MaxPool2D"], kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TiesGoToTheFirstMaximumInScanOrderAndNaNWins()
    {
        // One 3×3 window: maxima 2 at (0,2) and (1,0); the first in row-major order is (0,2).
        float[] x = [0, 1, 2, 2, -1, 2, 0, 0, 1];
        var gx = new float[9];
        PoolKernels.MaxPool2DBackward(x, [1f], gx, 1, 3, 3, 3, 3);
        Assert.Equal([0, 0, 1, 0, 0, 0, 0, 0, 0], gx);
        // -∞ everywhere: the first element of the window.
        float[] all = Enumerable.Repeat(float.NegativeInfinity, 4).ToArray();
        var y = new float[1];
        PoolKernels.MaxPool1DForward(all, y, 1, 4, 4, 4);
        Assert.Equal(float.NegativeInfinity, y[0]);
        var g1 = new float[4];
        PoolKernels.MaxPool1DBackward(all, [3f], g1, 1, 4, 4, 4);
        Assert.Equal([3, 0, 0, 0], g1);
        // A NaN is the maximum (PyTorch propagates it) and, as in PyTorch 1.13's CPU kernel, the last NaN takes δ
        // (checked with torch: max_pool1d([1, nan, 5, nan], 4) routes the gradient to index 3).
        float[] nan = [1, float.NaN, 5, float.NaN];
        PoolKernels.MaxPool1DForward(nan, y, 1, 4, 4, 4);
        Assert.True(float.IsNaN(y[0]));
        PoolKernels.MaxPool1DBackward(nan, [3f], g1, 1, 4, 4, 4);
        Assert.Equal([0, 0, 0, 3], g1);
    }

    /// <summary>
    /// The vector path for 2 × 2 windows with stride 2 (eight or four windows per step) follows the scalar rules exactly:
    /// ties to the first maximum in scan order, NaN windows output NaN and route δ to their last NaN, dropped rows and
    /// columns get 0. Widths cover the 4-wide and 8-wide steps and their overlapping last step.
    /// </summary>
    [Fact]
    public void TwoByTwoStrideTwoFastPathFollowsTheScalarRules()
    {
        var random = new SeededRandom(41);
        foreach (int width in new[] { 8, 9, 10, 11, 15, 16, 17, 20, 28, 33 })
        {
            foreach (int height in new[] { 2, 3, 4, 7 })
            {
                const int channels = 3;
                int ho = height / 2, wo = width / 2;
                float[] x = Enumerable.Range(0, channels * height * width).Select(_ => (float)(int)(3 * random.NextSingle())).ToArray();
                for (int k = 0; k < x.Length / 9; k++)
                {
                    x[(int)(random.NextSingle() * x.Length)] = float.NaN;
                }
                float[] delta = Enumerable.Range(0, channels * ho * wo).Select(i => 1f + i).ToArray();
                var y = new float[delta.Length];
                var gx = Enumerable.Repeat(-9f, x.Length).ToArray();
                PoolKernels.MaxPool2DForward(x, y, channels, height, width, 2, 2);
                PoolKernels.MaxPool2DBackward(x, delta, gx, channels, height, width, 2, 2);
                var expectedGx = new float[x.Length];
                for (int c = 0; c < channels; c++)
                    for (int i = 0; i < ho; i++)
                        for (int j = 0; j < wo; j++)
                        {
                            int best = (c * height + 2 * i) * width + 2 * j;
                            float max = float.NegativeInfinity;
                            foreach (int at in new[] { best, best + 1, best + width, best + width + 1 })
                            {
                                if (x[at] > max || float.IsNaN(x[at]))
                                {
                                    (max, best) = (x[at], at);
                                }
                            }
                            int o = (c * ho + i) * wo + j;
                            Assert.True(max.Equals(y[o]), $"{height}×{width} y[{o}]: expected {max}, got {y[o]}");
                            expectedGx[best] += delta[o];
                        }
                Assert.Equal(expectedGx, gx);
            }
        }
    }

    public static TheoryData<string, int, int, int, int, int> Shapes() => new()
    {
        // kind, C, H (1-D: 1), W or L, size, stride
        { "MaxPool2D", 2, 7, 9, 3, 2 },
        { "MaxPool2D", 3, 6, 6, 2, 1 },
        { "AvgPool2D", 2, 7, 9, 3, 2 },
        { "AvgPool2D", 1, 5, 8, 2, 3 },
        { "MaxPool1D", 3, 1, 19, 4, 3 },
        { "AvgPool1D", 2, 1, 19, 4, 1 },
        { "GlobalAvgPool", 3, 4, 5, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GradientMatchesFiniteDifferences(string kind, int channels, int height, int width, int size, int stride)
    {
        var c = new PoolCase(kind, 2, channels, height, width, size, stride);
        var random = new SeededRandom(31);
        // Distinct values (a shuffled ramp plus noise) keep every window's maximum more than the step away from a tie.
        float[] x = Enumerable.Range(0, c.Batch * c.InputLength).Select(i => (float)i * 0.1f).OrderBy(_ => random.NextSingle()).ToArray();
        float[] g = ConvKernelTests.Random(random, c.Batch * c.OutputLength);
        var gx = new float[x.Length];
        c.Backward(x, g, gx, c.Batch * channels);
        double[] xd = x.Select(v => (double)v).ToArray();
        var numeric = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            const double h = 1e-3;
            xd[i] = x[i] + h;
            double plus = Loss(c, xd, g);
            xd[i] = x[i] - h;
            double minus = Loss(c, xd, g);
            xd[i] = x[i];
            numeric[i] = (plus - minus) / (2 * h);
        }
        ConvKernelTests.AssertNear(numeric, gx, kind + " ∂L/∂x");
        var y = new float[c.Batch * c.OutputLength];
        c.Forward(x, y, c.Batch * channels);
        ConvKernelTests.AssertNear(c.Reference(xd), y, kind + " output");
    }

    private static double Loss(PoolCase c, double[] x, float[] g)
    {
        double[] y = c.Reference(x);
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += y[i] * g[i];
        }
        return sum;
    }

    [Fact]
    public void EverySizeEdgeMatchesTheReference()
    {
        var random = new SeededRandom(3);
        int cases = 0;
        foreach (string kind in new[] { "MaxPool2D", "AvgPool2D", "MaxPool1D", "AvgPool1D" })
        {
            bool oneD = kind.EndsWith("1D", StringComparison.Ordinal);
            foreach (int n in new[] { 1, 2, 3, 4, 5, 7, 8, 16, 17 })
            {
                foreach (int size in new[] { 1, 2, 3 })
                {
                    foreach (int stride in new[] { 1, 2, 3, 4 })
                    {
                        if (size > n)
                        {
                            continue;
                        }
                        var c = new PoolCase(kind, 1, 2, oneD ? 1 : n + 1, n, size, stride);
                        float[] x = ConvKernelTests.Random(random, c.InputLength), g = ConvKernelTests.Random(random, c.OutputLength);
                        var y = new float[c.OutputLength];
                        c.Forward(x, y, c.Channels);
                        double[] xd = x.Select(v => (double)v).ToArray();
                        ConvKernelTests.AssertNear(c.Reference(xd), y, $"{kind} n={n} size={size} stride={stride}");
                        var gx = new float[x.Length];
                        c.Backward(x, g, gx, c.Channels);
                        ConvKernelTests.AssertNear(c.ReferenceGradient(xd, g), gx, $"{kind} n={n} size={size} stride={stride} ∂L/∂x");
                        cases++;
                    }
                }
            }
        }
        Assert.True(cases > 300, $"{cases} cases");
    }

    [Fact]
    public void NoCallAllocates()
    {
        var x = new float[6 * 28 * 28];
        var y = new float[6 * 14 * 14];
        var gx = new float[x.Length];
        var pooled = new float[6];
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                PoolKernels.MaxPool2DForward(x, y, 6, 28, 28, 2, 2);
                PoolKernels.MaxPool2DBackward(x, y, gx, 6, 28, 28, 2, 2);
                PoolKernels.AvgPool2DForward(x, y, 6, 28, 28, 2, 2);
                PoolKernels.AvgPool2DBackward(y, gx, 6, 28, 28, 2, 2);
                PoolKernels.MaxPool1DForward(x, y, 6, 784, 4, 4);
                PoolKernels.MaxPool1DBackward(x, y, gx, 6, 784, 4, 4);
                PoolKernels.AvgPool1DForward(x, y, 6, 784, 4, 4);
                PoolKernels.AvgPool1DBackward(y, gx, 6, 784, 4, 4);
                PoolKernels.GlobalAvgPoolForward(x, pooled, 6, 784);
                PoolKernels.GlobalAvgPoolBackward(pooled, gx, 6, 784);
            }
        }));
    }

    [Fact]
    public void BadInputThrowsNamingTheArgumentAndChangesNothing()
    {
        var x = new float[2 * 6 * 6];
        var y = Enumerable.Repeat(4f, 2 * 3 * 3).ToArray();
        var e = Assert.Throws<ArgumentException>(() => PoolKernels.MaxPool2DForward(x.AsSpan(1), y, 2, 6, 6, 2, 2));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("71", e.Message);
        Assert.Contains("72", e.Message);
        e = Assert.Throws<ArgumentException>(() => PoolKernels.AvgPool2DForward(x, y.AsSpan(1), 2, 6, 6, 2, 2));
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => PoolKernels.MaxPool2DBackward(x, y, y, 2, 6, 6, 2, 2));
        Assert.Equal("gradInput", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => PoolKernels.AvgPool2DBackward(y.AsSpan(2), x, 2, 6, 6, 2, 2));
        Assert.Equal("delta", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => PoolKernels.MaxPool1DForward(x, y, 2, 36, 37, 1));
        Assert.Equal("size", e.ParamName);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => PoolKernels.MaxPool2DForward(x, y, 2, 6, 6, 2, 0));
        Assert.Equal("stride", range.ParamName);
        e = Assert.Throws<ArgumentException>(() => PoolKernels.GlobalAvgPoolForward(x, y, 2, 36));
        Assert.Equal("y", e.ParamName);
        Assert.All(y, v => Assert.Equal(4f, v));
        Assert.Equal(14, PoolKernels.OutputLength(28, 2, 2));
        Assert.Equal(3, PoolKernels.OutputLength(7, 3, 2));
        Assert.Equal(3, PoolKernels.OutputLength(10, 3, 3));
        Assert.Equal(0, PoolKernels.OutputLength(2, 3, 1));
    }
}

/// <summary>A pooling case: its sizes, the public calls and a double reference.</summary>
internal sealed class PoolCase
{
    public PoolCase(string kind, int batch, int channels, int height, int width, int size, int stride)
    {
        (Kind, Batch, Channels, Height, Width, Size, Stride) = (kind, batch, channels, height, width, size, stride);
        bool oneD = kind.EndsWith("1D", StringComparison.Ordinal);
        WindowHeight = kind == "GlobalAvgPool" ? height : oneD ? 1 : size;
        StrideHeight = oneD ? 1 : stride;
        if (kind == "GlobalAvgPool")
        {
            (Size, Stride, StrideHeight, Ho, Wo) = (width, width, height, 1, 1);
        }
        else
        {
            Ho = oneD ? 1 : PoolKernels.OutputLength(height, size, stride);
            Wo = PoolKernels.OutputLength(width, size, stride);
        }
    }

    public string Kind { get; }
    public int Batch { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Size { get; }
    public int Stride { get; }
    public int WindowHeight { get; }
    public int StrideHeight { get; }
    public int Ho { get; }
    public int Wo { get; }
    public int InputLength => Channels * Height * Width;
    public int OutputLength => Channels * Ho * Wo;
    private bool IsMax => Kind.StartsWith("Max", StringComparison.Ordinal);

    public static PoolCase From(JsonElement r)
    {
        string kind = r.GetProperty("kind").GetString()!;
        bool twoD = r.TryGetProperty("height", out JsonElement h);
        int width = twoD ? r.GetProperty("width").GetInt32() : r.GetProperty("length").GetInt32();
        int size = r.TryGetProperty("size", out JsonElement s) ? s.GetInt32() : 0;
        int stride = r.TryGetProperty("stride", out JsonElement st) ? st.GetInt32() : 0;
        return new PoolCase(kind, r.GetProperty("batch").GetInt32(), r.GetProperty("channels").GetInt32(), twoD ? h.GetInt32() : 1, width, size, stride);
    }

    public void Forward(ReadOnlySpan<float> x, Span<float> y, int planes)
    {
        switch (Kind)
        {
            case "MaxPool2D": PoolKernels.MaxPool2DForward(x, y, planes, Height, Width, Size, Stride); break;
            case "AvgPool2D": PoolKernels.AvgPool2DForward(x, y, planes, Height, Width, Size, Stride); break;
            case "MaxPool1D": PoolKernels.MaxPool1DForward(x, y, planes, Width, Size, Stride); break;
            case "AvgPool1D": PoolKernels.AvgPool1DForward(x, y, planes, Width, Size, Stride); break;
            default: PoolKernels.GlobalAvgPoolForward(x, y, planes, Height * Width); break;
        }
    }

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> gx, int planes)
    {
        switch (Kind)
        {
            case "MaxPool2D": PoolKernels.MaxPool2DBackward(x, g, gx, planes, Height, Width, Size, Stride); break;
            case "AvgPool2D": PoolKernels.AvgPool2DBackward(g, gx, planes, Height, Width, Size, Stride); break;
            case "MaxPool1D": PoolKernels.MaxPool1DBackward(x, g, gx, planes, Width, Size, Stride); break;
            case "AvgPool1D": PoolKernels.AvgPool1DBackward(g, gx, planes, Width, Size, Stride); break;
            default: PoolKernels.GlobalAvgPoolBackward(g, gx, planes, Height * Width); break;
        }
    }

    /// <summary>Each window's max or mean, in double, for every plane in <paramref name="x"/>.</summary>
    public double[] Reference(double[] x)
    {
        int planes = x.Length / (Height * Width);
        var y = new double[planes * Ho * Wo];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < Ho; i++)
                for (int j = 0; j < Wo; j++)
                {
                    double max = double.NegativeInfinity, sum = 0;
                    foreach (int at in Window(p, i, j))
                    {
                        max = Math.Max(max, x[at]);
                        sum += x[at];
                    }
                    y[(p * Ho + i) * Wo + j] = IsMax ? max : sum / (WindowHeight * Size);
                }
        return y;
    }

    /// <summary>∂(Σ y·g)/∂x from the definition: δ to the first maximum of each window, or δ/n to each element.</summary>
    public double[] ReferenceGradient(double[] x, float[] g)
    {
        int planes = x.Length / (Height * Width);
        var gx = new double[x.Length];
        for (int p = 0; p < planes; p++)
            for (int i = 0; i < Ho; i++)
                for (int j = 0; j < Wo; j++)
                {
                    double d = g[(p * Ho + i) * Wo + j];
                    int[] window = Window(p, i, j).ToArray();
                    if (IsMax)
                    {
                        int best = window[0];
                        foreach (int at in window) if (x[at] > x[best]) best = at;
                        gx[best] += d;
                    }
                    else
                    {
                        foreach (int at in window) gx[at] += d / window.Length;
                    }
                }
        return gx;
    }

    private IEnumerable<int> Window(int p, int i, int j)
    {
        for (int u = 0; u < WindowHeight; u++)
            for (int v = 0; v < Size; v++)
                yield return (p * Height + i * StrideHeight + u) * Width + j * Stride + v;
    }
}
