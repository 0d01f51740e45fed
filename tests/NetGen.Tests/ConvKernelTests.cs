using System.Text.Json;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// ConvKernels (Conv2D, Conv1D, forward and backward, one sample and batched, both forms) against PyTorch's nn.Conv2d /
/// nn.Conv1d (Fixtures/pytorch-conv, tests/pytorch/make_conv_fixtures.py), against finite differences of a double-precision
/// reference, batched against per-sample bit for bit, every size edge of the blocked loops, allocations and bad input.
/// </summary>
public class ConvKernelTests
{
    public static TheoryData<string> ConvFixtures() => new(ConvFixture.Names("conv"));

    // ----- PyTorch ---------------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(ConvFixtures))]
    public void PublicApiMatchesPyTorch(string name)
    {
        using JsonDocument d = ConvFixture.Load(name);
        JsonElement r = d.RootElement;
        ConvCase c = ConvCase.From(r);
        float[] x = ConvFixture.Floats(r, "input"), w = ConvFixture.Floats(r, "weight"), b = ConvFixture.Floats(r, "bias"), g = ConvFixture.Floats(r, "grad_output");
        var scratch = new float[c.ScratchLength];
        var z = new float[c.Batch * c.OutputLength];
        c.PublicForwardBatch(w, b, x, z, scratch);
        ConvFixture.AssertClose(r, "output", z);

        var gw = new float[w.Length];
        var gb = new float[b.Length];
        var gx = new float[x.Length];
        c.PublicBackwardBatch(w, x, g, gw, gb, gx, scratch);
        ConvFixture.AssertClose(r, "grad_input", gx);
        ConvFixture.AssertClose(r, "grad_weight", gw);
        ConvFixture.AssertClose(r, "grad_bias", gb);

        // One sample at a time through the per-sample methods: the same bits as the batch.
        var z1 = new float[z.Length];
        var gw1 = new float[w.Length];
        var gb1 = new float[b.Length];
        var gx1 = new float[x.Length];
        for (int s = 0; s < c.Batch; s++)
        {
            c.PublicForward(w, b, x.AsSpan(s * c.InputLength, c.InputLength), z1.AsSpan(s * c.OutputLength, c.OutputLength), scratch);
            c.PublicBackward(w, x.AsSpan(s * c.InputLength, c.InputLength), g.AsSpan(s * c.OutputLength, c.OutputLength), gw1, gb1,
                gx1.AsSpan(s * c.InputLength, c.InputLength), scratch);
        }
        AssertBits(z, z1, "output");
        AssertBits(gw, gw1, "grad_weight");
        AssertBits(gb, gb1, "grad_bias");
        AssertBits(gx, gx1, "grad_input");
    }

    [Theory]
    [MemberData(nameof(ConvFixtures))]
    public void EachFormMatchesPyTorch(string name)
    {
        using JsonDocument d = ConvFixture.Load(name);
        JsonElement r = d.RootElement;
        ConvCase c = ConvCase.From(r);
        float[] x = ConvFixture.Floats(r, "input"), w = ConvFixture.Floats(r, "weight"), b = ConvFixture.Floats(r, "bias"), g = ConvFixture.Floats(r, "grad_output");
        foreach (int form in c.Forms)
        {
            var scratch = new float[c.Shape.ScratchLength(form)];
            var z = new float[c.Batch * c.OutputLength];
            ConvKernels.ForwardBatch(c.Shape, form, w, b, x, z, scratch, c.Batch);
            ConvFixture.AssertClose(r, "output", z, $"form {form} ");
            var gw = new float[w.Length];
            var gb = new float[b.Length];
            var gx = new float[x.Length];
            ConvKernels.BackwardBatch(c.Shape, form, w, x, g, gw, gb, gx, scratch, c.Batch);
            ConvFixture.AssertClose(r, "grad_input", gx, $"form {form} ");
            ConvFixture.AssertClose(r, "grad_weight", gw, $"form {form} ");
            ConvFixture.AssertClose(r, "grad_bias", gb, $"form {form} ");
        }
    }

