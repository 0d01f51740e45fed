using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// The streaming surface that the generator will write for a network with recurrent layers (issue 10; design in
/// docs/architecture.md, "Streaming (stateful) layers"), written here by hand for 1 → GRU(8, Layers = 2) → Dense(1) on the
/// runtime kernels, so that its rules are pinned by tests before the generator emits them: the packed copy of the weights is
/// rebuilt after any change of <c>Parameters</c> (each read of <c>Parameters</c> marks it stale; <c>Step</c> checks one
/// flag), <c>Step</c> allocates nothing, <c>ForwardSequence</c> ≡ <c>steps</c> × <c>Step</c> after <c>ResetState</c> bit for
/// bit, caller-owned states make independent streams on one read-only network, and <c>BackwardSequence</c> is backprop
/// through time with the loss = the mean over <c>[steps, outputs]</c> (PyTorch's <c>reduction='mean'</c>).
/// </summary>
public class StreamingSurfaceTests
{
    /// <summary>The hand-written twin of a generated <c>1 → [GRU(8, Layers = 2)] → [Dense(1)]</c> network with an MSE loss.</summary>
    internal sealed class GruDenseNet
    {
        public const int InputSize = 1, Hidden = 8, GruLayers = 2, OutputSize = 1;
        public const int StateCount = GruLayers * Hidden;
        private static readonly int s_gruCount = RecurrentKernels.GruParameterCount(InputSize, Hidden, GruLayers);
        public static readonly int ParameterCount = s_gruCount + OutputSize * Hidden + OutputSize;

        private readonly float[] _theta = new float[ParameterCount];
        private readonly float[] _gradients = new float[ParameterCount];
        private readonly float[] _packed = new float[RecurrentKernels.GruPackedLength(InputSize, Hidden, GruLayers)];
        private State _state;
        private volatile bool _packedStale = true;

        /// <summary>The caller-owned state of one stream: every layer's h, all zeros = the zero state.</summary>
        [InlineArray(StateCount)]
        public struct State
        {
            private float _element;
        }

        public GruDenseNet(int seed)
        {
            var random = new Random(seed);
            foreach (ref float t in _theta.AsSpan())
            {
                t = (float)(random.NextDouble() - 0.5);
            }
        }

        /// <summary>θ; every read marks the packed copy stale, so a write through the returned span is seen by the next step.</summary>
        public Span<float> Parameters
        {
            get
            {
                _packedStale = true;
                return _theta;
            }
        }

        public Span<float> Gradients => _gradients;

        public void ResetState() => _state = default;

        public void Step(ReadOnlySpan<float> input, Span<float> output) => Step(ref _state, input, output);

        /// <summary>One time step of the stream whose state is <paramref name="state"/>; θ is only read.</summary>
        public void Step(ref State state, ReadOnlySpan<float> input, Span<float> output)
        {
            if (_packedStale)
            {
                Repack();
            }
            Span<float> h = state;
            RecurrentKernels.GruStep(_packed, input, h, InputSize, Hidden, GruLayers);
            Dense(h.Slice((GruLayers - 1) * Hidden), output);
        }

        public void ForwardSequence(ReadOnlySpan<float> inputs, Span<float> outputs, int steps)
        {
            if (_packedStale)
            {
                Repack();
            }
            Span<float> h = stackalloc float[StateCount];
            h.Clear();
            float[] hidden = new float[GruLayers * steps * Hidden];
            RecurrentKernels.GruForwardSequence(_packed, inputs, h, hidden, default, steps, InputSize, Hidden, GruLayers);
            ReadOnlySpan<float> top = hidden.AsSpan((GruLayers - 1) * steps * Hidden);
            for (int t = 0; t < steps; t++)
            {
                Dense(top.Slice(t * Hidden, Hidden), outputs.Slice(t * OutputSize, OutputSize));
            }
        }

        /// <summary>BPTT from the zero state: adds ∂L/∂θ to <see cref="Gradients"/>, returns L = mean over [steps, outputs] of (ŷ − y)².</summary>
        public float BackwardSequence(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int steps)
        {
            State zero = default;
            return BackwardSequence(ref zero, inputs, targets, steps);
        }

