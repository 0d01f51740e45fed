using System.Text.Json;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// The causal streaming Conv1D step (issue 10) against PyTorch's nn.Conv1d on the left-padded sequence
/// (Fixtures/pytorch-recurrent/recurrent.json), step ≡ sequence bit for bit, independent streams, 0 bytes and argument checks.
/// </summary>
public class CausalConvKernelTests
{
    public static TheoryData<int> Cases() => new(Enumerable.Range(0, RecurrentKernelTests.Root.GetProperty("causal_conv1d").GetArrayLength()));

    private static (float[] W, float[] B, float[] X, double[] Y, int C, int F, int K, int D, int Steps) Load(int index)
    {
        JsonElement c = RecurrentKernelTests.Root.GetProperty("causal_conv1d")[index];
        return (PyTorchFixtureTests.Floats(c.GetProperty("weight")), PyTorchFixtureTests.Floats(c.GetProperty("bias")),
            PyTorchFixtureTests.Floats(c.GetProperty("inputs")), PyTorchFixtureTests.Doubles(c.GetProperty("outputs")),
            c.GetProperty("channels").GetInt32(), c.GetProperty("filters").GetInt32(), c.GetProperty("kernel_size").GetInt32(),
            c.GetProperty("dilation").GetInt32(), c.GetProperty("steps").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StreamedSteps_MatchPyTorchsConv1dOnTheLeftPaddedSequence(int index)
    {
        var (w, b, x, y, c, f, k, d, steps) = Load(index);
        var history = new float[CausalConvKernels.HistoryLength(c, k, d)];
        Assert.Equal((k - 1) * d * c + 1, history.Length);
        var outputs = new float[steps * f];
        for (int t = 0; t < steps; t++)
        {
            CausalConvKernels.Step(w, b, x.AsSpan(t * c, c), history, outputs.AsSpan(t * f, f), c, f, k, d);
        }
        RecurrentKernelTests.AssertClose(y, outputs, $"causal conv {index}");

        // The sequence form: the same bits, and the same final state.
        var history2 = new float[history.Length];
        var outputs2 = new float[steps * f];
        CausalConvKernels.ForwardSequence(w, b, x, history2, outputs2, steps, c, f, k, d);
        Assert.Equal(outputs, outputs2);
        Assert.Equal(history, history2);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesPyTorchsGradients(int index)
    {
        var (w, b, x, _, c, f, k, d, steps) = Load(index);
        JsonElement e = RecurrentKernelTests.Root.GetProperty("causal_conv1d")[index];
        float[] targets = PyTorchFixtureTests.Floats(e.GetProperty("targets"));
        var history = new float[CausalConvKernels.HistoryLength(c, k, d)];
        var z = new float[steps * f];
        CausalConvKernels.ForwardSequence(w, b, x, history, z, steps, c, f, k, d);
        var delta = new float[z.Length];
        double loss = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double err = z[i] - targets[i];
            loss += err * err;
            delta[i] = (float)(2 * err / z.Length);
        }
        double expectedLoss = e.GetProperty("loss").GetDouble();
        Assert.True(Math.Abs(loss / z.Length - expectedLoss) <= 1e-5 + 1e-4 * expectedLoss, $"loss {loss / z.Length:R}, PyTorch {expectedLoss:R}");
        float[] gw = new float[w.Length], gb = new float[b.Length], gx = new float[x.Length];
        CausalConvKernels.BackwardSequence(w, x, new float[history.Length], delta, gw, gb, gx, steps, c, f, k, d);
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(e.GetProperty("weight_gradients")), gw, "∂L/∂W");
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(e.GetProperty("bias_gradients")), gb, "∂L/∂b");
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(e.GetProperty("input_gradients")), gx, "∂L/∂x");
    }

    /// <summary>
    /// A window that starts from a carried state (truncated backpropagation through time) gets the gradients of the whole
    /// sequence whose earlier part has no loss: ∂W and ∂b the same, ∂x of its own frames the same.
    /// </summary>
    [Fact]
    public void Backward_FromACarriedHistory_EqualsTheWholeSequenceWithoutEarlierLoss()
    {
        var (w, b, x, _, c, f, k, d, steps) = Load(1);
        int first = 7, rest = steps - first;
        var history = new float[CausalConvKernels.HistoryLength(c, k, d)];
        CausalConvKernels.ForwardSequence(w, b, x.AsSpan(0, first * c), history, new float[first * f], first, c, f, k, d);
        var rng = new SeededRandom(3);
        float[] delta = RecurrentKernelTests.Draw(ref rng, rest * f, 1f);
        float[] gw = new float[w.Length], gb = new float[b.Length], gx = new float[rest * c];
        CausalConvKernels.BackwardSequence(w, x.AsSpan(first * c), history, delta, gw, gb, gx, rest, c, f, k, d);

        float[] wholeDelta = [.. new float[first * f], .. delta];
        float[] ww = new float[w.Length], wb = new float[b.Length], wx = new float[x.Length];
        CausalConvKernels.BackwardSequence(w, x, new float[history.Length], wholeDelta, ww, wb, wx, steps, c, f, k, d);
        for (int i = 0; i < w.Length; i++)
        {
            Assert.True(Math.Abs(gw[i] - ww[i]) <= 1e-6f + 1e-5f * Math.Abs(ww[i]), $"∂W[{i}] {gw[i]:R} vs {ww[i]:R}");
        }
        Assert.Equal(wb, gb);
        Assert.Equal(wx.AsSpan(first * c).ToArray(), gx);
    }

    [Fact]
    public void TwoStreams_AreIndependent_AndClearingRestarts()
    {
        var (w, b, x, _, c, f, k, d, steps) = Load(1);
        var alone = new float[CausalConvKernels.HistoryLength(c, k, d)];
        var reference = new float[steps * f];
        CausalConvKernels.ForwardSequence(w, b, x, alone, reference, steps, c, f, k, d);
        float[] sa = new float[alone.Length], sb = new float[alone.Length];
        var z = new float[f];
        var other = x.Select(v => -2 * v).ToArray();
        for (int t = 0; t < steps; t++)
        {
            CausalConvKernels.Step(w, b, other.AsSpan(t * c, c), sb, z, c, f, k, d);
            CausalConvKernels.Step(w, b, x.AsSpan(t * c, c), sa, z, c, f, k, d);
            Assert.True(z.AsSpan().SequenceEqual(reference.AsSpan(t * f, f)), $"step {t}");
        }
        Array.Clear(sa);
        CausalConvKernels.Step(w, b, x.AsSpan(0, c), sa, z, c, f, k, d);
        Assert.True(z.AsSpan().SequenceEqual(reference.AsSpan(0, f)), "after clearing the state");
    }

    [Fact]
    public void Step_AllocatesNothing()
    {
        var (w, b, x, _, c, f, k, d, _) = Load(0);
        var history = new float[CausalConvKernels.HistoryLength(c, k, d)];
        var z = new float[f];
        CausalConvKernels.Step(w, b, x.AsSpan(0, c), history, z, c, f, k, d);
        long bytes = Allocations.Minimum(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                CausalConvKernels.Step(w, b, x.AsSpan(0, c), history, z, c, f, k, d);
            }
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void WrongArguments_ThrowNamingThem_AndChangeNothing()
    {
        var (w, b, x, _, c, f, k, d, _) = Load(1);
        var history = new float[CausalConvKernels.HistoryLength(c, k, d)];
        var z = new float[f];
        var ex = Assert.Throws<ArgumentException>(() => CausalConvKernels.Step(w, b, x.AsSpan(0, c + 1), history, z, c, f, k, d));
        Assert.Equal("x", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => CausalConvKernels.Step(w, b, x.AsSpan(0, c), new float[history.Length - 1], z, c, f, k, d));
        Assert.Equal("history", ex.ParamName);
        Assert.Contains($"needs {history.Length}", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => CausalConvKernels.Step(w.AsSpan(1), b, x.AsSpan(0, c), history, z, c, f, k, d));
        Assert.Equal("w", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>("dilation", () => CausalConvKernels.HistoryLength(c, k, 0));
        // A state whose position slot is not a ring position is refused, and neither it nor z is touched.
        history[^1] = BitConverter.Int32BitsToSingle((k - 1) * d);
        float[] before = (float[])history.Clone();
        ex = Assert.Throws<ArgumentException>(() => CausalConvKernels.Step(w, b, x.AsSpan(0, c), history, z, c, f, k, d));
        Assert.Equal("history", ex.ParamName);
        Assert.Equal(before, history);
        Assert.All(z, v => Assert.Equal(0f, v));
    }

    /// <summary>The packed, vectorised step (what generated networks call) gives the plain step's bits for every filter tail.</summary>
    [Theory]
    [InlineData(1, 1, 5, 1)]
    [InlineData(1, 12, 5, 1)]
    [InlineData(3, 4, 3, 2)]
    [InlineData(2, 17, 2, 3)]
    [InlineData(5, 9, 1, 1)]
    [InlineData(4, 20, 4, 5)]
    public void PackedStep_IsThePlainStep_BitForBit(int c, int f, int k, int d)
    {
        var rng = new SeededRandom(c * 1000 + f * 10 + k);
        float[] w = RecurrentKernelTests.Draw(ref rng, f * c * k, 1f), b = RecurrentKernelTests.Draw(ref rng, f, 1f);
        float[] x = RecurrentKernelTests.Draw(ref rng, 40 * c, 2f);
        var packed = new float[CausalConvKernels.PackedLength(c, f, k)];
        Assert.Equal(f + c * k * f, packed.Length);
        CausalConvKernels.Pack(w, b, packed, c, f, k);
        float[] plain = new float[CausalConvKernels.HistoryLength(c, k, d)], fast = new float[plain.Length];
        float[] zPlain = new float[f], zFast = new float[f], window = new float[c * k];
        var outputs = new float[40 * f];
        for (int t = 0; t < 40; t++)
        {
            CausalConvKernels.Step(w, b, x.AsSpan(t * c, c), plain, zPlain, c, f, k, d);
            CausalConvKernels.PackedStep(packed, x.AsSpan(t * c, c), fast, zFast, window, c, f, k, d);
            Assert.Equal(zPlain, zFast);
            Assert.Equal(plain, fast);
            zPlain.CopyTo(outputs, t * f);
        }
        var history = new float[plain.Length];
        var sequence = new float[outputs.Length];
        CausalConvKernels.PackedForwardSequence(packed, x, history, sequence, window, 40, c, f, k, d);
        Assert.Equal(outputs, sequence);
        Assert.Equal(plain, history);
    }

    [Fact]
    public void PackedStep_AllocatesNothing_AndRefusesWrongLengths()
    {
        const int C = 1, F = 12, K = 5;
        var packed = new float[CausalConvKernels.PackedLength(C, F, K)];
        var history = new float[CausalConvKernels.HistoryLength(C, K)];
        float[] x = [0.5f], z = new float[F], window = new float[C * K];
        CausalConvKernels.PackedStep(packed, x, history, z, window, C, F, K);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                CausalConvKernels.PackedStep(packed, x, history, z, window, C, F, K);
            }
        }));
        Assert.Equal("packed", Assert.Throws<ArgumentException>(() => CausalConvKernels.PackedStep(packed.AsSpan(1), x, history, z, window, C, F, K)).ParamName);
        Assert.Equal("window", Assert.Throws<ArgumentException>(() => CausalConvKernels.PackedStep(packed, x, history, z, new float[4], C, F, K)).ParamName);
        Assert.Equal("z", Assert.Throws<ArgumentException>(() => CausalConvKernels.PackedStep(packed, x, history, new float[11], window, C, F, K)).ParamName);
        Assert.Equal("packed", Assert.Throws<ArgumentException>(() => CausalConvKernels.Pack(new float[F * C * K], new float[F], new float[3], C, F, K)).ParamName);
    }
}