    [Fact]
    public void FixturesCoverStridePaddingDilationAndBothForms()
    {
        var cases = ConvFixture.Names("conv").Select(n => { using JsonDocument d = ConvFixture.Load(n); return ConvCase.From(d.RootElement); }).ToList();
        Assert.Contains(cases, c => c.Dims == 2 && c.Stride > 1 && c.Padding > 0);
        Assert.Contains(cases, c => c.Dims == 1 && c.Dilation > 1 && c.Stride > 1);
        Assert.Contains(cases, c => c.Dims == 1 && c.Dilation > 1 && c.Stride == 1);
        Assert.Contains(cases, c => c.Dims == 2 && c.Shape.Resolve(ConvShape.Auto) == ConvShape.Direct && c.Shape.NeedsCompaction);
        Assert.Contains(cases, c => c.Shape.Resolve(ConvShape.Auto) == ConvShape.Im2Col);
        Assert.Contains(cases, c => c.Channels > 1 && c.Filters > ConvKernels.PanelRows && c.Filters % ConvKernels.PanelRows != 0);
        Assert.Contains(cases, c => c.Shape.Ho * c.Shape.Wo < 16);
    }

    // ----- Finite differences ------------------------------------------------------------------------------------------------

    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes() => new()
    {
        // dims, C, H (1 for 1-D), W or L, F, k, stride, padding, dilation
        { 2, 2, 7, 8, 3, 3, 1, 1, 1 },
        { 2, 3, 9, 6, 7, 2, 2, 1, 1 },
        { 2, 1, 6, 20, 8, 3, 1, 0, 1 },
        { 2, 2, 8, 9, 4, 3, 3, 2, 1 },
        { 1, 3, 1, 40, 5, 3, 1, 2, 2 },
        { 1, 2, 1, 37, 7, 4, 2, 1, 3 },
        { 1, 4, 1, 12, 2, 5, 1, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GradientsMatchFiniteDifferencesOfADoubleReference(int dims, int channels, int height, int width, int filters, int k, int stride, int padding, int dilation)
    {
        var c = new ConvCase(dims, 2, channels, height, width, filters, k, stride, padding, dilation);
        var random = new SeededRandom(17);
        float[] x = Random(random, c.Batch * c.InputLength), w = Random(random, c.WeightLength), b = Random(random, filters), g = Random(random, c.Batch * c.OutputLength);
        var reference = new ConvReference(c.Shape);
        double Loss(double[] xd, double[] wd, double[] bd)
        {
            double sum = 0;
            for (int s = 0; s < c.Batch; s++)
            {
                double[] z = reference.Forward(xd.AsSpan(s * c.InputLength, c.InputLength), wd, bd);
                for (int i = 0; i < z.Length; i++)
                {
                    sum += z[i] * g[s * c.OutputLength + i];
                }
            }
            return sum;
        }
        double[] xd = x.Select(v => (double)v).ToArray(), wd = w.Select(v => (double)v).ToArray(), bd = b.Select(v => (double)v).ToArray();
        foreach (int form in c.Forms)
        {
            var scratch = new float[c.Shape.ScratchLength(form)];
            var z = new float[c.Batch * c.OutputLength];
            ConvKernels.ForwardBatch(c.Shape, form, w, b, x, z, scratch, c.Batch);
            for (int s = 0; s < c.Batch; s++)
            {
                AssertNear(reference.Forward(xd.AsSpan(s * c.InputLength, c.InputLength), wd, bd), z.AsSpan(s * c.OutputLength, c.OutputLength), $"form {form} output");
            }
            var gw = new float[w.Length];
            var gb = new float[b.Length];
            var gx = new float[x.Length];
            ConvKernels.BackwardBatch(c.Shape, form, w, x, g, gw, gb, gx, scratch, c.Batch);
            // The loss is linear in each argument, so a central difference is exact up to rounding.
            AssertNear(FiniteDifference(xd, v => Loss(v, wd, bd)), gx, $"form {form} ∂L/∂x");
            AssertNear(FiniteDifference(wd, v => Loss(xd, v, bd)), gw, $"form {form} ∂L/∂W");
            AssertNear(FiniteDifference(bd, v => Loss(xd, wd, v)), gb, $"form {form} ∂L/∂b");
        }
    }

    private static double[] FiniteDifference(double[] at, Func<double[], double> f)
    {
        var result = new double[at.Length];
        var probe = (double[])at.Clone();
        for (int i = 0; i < at.Length; i++)
        {
            const double h = 1e-3;
            probe[i] = at[i] + h;
            double plus = f(probe);
            probe[i] = at[i] - h;
            double minus = f(probe);
            probe[i] = at[i];
            result[i] = (plus - minus) / (2 * h);
        }
        return result;
    }

    // ----- Size edges, batches, forms -----------------------------------------------------------------------------------------

    /// <summary>
    /// Every edge of the blocked loops against the double reference: output positions around 16 and 64 (scalar below 16,
    /// single vectors, overlapping last vector, blocks of 64), filters and channels around the panel of 6 (clamped rows),
    /// tap counts that are not multiples of 4; batched ≡ per-sample bit for bit in each form.
    /// </summary>
    [Fact]
    public void EverySizeEdgeMatchesTheReferenceAndBatchesMatchSamplesBitForBit()
    {
        var random = new SeededRandom(23);
        int checkedCases = 0;
        foreach (int length in new[] { 1, 2, 14, 15, 16, 17, 18, 31, 32, 33, 63, 64, 65, 66, 79, 80, 81, 127, 128, 129, 150 })
        {
            foreach (int filters in new[] { 1, 5, 6, 7, 12, 13 })
            {
                int channels = 1 + (length + filters) % 3;
                int k = 1 + (length % 4);
                Check(new ConvCase(1, 3, channels, 1, length + k - 1, filters, k, 1, 0, 1), random);
                Check(new ConvCase(1, 2, channels, 1, 2 * length + k, filters, k, 2, 1, 1), random);
                checkedCases += 2;
            }
        }
        foreach ((int h, int w) in new[] { (1, 1), (3, 5), (4, 17), (6, 6), (9, 16), (12, 12), (5, 30) })
        {
            foreach (int filters in new[] { 1, 6, 7 })
            {
                foreach (int padding in new[] { 0, 1, 2 })
                {
                    int k = Math.Min(3, Math.Min(h, w) + 2 * padding);
                    Check(new ConvCase(2, 2, 3, h, w, filters, k, 1, padding, 1), random);
                    Check(new ConvCase(2, 2, 2, h, w, filters, k, 2, padding, 1), random);
                    checkedCases += 2;
                }
            }
        }
        Assert.Equal(2 * 21 * 6 + 2 * 7 * 3 * 3, checkedCases);
    }

    private static void Check(ConvCase c, SeededRandom random)
    {
        float[] x = Random(random, c.Batch * c.InputLength), w = Random(random, c.WeightLength), b = Random(random, c.Filters), g = Random(random, c.Batch * c.OutputLength);
        var reference = new ConvReference(c.Shape);
        double[] wd = w.Select(v => (double)v).ToArray(), bd = b.Select(v => (double)v).ToArray();
        float[]? firstForm = null;
        foreach (int form in c.Forms)
        {
            var scratch = new float[c.Shape.ScratchLength(form)];
            var z = new float[c.Batch * c.OutputLength];
            var gw = new float[w.Length];
            var gb = new float[b.Length];
            var gx = new float[x.Length];
            ConvKernels.ForwardBatch(c.Shape, form, w, b, x, z, scratch, c.Batch);
            ConvKernels.BackwardBatch(c.Shape, form, w, x, g, gw, gb, gx, scratch, c.Batch);
            var z1 = new float[z.Length];
            var gw1 = new float[w.Length];
            var gb1 = new float[b.Length];
            var gx1 = new float[x.Length];
            // Leftovers from another layer in scratch must not matter.
            scratch.AsSpan().Fill(float.NaN);
            for (int s = 0; s < c.Batch; s++)
            {
                ConvKernels.ForwardBatch(c.Shape, form, w, b, x.AsSpan(s * c.InputLength, c.InputLength), z1.AsSpan(s * c.OutputLength, c.OutputLength), scratch, 1);
                ConvKernels.BackwardBatch(c.Shape, form, w, x.AsSpan(s * c.InputLength, c.InputLength), g.AsSpan(s * c.OutputLength, c.OutputLength),
                    gw1, gb1, gx1.AsSpan(s * c.InputLength, c.InputLength), scratch, 1);
            }
            string what = $"{c} form {form}";
            AssertBits(z, z1, what + " output");
            AssertBits(gw, gw1, what + " ∂L/∂W");
            AssertBits(gb, gb1, what + " ∂L/∂b");
            AssertBits(gx, gx1, what + " ∂L/∂x");
            var rw = new double[w.Length];
            var rb = new double[b.Length];
            for (int s = 0; s < c.Batch; s++)
            {
                double[] xd = x.AsSpan(s * c.InputLength, c.InputLength).ToArray().Select(v => (double)v).ToArray();
                ReadOnlySpan<float> gs = g.AsSpan(s * c.OutputLength, c.OutputLength);
                AssertNear(reference.Forward(xd, wd, bd), z.AsSpan(s * c.OutputLength, c.OutputLength), what + " output");
                AssertNear(reference.InputGradient(gs, wd), gx.AsSpan(s * c.InputLength, c.InputLength), what + " ∂L/∂x");
                reference.AddParameterGradients(xd, gs, rw, rb);
            }
            AssertNear(rw, gw, what + " ∂L/∂W");
            AssertNear(rb, gb, what + " ∂L/∂b");
            // Both forms run the taps of each output in the same order: the same forward bits.
            if (firstForm is null)
            {
                firstForm = z;
            }
            else
            {
                AssertBits(firstForm, z, what + " output, direct vs im2col");
            }
        }
    }

    [Fact]
    public void GradientsAccumulateAndInputGradientIsOverwrittenAndOptional()
    {
        // One sample, so each gradient element receives exactly one sum per call: twice the call is exactly twice the sum.
        var c = new ConvCase(2, 1, 3, 9, 10, 7, 3, 1, 1, 1);
        var random = new SeededRandom(5);
        float[] x = Random(random, c.Batch * c.InputLength), w = Random(random, c.WeightLength), g = Random(random, c.Batch * c.OutputLength);
        var scratch = new float[c.ScratchLength];
        var gw = new float[w.Length];
        var gb = new float[c.Filters];
        var gx = Enumerable.Repeat(123f, x.Length).ToArray();
        c.PublicBackwardBatch(w, x, g, gw, gb, gx, scratch);
        float[] once = gw.ToArray(), onceB = gb.ToArray(), onceX = gx.ToArray();
        var gw2 = new float[w.Length];
        var gb2 = new float[c.Filters];
        c.PublicBackwardBatch(w, x, g, gw2, gb2, default, scratch);
        AssertBits(once, gw2, "∂L/∂W without ∂L/∂x");
        AssertBits(onceB, gb2, "∂L/∂b without ∂L/∂x");
        c.PublicBackwardBatch(w, x, g, gw, gb, gx, scratch);
        AssertBits(onceX, gx, "∂L/∂x overwritten");
        for (int i = 0; i < gw.Length; i++)
        {
            Assert.Equal(once[i] + once[i], gw[i]);
        }
        for (int i = 0; i < gb.Length; i++)
        {
            Assert.Equal(onceB[i] + onceB[i], gb[i]);
        }
    }

    [Fact]
    public void OutputLengthIsPyTorchsFloorRule()
    {
        Assert.Equal(28, ConvKernels.OutputLength(28, 5, 1, 2));
        Assert.Equal(10, ConvKernels.OutputLength(14, 5, 1, 0));
        Assert.Equal(5, ConvKernels.OutputLength(9, 3, 2, 1));
        Assert.Equal(4, ConvKernels.OutputLength(13, 4, 3, 0));
        Assert.Equal(21, ConvKernels.OutputLength(41, 4, 2, 3, 2));
        Assert.Equal(1, ConvKernels.OutputLength(5, 5, 1, 0));
        Assert.Equal(0, ConvKernels.OutputLength(4, 5, 1, 0));
        Assert.Equal(0, ConvKernels.OutputLength(5, 3, 1, 0, 3));
    }

    // ----- Allocation and bad input ------------------------------------------------------------------------------------------

    [Fact]
    public void NoCallAllocates()
    {
        foreach (var c in new[] { new ConvCase(2, 4, 1, 28, 28, 6, 5, 1, 2, 1), new ConvCase(2, 4, 6, 14, 14, 16, 5, 1, 0, 1),
            new ConvCase(2, 2, 3, 9, 11, 5, 3, 2, 1, 1), new ConvCase(1, 2, 3, 1, 70, 4, 3, 1, 2, 3) })
        {
            var random = new SeededRandom(1);
            float[] x = Random(random, c.Batch * c.InputLength), w = Random(random, c.WeightLength), b = Random(random, c.Filters), g = Random(random, c.Batch * c.OutputLength);
            var scratch = new float[c.ScratchLength];
            var z = new float[c.Batch * c.OutputLength];
            var gw = new float[w.Length];
            var gb = new float[b.Length];
            var gx = new float[x.Length];
            Assert.Equal(0, Allocations.Minimum(() =>
            {
                for (int i = 0; i < 20; i++)
                {
                    c.PublicForward(w, b, x.AsSpan(0, c.InputLength), z.AsSpan(0, c.OutputLength), scratch);
                    c.PublicBackward(w, x.AsSpan(0, c.InputLength), g.AsSpan(0, c.OutputLength), gw, gb, gx.AsSpan(0, c.InputLength), scratch);
                    c.PublicForwardBatch(w, b, x, z, scratch);
                    c.PublicBackwardBatch(w, x, g, gw, gb, gx, scratch);
                }
            }));
        }
    }

    [Fact]
    public void BadInputThrowsNamingTheArgumentAndChangesNothing()
    {
        var c = new ConvCase(2, 1, 2, 6, 6, 3, 3, 1, 1, 1);
        var w = new float[c.WeightLength];
        var b = new float[3];
        var x = new float[c.InputLength];
        var z = Enumerable.Repeat(7f, c.OutputLength).ToArray();
        var scratch = new float[c.ScratchLength];
        var e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DForward(w, b, x.AsSpan(1), z, scratch, 2, 6, 6, 3, 3, 1, 1));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("71", e.Message);
        Assert.Contains("72", e.Message);
        e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DForward(w.AsSpan(1), b, x, z, scratch, 2, 6, 6, 3, 3, 1, 1));
        Assert.Equal("w", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DForward(w, b, x, z, scratch.AsSpan(1), 2, 6, 6, 3, 3, 1, 1));
        Assert.Equal("scratch", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DForward(w, b, x, z, z, 2, 6, 6, 3, 3, 1, 1));
        Assert.Equal("scratch", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DForward(w, b, x, z, scratch, 2, 6, 6, 3, 9, 1, 1));
        Assert.Equal("kernelSize", e.ParamName);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => ConvKernels.Conv2DForward(w, b, x, z, scratch, 2, 6, 6, 3, 3, 0, 1));
        Assert.Equal("stride", range.ParamName);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => ConvKernels.Conv1DForward(w, b, x, z, scratch, 2, 36, 3, 3, 1, 1, 0));
        Assert.Equal("dilation", range.ParamName);
        range = Assert.Throws<ArgumentOutOfRangeException>(() => ConvKernels.Conv2DForward(w, b, x, z, scratch, 2, 6, 6, 3, 3, 1, -1));
        Assert.Equal("padding", range.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DBackward(w, x, z, w.ToArray(), b.ToArray(), x.AsSpan(2).ToArray(), scratch, 2, 6, 6, 3, 3, 1, 1));
        Assert.Equal("gradInput", e.ParamName);
        // In place is refused: the kernel reads x while it writes z (and δ, x while it writes ∂L/∂x).
        var same = new float[Math.Max(c.InputLength, c.OutputLength)];
        e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DForward(w, b, same.AsSpan(0, c.InputLength), same.AsSpan(0, c.OutputLength), scratch, 2, 6, 6, 3, 3, 1, 1));
        Assert.Equal("z", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ConvKernels.Conv2DBackward(w, x, same.AsSpan(0, c.OutputLength), new float[w.Length], new float[3],
            same.AsSpan(0, c.InputLength), scratch, 2, 6, 6, 3, 3, 1, 1));
        Assert.Equal("gradInput", e.ParamName);
        Assert.All(z, v => Assert.Equal(7f, v));
    }

    // ----- Helpers -----------------------------------------------------------------------------------------------------------

    internal static float[] Random(SeededRandom random, int n)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = 2 * random.NextSingle() - 1;
        }
        return values;
    }

    internal static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) || (expected[i] == 0 && actual[i] == 0),
                $"{what}[{i}]: {expected[i]:R} vs {actual[i]:R}");
        }
    }

    /// <summary>|actual − expected| ≤ 1e-5 + 1e-4·|expected|, the fixtures' tolerance.</summary>
    internal static void AssertNear(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = PyTorchFixtureTests.Absolute + PyTorchFixtureTests.Relative * Math.Abs(expected[i]);
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}