        /// <summary>
        /// Truncated BPTT over one window: starts from <paramref name="state"/> (held constant: no gradient flows into it) and
        /// leaves the window's final state in it, so the next window continues the stream.
        /// </summary>
        public float BackwardSequence(ref State state, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int steps)
        {
            if (_packedStale)
            {
                Repack();
            }
            float[] initial = ((ReadOnlySpan<float>)state).ToArray();
            float[] h = (float[])initial.Clone();
            float[] hidden = new float[GruLayers * steps * Hidden];
            float[] record = new float[RecurrentKernels.GruRecordLength(Hidden, steps, GruLayers)];
            RecurrentKernels.GruForwardSequence(_packed, inputs, h, hidden, record, steps, InputSize, Hidden, GruLayers);
            ReadOnlySpan<float> top = hidden.AsSpan((GruLayers - 1) * steps * Hidden);
            ReadOnlySpan<float> w = _theta.AsSpan(s_gruCount, OutputSize * Hidden);
            Span<float> gw = _gradients.AsSpan(s_gruCount, OutputSize * Hidden), gb = _gradients.AsSpan(s_gruCount + OutputSize * Hidden, OutputSize);
            float[] deltaH = new float[steps * Hidden];
            Span<float> y = stackalloc float[OutputSize];
            double loss = 0;
            float scale = 2f / (steps * OutputSize);
            for (int t = 0; t < steps; t++)
            {
                ReadOnlySpan<float> ht = top.Slice(t * Hidden, Hidden);
                Dense(ht, y);
                for (int o = 0; o < OutputSize; o++)
                {
                    float e = y[o] - targets[t * OutputSize + o];
                    loss += (double)e * e;
                    float d = scale * e;
                    gb[o] += d;
                    for (int j = 0; j < Hidden; j++)
                    {
                        gw[o * Hidden + j] += d * ht[j];
                        deltaH[t * Hidden + j] += w[o * Hidden + j] * d;
                    }
                }
            }
            RecurrentKernels.GruBackwardSequence(_theta.AsSpan(0, s_gruCount), inputs, initial, hidden, record, deltaH,
                _gradients.AsSpan(0, s_gruCount), default, default, new float[RecurrentKernels.GruBackwardScratchLength(Hidden, steps, GruLayers)],
                steps, InputSize, Hidden, GruLayers);
            h.CopyTo((Span<float>)state);
            return (float)(loss / (steps * OutputSize));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Repack()
        {
            RecurrentKernels.GruPack(_theta.AsSpan(0, s_gruCount), _packed, InputSize, Hidden, GruLayers);
            _packedStale = false;
        }

        private void Dense(ReadOnlySpan<float> h, Span<float> output)
        {
            ReadOnlySpan<float> w = _theta.AsSpan(s_gruCount, OutputSize * Hidden), b = _theta.AsSpan(s_gruCount + OutputSize * Hidden, OutputSize);
            for (int o = 0; o < OutputSize; o++)
            {
                float sum = b[o];
                for (int j = 0; j < Hidden; j++)
                {
                    sum = MathF.FusedMultiplyAdd(w[o * Hidden + j], h[j], sum);
                }
                output[o] = sum;
            }
        }
    }

    private static float[] Signal(int steps, int seed)
    {
        var random = new Random(seed);
        var x = new float[steps];
        for (int t = 0; t < steps; t++)
        {
            x[t] = (float)Math.Sin(0.3 * t) + 0.1f * (float)(random.NextDouble() - 0.5);
        }
        return x;
    }

    private static float[] Stepped(GruDenseNet net, float[] inputs)
    {
        net.ResetState();
        var y = new float[inputs.Length];
        for (int t = 0; t < inputs.Length; t++)
        {
            net.Step(inputs.AsSpan(t, 1), y.AsSpan(t, 1));
        }
        return y;
    }

    [Fact]
    public void Step_EqualsForwardSequence_BitForBit()
    {
        var net = new GruDenseNet(1);
        float[] x = Signal(200, 2);
        var whole = new float[x.Length];
        net.ForwardSequence(x, whole, x.Length);
        Assert.Equal(whole, Stepped(net, x));
    }

    [Fact]
    public void WriteIntoParameters_IsSeenByTheNextStep()
    {
        var net = new GruDenseNet(3);
        float[] x = Signal(50, 4);
        float[] before = Stepped(net, x);
        net.Parameters[5] += 0.25f;                    // a GRU weight: the packed copy must be rebuilt
        float[] after = Stepped(net, x);
        var fresh = new GruDenseNet(3);
        fresh.Parameters[5] += 0.25f;
        Assert.NotEqual(before, after);
        Assert.Equal(Stepped(fresh, x), after);
    }

