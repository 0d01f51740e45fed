using System.Text.Json;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// The GRU and LSTM kernels (issue 10) against PyTorch (Fixtures/pytorch-recurrent/recurrent.json, written by
/// tests/pytorch/make_recurrent_fixtures.py in float64), against central finite differences of a double-precision
/// reference, step ≡ sequence bit for bit, independent streams, truncated windows, 0 bytes and argument checks.
/// </summary>
public class RecurrentKernelTests
{
    private static readonly Lazy<JsonDocument> s_fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-recurrent", "recurrent.json"))));

    internal static JsonElement Root => s_fixture.Value.RootElement;

    private static float[] F(JsonElement e, string name) => PyTorchFixtureTests.Floats(e.GetProperty(name));

    private static double[] D(JsonElement e, string name) => PyTorchFixtureTests.Doubles(e.GetProperty(name));

    /// <summary>The fixture tolerance: |a − e| ≤ 1e-5 + 1e-4·|e|.</summary>
    internal static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            Assert.True(err <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"{what}[{i}]: {actual[i]:R}, PyTorch {expected[i]:R} (error {err:E2})");
        }
    }

    public static TheoryData<string> RecurrentCases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Root.GetProperty("recurrent").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static JsonElement Case(string name) =>
        Root.GetProperty("recurrent").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>A recurrent layer (any kind) behind one interface, so that every test runs on GRU and LSTM alike.</summary>
    internal sealed class Layer
    {
        public required bool Lstm { get; init; }
        public required int In { get; init; }
        public required int H { get; init; }
        public required int L { get; init; }
        public required float[] Theta { get; init; }
        public float[] Packed { get; private set; } = [];

        public int StateLength => (Lstm ? 2 : 1) * L * H;
        public int RecordPerSequence(int steps) => Lstm ? RecurrentKernels.LstmRecordLength(H, steps, L) : RecurrentKernels.GruRecordLength(H, steps, L);

        public Layer Pack()
        {
            Packed = new float[Lstm ? RecurrentKernels.LstmPackedLength(In, H, L) : RecurrentKernels.GruPackedLength(In, H, L)];
            if (Lstm)
            {
                RecurrentKernels.LstmPack(Theta, Packed, In, H, L);
            }
            else
            {
                RecurrentKernels.GruPack(Theta, Packed, In, H, L);
            }
            return this;
        }

        /// <summary>One step; state = h (then c for an LSTM).</summary>
        public void Step(ReadOnlySpan<float> x, Span<float> state)
        {
            if (Lstm)
            {
                RecurrentKernels.LstmStep(Packed, x, state.Slice(0, L * H), state.Slice(L * H), In, H, L);
            }
            else
            {
                RecurrentKernels.GruStep(Packed, x, state, In, H, L);
            }
        }

        public void Forward(ReadOnlySpan<float> inputs, Span<float> state, Span<float> outputs, Span<float> record, int steps)
        {
            if (Lstm)
            {
                RecurrentKernels.LstmForwardSequence(Packed, inputs, state.Slice(0, L * H), state.Slice(L * H), outputs, record, steps, In, H, L);
            }
            else
            {
                RecurrentKernels.GruForwardSequence(Packed, inputs, state, outputs, record, steps, In, H, L);
            }
        }

        public void Backward(ReadOnlySpan<float> inputs, ReadOnlySpan<float> initialState, ReadOnlySpan<float> outputs, ReadOnlySpan<float> record,
            ReadOnlySpan<float> dh, Span<float> gradients, Span<float> dx, Span<float> dState, Span<float> scratch, int steps)
        {
            if (Lstm)
            {
                RecurrentKernels.LstmBackwardSequence(Theta, inputs, initialState.Slice(0, L * H), initialState.Slice(L * H), outputs, record, dh,
                    gradients, dx, dState, scratch, steps, In, H, L);
            }
            else
            {
                RecurrentKernels.GruBackwardSequence(Theta, inputs, initialState, outputs, record, dh, gradients, dx, dState, scratch, steps, In, H, L);
            }
        }

        public int ScratchLength(int steps) =>
            Lstm ? RecurrentKernels.LstmBackwardScratchLength(H, steps, L) : RecurrentKernels.GruBackwardScratchLength(H, steps, L);

        /// <summary>Forward from <paramref name="initialState"/>, MSE against <paramref name="targets"/> over [steps, H], BPTT.</summary>
        public (float[] Outputs, float[] FinalState, double Loss, float[] Gradients, float[] Dx, float[] DState) Train(
            float[] inputs, float[] initialState, float[] targets, int steps)
        {
            float[] state = (float[])initialState.Clone();
            var outputs = new float[L * steps * H];
            var record = new float[RecordPerSequence(steps)];
            Forward(inputs, state, outputs, record, steps);
            ReadOnlySpan<float> top = outputs.AsSpan((L - 1) * steps * H);
            var dh = new float[steps * H];
            double loss = 0;
            for (int i = 0; i < dh.Length; i++)
            {
                double e = top[i] - targets[i];
                loss += e * e;
                dh[i] = (float)(2 * e / dh.Length);
            }
            var gradients = new float[Theta.Length];
            var dx = new float[steps * In];
            var dState = new float[StateLength];
            Backward(inputs, initialState, outputs, record, dh, gradients, dx, dState, new float[ScratchLength(steps)], steps);
            return (top.ToArray(), state, loss / dh.Length, gradients, dx, dState);
        }
    }

    internal static Layer FromFixture(JsonElement c) => new Layer
    {
        Lstm = c.GetProperty("kind").GetString() == "LSTM",
        In = c.GetProperty("input_size").GetInt32(),
        H = c.GetProperty("hidden_size").GetInt32(),
        L = c.GetProperty("layers").GetInt32(),
        Theta = F(c, "parameters"),
    }.Pack();

    private static float[] InitialState(JsonElement c, Layer layer) =>
        layer.Lstm ? [.. F(c, "h0"), .. F(c, "c0")] : F(c, "h0");

    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void Fixture_OutputsLossAndEveryGradient_MatchPyTorch(string name)
    {
        JsonElement c = Case(name);
        Layer layer = FromFixture(c);
        int steps = c.GetProperty("steps").GetInt32();
        Assert.Equal(layer.Lstm ? RecurrentKernels.LstmParameterCount(layer.In, layer.H, layer.L) : RecurrentKernels.GruParameterCount(layer.In, layer.H, layer.L),
            layer.Theta.Length);
        var result = layer.Train(F(c, "inputs"), InitialState(c, layer), F(c, "targets"), steps);

        AssertClose(D(c, "outputs"), result.Outputs, name + " outputs");
        AssertClose(layer.Lstm ? [.. D(c, "h_n"), .. D(c, "c_n")] : D(c, "h_n"), result.FinalState, name + " final state");
        double loss = c.GetProperty("loss").GetDouble();
        Assert.True(Math.Abs(result.Loss - loss) <= 1e-5 + 1e-4 * loss, $"{name} loss {result.Loss:R}, PyTorch {loss:R}");
        AssertClose(D(c, "gradients"), result.Gradients, name + " ∂L/∂θ");
        AssertClose(D(c, "input_gradients"), result.Dx, name + " ∂L/∂x");
        AssertClose(layer.Lstm ? [.. D(c, "h0_gradients"), .. D(c, "c0_gradients")] : D(c, "h0_gradients"), result.DState, name + " ∂L/∂state₀");
    }

    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void StepByStep_EqualsTheRecordedSequence_BitForBit(string name)
    {
        JsonElement c = Case(name);
        Layer layer = FromFixture(c);
        int steps = c.GetProperty("steps").GetInt32(), H = layer.H, L = layer.L;
        float[] inputs = F(c, "inputs"), initial = InitialState(c, layer);

        float[] sequenceState = (float[])initial.Clone();
        var outputs = new float[L * steps * H];
        layer.Forward(inputs, sequenceState, outputs, new float[layer.RecordPerSequence(steps)], steps);
        // Inference form (no record) gives the same bits as well.
        float[] plainState = (float[])initial.Clone();
        var plainOutputs = new float[L * steps * H];
        layer.Forward(inputs, plainState, plainOutputs, [], steps);
        Assert.Equal(outputs, plainOutputs);

        float[] state = (float[])initial.Clone();
        for (int t = 0; t < steps; t++)
        {
            layer.Step(inputs.AsSpan(t * layer.In, layer.In), state);
            for (int k = 0; k < L; k++)
            {
                Assert.True(state.AsSpan(k * H, H).SequenceEqual(outputs.AsSpan((k * steps + t) * H, H)), $"{name}: layer {k} differs at step {t}");
            }
        }
        Assert.Equal(sequenceState, state);
    }

    [Theory]
    [InlineData(false, 1, 8, 1)]
    [InlineData(true, 1, 16, 1)]
    [InlineData(false, 2, 16, 2)]
    [InlineData(true, 3, 8, 2)]
    public void TwoStreamsOnOneNetwork_AreIndependent(bool lstm, int inputSize, int hidden, int layers)
    {
        Layer layer = Random(lstm, inputSize, hidden, layers, seed: 5);
        var rng = new SeededRandom(9);
        int steps = 40;
        float[] a = Draw(ref rng, steps * inputSize, 1f), b = Draw(ref rng, steps * inputSize, 1f);
        float[] alone = new float[layer.StateLength];
        var aloneTrace = new List<float[]>();
        for (int t = 0; t < steps; t++)
        {
            layer.Step(a.AsSpan(t * inputSize, inputSize), alone);
            aloneTrace.Add((float[])alone.Clone());
        }
        float[] sa = new float[layer.StateLength], sb = new float[layer.StateLength];
        for (int t = 0; t < steps; t++)
        {
            layer.Step(b.AsSpan(t * inputSize, inputSize), sb);
            layer.Step(a.AsSpan(t * inputSize, inputSize), sa);
            layer.Step(b.AsSpan(t * inputSize, inputSize), sb); // b runs twice as fast: still no effect on a
            Assert.Equal(aloneTrace[t], sa);
        }
        Assert.NotEqual(sa, sb);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedWindows_CarryTheState_AndEqualTheWholeSequence(bool lstm)
    {
        Layer layer = Random(lstm, 2, 8, 2, seed: 3);
        int steps = 30, window = 7, H = layer.H, L = layer.L, n = layer.In;
        var rng = new SeededRandom(4);
        float[] inputs = Draw(ref rng, steps * n, 1.5f);
        var whole = new float[L * steps * H];
        layer.Forward(inputs, new float[layer.StateLength], whole, new float[layer.RecordPerSequence(steps)], steps);
        var state = new float[layer.StateLength];
        for (int start = 0; start < steps; start += window)
        {
            int len = Math.Min(window, steps - start);
            var outputs = new float[L * len * H];
            layer.Forward(inputs.AsSpan(start * n, len * n), state, outputs, new float[layer.RecordPerSequence(len)], len);
            Assert.True(outputs.AsSpan((L - 1) * len * H).SequenceEqual(whole.AsSpan(((L - 1) * steps + start) * H, len * H)), $"window at {start}");
        }
    }

    // ----- finite differences in double -------------------------------------------------------------------------------

    [Theory]
    [InlineData(false, 1, 8, 1, 6)]
    [InlineData(false, 2, 3, 2, 5)]
    [InlineData(false, 3, 16, 2, 4)]
    [InlineData(true, 1, 16, 1, 6)]
    [InlineData(true, 2, 5, 2, 5)]
    [InlineData(true, 3, 8, 3, 4)]
    public void Gradients_MatchCentralDifferencesOfADoubleReference(bool lstm, int inputSize, int hidden, int layers, int steps)
    {
        Layer layer = Random(lstm, inputSize, hidden, layers, seed: 11);
        var rng = new SeededRandom(12);
        float[] inputs = Draw(ref rng, steps * inputSize, 1.5f), initial = Draw(ref rng, layer.StateLength, 0.5f), targets = Draw(ref rng, steps * hidden, 1f);
        var result = layer.Train(inputs, initial, targets, steps);

        double[] theta = layer.Theta.Select(v => (double)v).ToArray(), x = inputs.Select(v => (double)v).ToArray(), s0 = initial.Select(v => (double)v).ToArray();
        double Loss() => ReferenceLoss(lstm, theta, x, s0, targets, inputSize, hidden, layers, steps);
        Assert.True(Math.Abs(Loss() - result.Loss) <= 1e-6 + 1e-5 * result.Loss, $"loss {result.Loss:R}, reference {Loss():R}");
        CheckAgainstDifferences(theta, result.Gradients, Loss, "∂L/∂θ");
        CheckAgainstDifferences(x, result.Dx, Loss, "∂L/∂x");
        CheckAgainstDifferences(s0, result.DState, Loss, "∂L/∂state₀");
    }

    /// <summary>
    /// Central differences with step 1e-6 in double (truncation and rounding ≈ 1e-10) against the float kernel: the kernel's
    /// float32 rounding through a few dozen operations per step bounds the difference well under 2e-5 + 1e-3·|g|.
    /// </summary>
    private static void CheckAgainstDifferences(double[] values, float[] analytic, Func<double> loss, string what)
    {
        const double Step = 1e-6;
        Assert.Equal(values.Length, analytic.Length);
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            values[i] = v + Step;
            double up = loss();
            values[i] = v - Step;
            double down = loss();
            values[i] = v;
            double numeric = (up - down) / (2 * Step);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-5 + 1e-3 * Math.Abs(numeric), $"{what}[{i}]: kernel {analytic[i]:R}, differences {numeric:R}");
        }
    }

    /// <summary>The cell equations in double over PyTorch's layout; MSE of the top layer's outputs, mean over [steps, H].</summary>
    internal static double ReferenceLoss(bool lstm, double[] theta, double[] x, double[] s0, float[] targets, int inputSize, int hidden, int layers, int steps)
    {
        double[] top = ReferenceForward(lstm, theta, x, s0, inputSize, hidden, layers, steps);
        double sum = 0;
        for (int i = 0; i < top.Length; i++)
        {
            double e = top[i] - targets[i];
            sum += e * e;
        }
        return sum / top.Length;
    }

    internal static double[] ReferenceForward(bool lstm, double[] theta, double[] x, double[] s0, int inputSize, int H, int layers, int steps)
    {
        int gates = lstm ? 4 : 3, offset = 0;
        double[] seq = x;
        for (int k = 0; k < layers; k++)
        {
            int n = k == 0 ? inputSize : H, rows = gates * H;
            int wih = offset, whh = wih + rows * n, bih = whh + rows * H, bhh = bih + rows;
            offset = bhh + rows;
            double[] h = s0.AsSpan(k * H, H).ToArray();
            double[] c = lstm ? s0.AsSpan((layers + k) * H, H).ToArray() : [];
            var next = new double[steps * H];
            for (int t = 0; t < steps; t++)
            {
                var gi = new double[rows];
                var gh = new double[rows];
                for (int r = 0; r < rows; r++)
                {
                    double a = theta[bih + r], b = theta[bhh + r];
                    for (int j = 0; j < n; j++)
                    {
                        a += theta[wih + r * n + j] * seq[t * n + j];
                    }
                    for (int j = 0; j < H; j++)
                    {
                        b += theta[whh + r * H + j] * h[j];
                    }
                    gi[r] = a;
                    gh[r] = b;
                }
                var hNew = new double[H];
                for (int u = 0; u < H; u++)
                {
                    if (lstm)
                    {
                        double i = Sigmoid(gi[u] + gh[u]), f = Sigmoid(gi[H + u] + gh[H + u]);
                        double g = Math.Tanh(gi[2 * H + u] + gh[2 * H + u]), o = Sigmoid(gi[3 * H + u] + gh[3 * H + u]);
                        c[u] = f * c[u] + i * g;
                        hNew[u] = o * Math.Tanh(c[u]);
                    }
                    else
                    {
                        double r = Sigmoid(gi[u] + gh[u]), z = Sigmoid(gi[H + u] + gh[H + u]);
                        double nn = Math.Tanh(gi[2 * H + u] + r * gh[2 * H + u]);
                        hNew[u] = (1 - z) * nn + z * h[u];
                    }
                }
                h = hNew;
                h.CopyTo(next, t * H);
            }
            seq = next;
        }
        return seq;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    // ----- allocation, arguments, PyTorch state dict --------------------------------------------------------------------

    [Fact]
    public void StepSequenceAndBackward_AllocateNothing()
    {
        foreach (bool lstm in new[] { false, true })
        {
            foreach ((int n, int h, int l) in new[] { (1, 8, 1), (1, 16, 1), (3, 5, 2), (2, 24, 1) })
            {
                Layer layer = Random(lstm, n, h, l, seed: 1);
                int steps = 8;
                var rng = new SeededRandom(2);
                float[] x = Draw(ref rng, steps * n, 1f), state = new float[layer.StateLength], s0 = new float[layer.StateLength];
                var outputs = new float[l * steps * h];
                var record = new float[layer.RecordPerSequence(steps)];
                var dh = new float[steps * h];
                var grads = new float[layer.Theta.Length];
                var dx = new float[steps * n];
                var dState = new float[layer.StateLength];
                var scratch = new float[layer.ScratchLength(steps)];
                layer.Step(x.AsSpan(0, n), state);
                layer.Forward(x, state, outputs, record, steps);
                layer.Backward(x, s0, outputs, record, dh, grads, dx, dState, scratch, steps);
                long bytes = Allocations.Minimum(() =>
                {
                    for (int i = 0; i < 1000; i++)
                    {
                        layer.Step(x.AsSpan(0, n), state);
                    }
                });
                Assert.True(bytes == 0, $"{(lstm ? "LSTM" : "GRU")} {n}→{h}×{l}: Step allocated {bytes} bytes");
                bytes = Allocations.Minimum(() =>
                {
                    layer.Forward(x, state, outputs, record, steps);
                    layer.Backward(x, s0, outputs, record, dh, grads, dx, dState, scratch, steps);
                });
                Assert.True(bytes == 0, $"{(lstm ? "LSTM" : "GRU")} {n}→{h}×{l}: sequence forward + backward allocated {bytes} bytes");
            }
        }
    }

    [Fact]
    public void WrongLengths_ThrowNamingTheArgument_AndChangeNothing()
    {
        Layer gru = Random(false, 2, 8, 2, seed: 1);
        var h = new float[16];
        h[3] = 0.5f;
        var ex = Assert.Throws<ArgumentException>(() => RecurrentKernels.GruStep(gru.Packed, new float[3], h, 2, 8, 2));
        Assert.Equal("x", ex.ParamName);
        Assert.Contains("length 3", ex.Message);
        Assert.Contains("needs 2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => RecurrentKernels.GruStep(gru.Packed, new float[2], new float[8], 2, 8, 2));
        Assert.Equal("h", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => RecurrentKernels.GruStep(gru.Theta, new float[2], h, 2, 8, 2));
        Assert.Equal("packed", ex.ParamName);
        Assert.Equal(0.5f, h[3]);
        Assert.Equal(0f, h[0]);

        Layer lstm = Random(true, 1, 16, 1, seed: 1);
        ex = Assert.Throws<ArgumentException>(() => RecurrentKernels.LstmStep(lstm.Packed, new float[1], new float[16], new float[15], 1, 16));
        Assert.Equal("c", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() =>
            RecurrentKernels.LstmForwardSequence(lstm.Packed, new float[5], new float[16], new float[16], new float[80], new float[7], 5, 1, 16));
        Assert.Equal("record", ex.ParamName);
        Assert.Contains("or 0 to skip it", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => RecurrentKernels.LstmBackwardSequence(lstm.Theta, new float[5], new float[16], new float[16],
            new float[80], new float[RecurrentKernels.LstmRecordLength(16, 5)], new float[80], new float[lstm.Theta.Length], [], [], new float[10], 5, 1, 16));
        Assert.Equal("scratch", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>("hiddenSize", () => RecurrentKernels.GruParameterCount(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>("layers", () => RecurrentKernels.LstmPackedLength(1, 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>("steps", () =>
            RecurrentKernels.GruForwardSequence(gru.Packed, [], new float[16], [], [], -1, 2, 8, 2));
    }

    [Fact]
    public void Sizes_AreThePyTorchStateDictAndTheDocumentedBuffers()
    {
        // nn.GRU(1, 8): 3·8·1 + 3·8·8 + 2·3·8 = 264; nn.LSTM(1, 16, num_layers=2): (4·16·1 + 4·16·16 + 128) + (4·16·16·2 + 128) = 3392 + ...
        Assert.Equal(264, RecurrentKernels.GruParameterCount(1, 8));
        Assert.Equal(4 * 16 * 1 + 4 * 16 * 16 + 8 * 16 + 4 * 16 * 32 + 8 * 16, RecurrentKernels.LstmParameterCount(1, 16, 2));
        Assert.Equal(3 * 8 * 10 + 8, RecurrentKernels.GruPackedLength(1, 8));
        Assert.Equal(4 * 16 * 18, RecurrentKernels.LstmPackedLength(1, 16));
        Assert.Equal(2 * 5 * 4 * 8, RecurrentKernels.GruRecordLength(8, 5, 2));
        Assert.Equal(5 * 6 * 16, RecurrentKernels.LstmRecordLength(16, 5));
        Assert.Equal(6 * 8, RecurrentKernels.GruBackwardScratchLength(8, 100));
        Assert.Equal(7 * 8 + 2 * 100 * 8, RecurrentKernels.LstmBackwardScratchLength(8, 100, 3));
    }

    [Fact]
    public void Gru3StateDict_LoadedByName_GivesPyTorchsOutputs()
    {
        JsonElement f = Root.GetProperty("gru3_state_dict");
        int n = f.GetProperty("input_size").GetInt32(), h = f.GetProperty("hidden_size").GetInt32(), layers = f.GetProperty("layers").GetInt32();
        int steps = f.GetProperty("steps").GetInt32();
        JsonElement dict = f.GetProperty("state_dict");
        // NetGen's layout, spelled out by name: per layer k the four tensors in this order.
        var theta = new List<float>();
        for (int k = 0; k < layers; k++)
        {
            foreach (string tensor in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" })
            {
                JsonElement t = dict.GetProperty($"{tensor}_l{k}");
                int[] shape = t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                int expectedCols = tensor == "weight_ih" ? (k == 0 ? n : h) : h;
                Assert.Equal(tensor.StartsWith("weight", StringComparison.Ordinal) ? [3 * h, expectedCols] : new[] { 3 * h }, shape);
                theta.AddRange(F(t, "values"));
            }
        }
        Assert.Equal(RecurrentKernels.GruParameterCount(n, h, layers), theta.Count);
        Assert.Equal(4 * layers, dict.EnumerateObject().Count());
        var packed = new float[RecurrentKernels.GruPackedLength(n, h, layers)];
        RecurrentKernels.GruPack(theta.ToArray(), packed, n, h, layers);
        float[] inputs = F(f, "inputs");
        var state = new float[layers * h];
        var top = new float[steps * h];
        for (int t = 0; t < steps; t++)
        {
            RecurrentKernels.GruStep(packed, inputs.AsSpan(t * n, n), state, n, h, layers);
            state.AsSpan((layers - 1) * h, h).CopyTo(top.AsSpan(t * h));
        }
        AssertClose(D(f, "outputs"), top, "nn.GRU(num_layers=3) outputs");
    }

    // ----- helpers ------------------------------------------------------------------------------------------------------

    internal static Layer Random(bool lstm, int inputSize, int hidden, int layers, long seed)
    {
        int count = lstm ? RecurrentKernels.LstmParameterCount(inputSize, hidden, layers) : RecurrentKernels.GruParameterCount(inputSize, hidden, layers);
        var rng = new SeededRandom(seed);
        return new Layer { Lstm = lstm, In = inputSize, H = hidden, L = layers, Theta = Draw(ref rng, count, 0.6f) }.Pack();
    }

    internal static float[] Draw(ref SeededRandom rng, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        }
        return values;
    }
}
