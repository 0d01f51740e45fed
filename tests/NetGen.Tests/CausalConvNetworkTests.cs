using System.Text.Json;
using System.Threading;
using NetGen.IO;
using NetGen.Kernels;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// Generated networks with the causal streaming [Conv1D] after [Input(n)] (issue 10b) through their public surface: PyTorch's
/// outputs over a sequence and streamed, loss and every gradient after backprop through time (alone, a dilated stack, mixed with
/// GRU, LSTM and Dense); finite differences; Step ≡ ForwardSequence bit for bit; independent streams; truncated windows; 0 bytes.
/// </summary>
public class CausalConvNetworkTests
{
    private static readonly JsonElement s_root = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-recurrent", "causal_networks.json"))).RootElement;

    private static ISequenceTrainable Create(string name, int seed = 42) => name switch
    {
        "causal12k5" => new CausalConv12(seed),
        "causal_tcn_d1_d2_d4_dense1" => new CausalTcn(seed),
        "causal6k3tanh_gru5_dense1" => new CausalConvGru(seed),
        "gru4_causal3k2d2tanh_dense2" => new GruCausalConv(seed),
        "causal3k1_lstm4_causal1k4sigmoid" => new CausalLstmCausal(seed),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in s_root.GetProperty("networks").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static JsonElement Case(string name) =>
        s_root.GetProperty("networks").EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    private static float[] Stepped(IStreamingNetwork net, float[] inputs, int steps)
    {
        net.ResetState();
        var y = new float[steps * net.OutputSize];
        for (int t = 0; t < steps; t++)
        {
            net.Step(inputs.AsSpan(t * net.InputSize, net.InputSize), y.AsSpan(t * net.OutputSize, net.OutputSize));
        }
        return y;
    }

    private static float[] Signal(int length, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = MathF.Sin(0.37f * i) * 0.8f + 0.2f * (float)(random.NextDouble() - 0.5);
        }
        return x;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch_OutputsSteppedOutputsLossAndEveryGradientAfterBptt(string name)
    {
        JsonElement c = Case(name);
        ISequenceTrainable net = Create(name);
        int steps = c.GetProperty("steps").GetInt32();
        Assert.Equal(c.GetProperty("input_size").GetInt32(), net.InputSize);
        Assert.Equal(c.GetProperty("output_size").GetInt32(), net.OutputSize);
        Assert.Equal(c.GetProperty("loss_kind").GetString(), net.Loss.ToString());
        float[] theta = PyTorchFixtureTests.Floats(c.GetProperty("parameters"));
        Assert.Equal(theta.Length, net.ParameterCount);
        theta.CopyTo(net.Parameters);

        // nn.Conv1d's names and shapes ([filters, channels, k], then bias), numbered as the nn.Sequential.
        StateTensor[] tensors = StateDict.Tensors(net);
        Assert.Equal(c.GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToArray(), tensors.Select(t => t.Name).ToArray());
        int[][] shapes = c.GetProperty("shapes").EnumerateArray().Select(e => e.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(shapes, tensors.Select(t => t.Shape.ToArray()).ToArray());

        float[] x = PyTorchFixtureTests.Floats(c.GetProperty("inputs")), target = PyTorchFixtureTests.Floats(c.GetProperty("targets"));
        var y = new float[steps * net.OutputSize];
        net.ForwardSequence(x, y, steps);
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("outputs")), y, "outputs");
        float[] stepped = Stepped(net, x, steps);
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("stepped_outputs")), stepped, "stepped outputs");
        Assert.Equal(y, stepped);

        var evaluated = new float[y.Length];
        float evaluatedLoss = net.EvaluateSequence(x, target, evaluated, steps);
        Assert.Equal(y, evaluated);
        float loss = net.BackwardSequence(x, target, steps);
        Assert.Equal(evaluatedLoss, loss, 6);
        RecurrentKernelTests.AssertClose([c.GetProperty("loss").GetDouble()], [loss], "loss");
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("gradients")), net.Gradients, "gradients");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_MatchFiniteDifferencesOfTheSequenceLoss(string name)
    {
        ISequenceTrainable net = Create(name, 3);
        JsonElement c = Case(name);
        int steps = 9;
        float[] x = Signal(steps * net.InputSize, 1);
        float[] target = PyTorchFixtureTests.Floats(c.GetProperty("targets")).AsSpan(0, steps * net.OutputSize).ToArray();
        net.ZeroGradients();
        net.BackwardSequence(x, target, steps);
        float[] g = net.Gradients.ToArray();
        var outputs = new float[steps * net.OutputSize];
        int checkedCount = 0;
        for (int i = 0; i < net.ParameterCount; i += 3)
        {
            float saved = net.Parameters[i];
            const float Eps = 1e-2f;
            net.Parameters[i] = saved + Eps;
            double plus = net.EvaluateSequence(x, target, outputs, steps);
            net.Parameters[i] = saved - Eps;
            double minus = net.EvaluateSequence(x, target, outputs, steps);
            net.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * Eps);
            Assert.True(Math.Abs(numeric - g[i]) <= 2e-3 + 3e-2 * Math.Abs(numeric),
                $"{name} ∂L/∂θ[{i}] ({net.Layers.First(l => l.Contains(i)).DescribeParameter(i)}): {g[i]:R}, finite differences {numeric:R}");
            checkedCount++;
        }
        Assert.True(checkedCount > 8);
    }

    [Fact]
    public void GeneratedStep_IsTheKernelsUnpackedStep_BitForBit()
    {
        // CausalConv12 is one convolution: its packed, vectorised step must give the plain kernel's bits (each output one chain
        // of fused multiply-adds in the same order), and its State is the kernel's history.
        var net = new CausalConv12(8);
        Assert.Equal(5, CausalConvKernels.HistoryLength(1, 5));
        Assert.Equal(4 + 1, CausalConv12.StateCount);
        float[] theta = net.Parameters.ToArray();
        float[] x = Signal(300, 2);
        float[] streamed = Stepped(net, x, x.Length);
        var history = new float[CausalConvKernels.HistoryLength(1, 5)];
        var expected = new float[x.Length * 12];
        CausalConvKernels.ForwardSequence(theta.AsSpan(0, 60), theta.AsSpan(60, 12), x, history, expected, x.Length, 1, 12, 5);
        Assert.Equal(expected, streamed);
    }

    [Fact]
    public void TwoStreams_OnOneNetwork_AreIndependent_AndTheInstanceStreamIsLeftAlone()
    {
        var net = new CausalTcn(5);
        float[] a = Signal(2 * 40, 8), b = Signal(2 * 40, 9);
        var expectedA = new float[40];
        var expectedB = new float[40];
        net.ForwardSequence(a, expectedA, 40);
        net.ForwardSequence(b, expectedB, 40);
        CausalTcn.State sa = default, sb = default;
        var ya = new float[40];
        var yb = new float[40];
        var own = new float[1];
        net.ResetState();
        net.Step(a.AsSpan(0, 2), own);
        for (int t = 0; t < 40; t++)
        {
            net.Step(ref sa, a.AsSpan(2 * t, 2), ya.AsSpan(t, 1));
            net.Step(ref sb, b.AsSpan(2 * t, 2), yb.AsSpan(t, 1));
        }
        Assert.Equal(expectedA, ya);
        Assert.Equal(expectedB, yb);
        Assert.NotEqual(expectedA, expectedB);
        net.Step(a.AsSpan(2, 2), own);                 // the instance's stream continued from its own first step
        Assert.Equal(expectedA[1], own[0]);
        net.ResetState();
        net.Step(a.AsSpan(0, 2), own);
        Assert.Equal(expectedA[0], own[0]);
    }

    [Fact]
    public void StreamsOnFourThreads_ShareOneNetwork()
    {
        var net = new CausalConvGru(11);
        net.Parameters[3] *= -1f;                      // stale: the first steps on every thread may repack at once
        float[] x = Signal(400, 12);
        var expected = new float[x.Length];
        var reference = new CausalConvGru(11);
        reference.Parameters[3] *= -1f;
        reference.ForwardSequence(x, expected, x.Length);
        var results = new float[4][];
        Thread[] threads = Enumerable.Range(0, 4).Select(k => new Thread(() =>
        {
            CausalConvGru.State s = default;
            var y = new float[x.Length];
            for (int t = 0; t < x.Length; t++)
            {
                net.Step(ref s, x.AsSpan(t, 1), y.AsSpan(t, 1));
            }
            results[k] = y;
        })).ToArray();
        foreach (Thread t in threads)
        {
            t.Start();
        }
        foreach (Thread t in threads)
        {
            t.Join();
        }
        Assert.All(results, y => Assert.Equal(expected, y));
    }

    [Fact]
    public void TruncatedWindows_CarryTheHistory_LikeTheStream_AndTheirLossIsTheStreamsLoss()
    {
        // Windows of BackwardSequence(ref State, …) end in the stream's state (every convolution's ring of past frames), and a
        // window started from a carried state reads the frames before it from that history: its loss is the stream's loss there.
        const int Window = 10;
        var net = new CausalTcn(19);
        float[] x = Signal(2 * 3 * Window, 20), target = Signal(3 * Window, 21);
        CausalTcn.State carried = default;
        float last = 0f;
        for (int w = 0; w < 3; w++)
        {
            CausalTcn.State before = carried;
            last = net.BackwardSequence(ref carried, x.AsSpan(2 * w * Window, 2 * Window), target.AsSpan(w * Window, Window), Window);
            Assert.NotEqual(((ReadOnlySpan<float>)before).ToArray(), ((ReadOnlySpan<float>)carried).ToArray());
        }
        CausalTcn.State stepped = default;
        var y = new float[1];
        for (int t = 0; t < 3 * Window; t++)
        {
            net.Step(ref stepped, x.AsSpan(2 * t, 2), y);
        }
        Assert.Equal(((ReadOnlySpan<float>)stepped).ToArray(), ((ReadOnlySpan<float>)carried).ToArray());

        var all = new float[3 * Window];
        net.ForwardSequence(x, all, 3 * Window);
        double expected = 0;
        for (int t = 2 * Window; t < 3 * Window; t++)
        {
            expected += (all[t] - target[t]) * (all[t] - target[t]);
        }
        Assert.Equal(expected / Window, last, 5);
    }

    [Fact]
    public void Step_ForwardSequence_BackwardSequence_AndTrainStep_AllocateNothing()
    {
        var conv = new CausalConv12(1);
        var tcn = new CausalTcn(2);
        var mixed = new GruCausalConv(3);
        float[] x = Signal(2000, 14), target = Signal(2000, 15);
        var y12 = new float[12];
        var y1 = new float[1];
        var y2 = new float[2];
        Stepped(conv, x, 10);
        Stepped(tcn, x, 10);
        Stepped(mixed, x, 10);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int t = 0; t < 1000; t++)
            {
                conv.Step(x.AsSpan(t, 1), y12);
                tcn.Step(x.AsSpan(2 * t, 2), y1);
                mixed.Step(x.AsSpan(2 * t, 2), y2);
            }
        }));
        var outputs = new float[500];
        tcn.BackwardSequence(x.AsSpan(0, 1000), target.AsSpan(0, 500), 500);
        tcn.TrainStep(x.AsSpan(0, 2), target.AsSpan(0, 1), 0.01f);
        tcn.TrainStepBatch(x.AsSpan(0, 8), target.AsSpan(0, 4), 4, 0.01f);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            tcn.BackwardSequence(x.AsSpan(0, 1000), target.AsSpan(0, 500), 500);
            tcn.ForwardSequence(x.AsSpan(0, 1000), outputs, 500);
            tcn.TrainStep(x.AsSpan(0, 2), target.AsSpan(0, 1), 0.01f);
            tcn.TrainStepBatch(x.AsSpan(0, 8), target.AsSpan(0, 4), 4, 0.01f);
        }));
    }

    [Fact]
    public void ParameterWrite_IsSeenByTheNextStep()
    {
        var net = new CausalConv12(3);
        float[] x = Signal(50, 4);
        float[] before = Stepped(net, x, 50);
        net.Parameters[2] += 0.25f;                    // W[0, 0, 2]
        float[] after = Stepped(net, x, 50);
        var fresh = new CausalConv12(3);
        fresh.Parameters[2] += 0.25f;
        Assert.NotEqual(before, after);
        Assert.Equal(Stepped(fresh, x, 50), after);
    }

    [Fact]
    public void LayerInfo_StateDict_AndPyTorchModule_DescribeTheCausalConvolution()
    {
        LayerInfo layer = CausalTcn.Layers[1];
        Assert.Equal(LayerKind.Conv1D, layer.Kind);
        Assert.Equal(3, layer.KernelSize);
        Assert.Equal(4, layer.Inputs);
        Assert.Equal(5, layer.Outputs);
        Assert.Equal(5 * 4 * 3 + 5, layer.ParameterCount);
        Assert.Equal("W⁽²⁾[1, 2, 0]", layer.DescribeParameter(layer.WeightOffset + 1 * 12 + 2 * 3));
        Assert.Equal("layer 2 (Conv1D 5 filters of 3, 4 → 5 values, Tanh)", layer.ToString());
        // History: (k − 1)·d frames of C values per convolution, plus one ring-position slot each.
        Assert.Equal((2 * 1 * 2 + 1) + (2 * 2 * 4 + 1) + (1 * 4 * 5 + 1), CausalTcn.StateCount);
        Assert.Equal(["tcn.weight", "tcn.bias", "head.weight", "head.bias"], StateDict.Tensors(new NamedCausalConv()).Select(t => t.Name));
        Assert.Equal([3, 2, 3], StateDict.Tensors(new NamedCausalConv())[0].Shape.ToArray());
        Assert.Contains("class CausalConv1d(nn.Conv1d):", CausalTcn.PyTorchModule);
        Assert.Contains("CausalConv1d(4, 5, 3, dilation=2),  # 2", CausalTcn.PyTorchModule);
        Assert.Contains("self.tcn = CausalConv1d(2, 3, 3, dilation=2)", NamedCausalConv.PyTorchModule);
    }

    [Fact]
    public void Trainer_TrainsACausalConvolution_OnSequences()
    {
        // Learn y_t = 0.6·x_t − 0.3·x_{t−2} + 0.1 (an FIR filter a kernel of 3 can represent exactly).
        const int Steps = 16, Count = 32;
        var random = new Random(5);
        var inputs = new float[Count * Steps];
        var targets = new float[Count * Steps];
        for (int s = 0; s < Count; s++)
        {
            for (int t = 0; t < Steps; t++)
            {
                inputs[s * Steps + t] = (float)(random.NextDouble() - 0.5);
                float past = t >= 2 ? inputs[s * Steps + t - 2] : 0f;
                targets[s * Steps + t] = 0.6f * inputs[s * Steps + t] - 0.3f * past + 0.1f;
            }
        }
        var net = new FirConv(7);
        var sequences = new SequenceNetwork(net, Steps);
        var data = new Dataset(inputs, targets, Steps, Steps);
        float before = Metrics.Evaluate(sequences, data).Loss;
        new Trainer(sequences, new Adam(0.05f), new TrainerOptions { Epochs = 60, BatchSize = 8, ClipNorm = 1f, Seed = 3 }).Fit(data);
        float after = Metrics.Evaluate(sequences, data).Loss;
        Assert.True(after < 1e-3f * before, $"loss {before} → {after}");
        Assert.Equal(0.6f, net.Parameters[2], 2);      // W[0, 0, 2]: the current frame
        Assert.Equal(-0.3f, net.Parameters[0], 2);     // W[0, 0, 0]: two frames back
        Assert.Equal(0.1f, net.Parameters[3], 2);      // b
    }

    [Fact]
    public void BadArguments_AreClearExceptions_AndChangeNothing()
    {
        var net = new CausalConv12(1);
        float[] theta = net.Parameters.ToArray();
        var ex = Assert.Throws<ArgumentException>(() => net.ForwardSequence(new float[5], new float[48], 4));
        Assert.Contains("inputs has length 5", ex.Message);
        Assert.Throws<ArgumentException>(() => net.BackwardSequence(new float[3], new float[12], 3));
        float[] twoValues = Signal(2, 1);              // a length the analyzer cannot see (NG4001 reports constant ones)
        Assert.Throws<ArgumentException>(() => net.Step(twoValues, new float[12]));
        Assert.Equal(theta, net.Parameters.ToArray());
        Assert.All(net.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }
}

/// <summary>One causal convolution of 3 taps: an FIR filter.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Conv1D(1, 3)]
public sealed partial class FirConv;