    [Fact]
    public void ParametersReadAgain_AfterSteps_AreSeen()
    {
        // The rule: a span of Parameters kept across a Step is a view of θ but does not mark the packed copy stale again;
        // read Parameters again (optimizers and loaders do, once per update) before the next step.
        var net = new GruDenseNet(5);
        float[] x = Signal(30, 6);
        Span<float> theta = net.Parameters;
        Stepped(net, x);
        theta[7] -= 0.5f;
        _ = net.Parameters;
        var fresh = new GruDenseNet(5);
        fresh.Parameters[7] -= 0.5f;
        Assert.Equal(Stepped(fresh, x), Stepped(net, x));
    }

    [Fact]
    public void TwoStreams_OnOneNetwork_AreIndependent()
    {
        var net = new GruDenseNet(7);
        float[] a = Signal(64, 8), b = Signal(64, 9);
        var expectedA = new float[64];
        var expectedB = new float[64];
        net.ForwardSequence(a, expectedA, 64);
        net.ForwardSequence(b, expectedB, 64);
        GruDenseNet.State sa = default, sb = default;
        var ya = new float[64];
        var yb = new float[64];
        for (int t = 0; t < 64; t++)
        {
            net.Step(ref sa, a.AsSpan(t, 1), ya.AsSpan(t, 1));
            net.Step(ref sb, b.AsSpan(t, 1), yb.AsSpan(t, 1));
        }
        Assert.Equal(expectedA, ya);
        Assert.Equal(expectedB, yb);
    }

    [Fact]
    public void StreamsOnThreads_AfterAParameterWrite_GiveTheSequenceResult()
    {
        var net = new GruDenseNet(11);
        net.Parameters[3] *= -1f;                      // stale: the first steps on both threads may repack at once
        float[] x = Signal(500, 12);
        var expected = new float[x.Length];
        var reference = new GruDenseNet(11);
        reference.Parameters[3] *= -1f;
        reference.ForwardSequence(x, expected, x.Length);
        var results = new float[4][];
        var threads = new Thread[4];
        for (int i = 0; i < threads.Length; i++)
        {
            int k = i;
            threads[i] = new Thread(() =>
            {
                GruDenseNet.State s = default;
                var y = new float[x.Length];
                for (int t = 0; t < x.Length; t++)
                {
                    net.Step(ref s, x.AsSpan(t, 1), y.AsSpan(t, 1));
                }
                results[k] = y;
            });
        }
        foreach (Thread t in threads)
        {
            t.Start();
        }
        foreach (Thread t in threads)
        {
            t.Join();
        }
        foreach (float[] y in results)
        {
            Assert.Equal(expected, y);
        }
    }

    [Fact]
    public void Step_AllocatesNothing()
    {
        var net = new GruDenseNet(13);
        float[] x = Signal(1000, 14);
        var y = new float[1];
        Stepped(net, x);
        long bytes = Allocations.Minimum(() =>
        {
            for (int t = 0; t < x.Length; t++)
            {
                net.Step(x.AsSpan(t, 1), y);
            }
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void BackwardSequence_MatchesFiniteDifferencesOfTheMeanLoss()
    {
        const int Steps = 12;
        var net = new GruDenseNet(15);
        float[] x = Signal(Steps, 16), target = Signal(Steps, 17);
        for (int t = 0; t < Steps; t++)
        {
            target[t] = MathF.Tanh(2 * target[t]);
        }
        float loss = net.BackwardSequence(x, target, Steps);
        var outputs = new float[Steps];
        net.ForwardSequence(x, outputs, Steps);
        double direct = 0;
        for (int t = 0; t < Steps; t++)
        {
            direct += Math.Pow(outputs[t] - target[t], 2);
        }
        Assert.Equal(direct / Steps, loss, 6);

        float[] g = net.Gradients.ToArray();
        for (int i = 0; i < GruDenseNet.ParameterCount; i += 7)
        {
            float saved = net.Parameters[i];
            const float Eps = 1e-2f;
            net.Parameters[i] = saved + Eps;
            double plus = Loss(net, x, target);
            net.Parameters[i] = saved - Eps;
            double minus = Loss(net, x, target);
            net.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * Eps);
            Assert.True(Math.Abs(numeric - g[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric), $"∂L/∂θ[{i}]: {g[i]:R}, finite differences {numeric:R}");
        }
    }

    [Fact]
    public void WholeNetwork_MatchesPyTorch_OutputsLossAndEveryGradient()
    {
        // Fixtures/pytorch-recurrent/networks.json, from tests/pytorch/make_streaming_network_fixtures.py.
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-recurrent", "networks.json")));
        JsonElement c = doc.RootElement.GetProperty("networks")[0];
        Assert.Equal("gru8x2_dense1", c.GetProperty("name").GetString());
        Assert.Equal("[Input(1)][GRU(8, Layers = 2)][Dense(1)]", c.GetProperty("declaration").GetString());
        int steps = c.GetProperty("steps").GetInt32();
        float[] theta = PyTorchFixtureTests.Floats(c.GetProperty("parameters"));
        float[] x = PyTorchFixtureTests.Floats(c.GetProperty("inputs")), target = PyTorchFixtureTests.Floats(c.GetProperty("targets"));
        var net = new GruDenseNet(0);
        theta.CopyTo(net.Parameters);

        var y = new float[steps];
        net.ForwardSequence(x, y, steps);
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("outputs")), y, "outputs");
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("outputs")), Stepped(net, x), "stepped outputs");