/// <summary>A convolution case: its sizes, the public API calls for it and the forms that apply.</summary>
internal sealed class ConvCase
{
    public ConvCase(int dims, int batch, int channels, int height, int width, int filters, int kernel, int stride, int padding, int dilation)
    {
        (Dims, Batch, Channels, Height, Width, Filters, Kernel, Stride, Padding, Dilation) = (dims, batch, channels, height, width, filters, kernel, stride, padding, dilation);
        Shape = dims == 2 ? ConvShape.Conv2D(channels, height, width, filters, kernel, stride, padding)
            : ConvShape.Conv1D(channels, width, filters, kernel, stride, padding, dilation);
        if (dims == 2 && dilation != 1)
        {
            throw new ArgumentException("Conv2D has no dilation.");
        }
    }

    public int Dims { get; }
    public int Batch { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Filters { get; }
    public int Kernel { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public ConvShape Shape { get; }

    public int InputLength => Shape.InputLength;
    public int OutputLength => Shape.OutputLength;
    public int WeightLength => Shape.WeightLength;

    public int ScratchLength => Dims == 2 ? ConvKernels.Conv2DScratchLength(Channels, Height, Width, Filters, Kernel, Stride, Padding)
        : ConvKernels.Conv1DScratchLength(Channels, Width, Filters, Kernel, Stride, Padding, Dilation);

    /// <summary>Direct and im2col for stride 1; im2col only otherwise.</summary>
    public int[] Forms => Stride == 1 ? [ConvShape.Direct, ConvShape.Im2Col] : [ConvShape.Im2Col];

    public static ConvCase From(JsonElement r)
    {
        int dims = r.GetProperty("kind").GetString() == "Conv2D" ? 2 : 1;
        return new ConvCase(dims, r.GetProperty("batch").GetInt32(), r.GetProperty("channels").GetInt32(),
            dims == 2 ? r.GetProperty("height").GetInt32() : 1, dims == 2 ? r.GetProperty("width").GetInt32() : r.GetProperty("length").GetInt32(),
            r.GetProperty("filters").GetInt32(), r.GetProperty("kernel_size").GetInt32(), r.GetProperty("stride").GetInt32(),
            r.GetProperty("padding").GetInt32(), r.GetProperty("dilation").GetInt32());
    }

    public void PublicForward(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, Span<float> scratch)
    {
        if (Dims == 2) ConvKernels.Conv2DForward(w, b, x, z, scratch, Channels, Height, Width, Filters, Kernel, Stride, Padding);
        else ConvKernels.Conv1DForward(w, b, x, z, scratch, Channels, Width, Filters, Kernel, Stride, Padding, Dilation);
    }

    public void PublicBackward(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> gw, Span<float> gb, Span<float> gx, Span<float> scratch)
    {
        if (Dims == 2) ConvKernels.Conv2DBackward(w, x, g, gw, gb, gx, scratch, Channels, Height, Width, Filters, Kernel, Stride, Padding);
        else ConvKernels.Conv1DBackward(w, x, g, gw, gb, gx, scratch, Channels, Width, Filters, Kernel, Stride, Padding, Dilation);
    }

    public void PublicForwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, Span<float> scratch)
    {
        if (Dims == 2) ConvKernels.Conv2DForwardBatch(w, b, x, z, scratch, Batch, Channels, Height, Width, Filters, Kernel, Stride, Padding);
        else ConvKernels.Conv1DForwardBatch(w, b, x, z, scratch, Batch, Channels, Width, Filters, Kernel, Stride, Padding, Dilation);
    }

    public void PublicBackwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> gw, Span<float> gb, Span<float> gx, Span<float> scratch)
    {
        if (Dims == 2) ConvKernels.Conv2DBackwardBatch(w, x, g, gw, gb, gx, scratch, Batch, Channels, Height, Width, Filters, Kernel, Stride, Padding);
        else ConvKernels.Conv1DBackwardBatch(w, x, g, gw, gb, gx, scratch, Batch, Channels, Width, Filters, Kernel, Stride, Padding, Dilation);
    }

