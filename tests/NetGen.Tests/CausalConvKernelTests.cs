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
}