        float loss = net.BackwardSequence(x, target, steps);
        RecurrentKernelTests.AssertClose([c.GetProperty("loss").GetDouble()], [loss], "loss");
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("gradients")), net.Gradients, "gradients");
    }

    [Fact]
    public void TruncatedWindows_CarryTheState_AndTheirGradientsSumToTheWindowedLoss()
    {
        // Two windows of 10 steps: the second starts from the first's final state, which BPTT holds constant.
        const int Window = 10;
        var net = new GruDenseNet(19);
        float[] x = Signal(2 * Window, 20), target = Signal(2 * Window, 21);
        GruDenseNet.State carried = default;
        float first = net.BackwardSequence(ref carried, x.AsSpan(0, Window), target.AsSpan(0, Window), Window);
        GruDenseNet.State afterFirst = carried;
        float second = net.BackwardSequence(ref carried, x.AsSpan(Window), target.AsSpan(Window), Window);

        // The carried state is the stream's: stepping the whole series gives the same final state and outputs.
        net.ResetState();
        GruDenseNet.State stepped = default;
        var y = new float[1];
        for (int t = 0; t < 2 * Window; t++)
        {
            net.Step(ref stepped, x.AsSpan(t, 1), y);
            if (t == Window - 1)
            {
                Assert.Equal(((ReadOnlySpan<float>)afterFirst).ToArray(), ((ReadOnlySpan<float>)stepped).ToArray());
            }
        }
        Assert.Equal(((ReadOnlySpan<float>)stepped).ToArray(), ((ReadOnlySpan<float>)carried).ToArray());

        // ∂/∂θ of first + second with the second window's start state held fixed, by central differences.
        float[] g = net.Gradients.ToArray();
        double Windowed()
        {
            GruDenseNet.State s = default;
            double a = WindowLoss(net, ref s, x.AsSpan(0, Window), target.AsSpan(0, Window));
            GruDenseNet.State fixedStart = afterFirst;
            return a + WindowLoss(net, ref fixedStart, x.AsSpan(Window), target.AsSpan(Window));
        }
        Assert.Equal(first + second, Windowed(), 5);
        for (int i = 1; i < GruDenseNet.ParameterCount; i += 11)
        {
            float saved = net.Parameters[i];
            const float Eps = 1e-2f;
            net.Parameters[i] = saved + Eps;
            double plus = Windowed();
            net.Parameters[i] = saved - Eps;
            double minus = Windowed();
            net.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * Eps);
            Assert.True(Math.Abs(numeric - g[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric), $"∂L/∂θ[{i}]: {g[i]:R}, finite differences {numeric:R}");
        }
    }

    private static double WindowLoss(GruDenseNet net, ref GruDenseNet.State state, ReadOnlySpan<float> x, ReadOnlySpan<float> target)
    {
        var y = new float[1];
        double sum = 0;
        for (int t = 0; t < x.Length; t++)
        {
            net.Step(ref state, x.Slice(t, 1), y);
            sum += Math.Pow(y[0] - target[t], 2);
        }
        return sum / x.Length;
    }

    private static double Loss(GruDenseNet net, float[] x, float[] target)
    {
        var y = new float[x.Length];
        net.ForwardSequence(x, y, x.Length);
        double sum = 0;
        for (int t = 0; t < x.Length; t++)
        {
            sum += Math.Pow(y[t] - target[t], 2);
        }
        return sum / x.Length;
    }
}