    public override string ToString() =>
        $"Conv{Dims}D C={Channels} {Height}×{Width} F={Filters} k={Kernel} s={Stride} p={Padding} d={Dilation}";
}

/// <summary>The textbook loops in double: forward, and the gradients written out from the definition.</summary>
internal sealed class ConvReference(ConvShape g)
{
    /// <summary>Input index of tap (u, v) of output (i, j), or −1 in the padding.</summary>
    private int Tap(int c, int i, int j, int u, int v)
    {
        int y = i * g.SH + u * g.DH - g.PH, x = j * g.SW + v * g.DW - g.PW;
        return y < 0 || y >= g.H || x < 0 || x >= g.W ? -1 : (c * g.H + y) * g.W + x;
    }

    private int WeightIndex(int f, int c, int u, int v) => ((f * g.C + c) * g.KH + u) * g.KW + v;

    public double[] Forward(ReadOnlySpan<double> x, double[] w, double[] b)
    {
        var z = new double[g.OutputLength];
        for (int f = 0; f < g.F; f++)
            for (int i = 0; i < g.Ho; i++)
                for (int j = 0; j < g.Wo; j++)
                {
                    double sum = b[f];
                    for (int c = 0; c < g.C; c++)
                        for (int u = 0; u < g.KH; u++)
                            for (int v = 0; v < g.KW; v++)
                            {
                                int at = Tap(c, i, j, u, v);
                                if (at >= 0) sum += w[WeightIndex(f, c, u, v)] * x[at];
                            }
                    z[(f * g.Ho + i) * g.Wo + j] = sum;
                }
        return z;
    }

    public double[] InputGradient(ReadOnlySpan<float> delta, double[] w)
    {
        var gx = new double[g.InputLength];
        for (int f = 0; f < g.F; f++)
            for (int i = 0; i < g.Ho; i++)
                for (int j = 0; j < g.Wo; j++)
                    for (int c = 0; c < g.C; c++)
                        for (int u = 0; u < g.KH; u++)
                            for (int v = 0; v < g.KW; v++)
                            {
                                int at = Tap(c, i, j, u, v);
                                if (at >= 0) gx[at] += w[WeightIndex(f, c, u, v)] * delta[(f * g.Ho + i) * g.Wo + j];
                            }
        return gx;
    }

    public void AddParameterGradients(ReadOnlySpan<double> x, ReadOnlySpan<float> delta, double[] gw, double[] gb)
    {
        for (int f = 0; f < g.F; f++)
            for (int i = 0; i < g.Ho; i++)
                for (int j = 0; j < g.Wo; j++)
                {
                    double d = delta[(f * g.Ho + i) * g.Wo + j];
                    gb[f] += d;
                    for (int c = 0; c < g.C; c++)
                        for (int u = 0; u < g.KH; u++)
                            for (int v = 0; v < g.KW; v++)
                            {
                                int at = Tap(c, i, j, u, v);
                                if (at >= 0) gw[WeightIndex(f, c, u, v)] += d * x[at];
                            }
                }
    }
}

/// <summary>Loading Fixtures/pytorch-conv.</summary>
internal static class ConvFixture
{
    private static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-conv");

    public static IEnumerable<string> Names(string prefix) =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    public static IEnumerable<string> AllNames() => System.IO.Directory.GetFiles(Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!);

    public static JsonDocument Load(string name) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json")));

    public static float[] Floats(JsonElement r, string key) => PyTorchFixtureTests.Floats(r.GetProperty(key));

    public static void AssertClose(JsonElement r, string key, ReadOnlySpan<float> actual, string prefix = "") =>
        TrainingFixtures.AssertClose(PyTorchFixtureTests.Doubles(r.GetProperty(key)), actual, PyTorchFixtureTests.Absolute, PyTorchFixtureTests.Relative,
            prefix + r.GetProperty("name").GetString() + " " + key);
}
