using System.Text.Json;
using System.Threading;
using NetGen.IO;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// Generated networks with [GRU] and [LSTM] (issue 10) through their public surface: PyTorch's outputs, loss and every
/// gradient after backprop through time; finite differences; Step ≡ ForwardSequence bit for bit; independent streams;
/// 0 bytes per step; PyTorch's nn.GRU(num_layers = 3) state dict; training through time with the Trainer.
/// </summary>
public class RecurrentNetworkTests
{
    private static readonly JsonElement s_root = JsonDocument.Parse(File.ReadAllText(Fixture("networks.json"))).RootElement;

    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-recurrent", file);

    private static ISequenceTrainable Create(string name) => name switch
    {
        "gru8x2_dense1" => new GruDenseStream(),
        "gru4_alone" => new GruAlone(),
        "lstm5_alone" => new LstmAlone(),
        "lstm6x2_dense3tanh_dense2" => new LstmDenseDense(),
        "dense4relu_gru5_lstm4x2_dense1sigmoid" => new MixedStream(),
        "lstm7_dense3softmax" => new LstmClassifier(),
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

    private static JsonElement Case(string name)
    {
        foreach (JsonElement c in s_root.GetProperty("networks").EnumerateArray())
        {
            if (c.GetProperty("name").GetString() == name)
            {
                return c;
            }
        }
        throw new ArgumentException(name);
    }

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
    public void MatchesPyTorch_OutputsLossAndEveryGradientAfterBptt(string name)
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

        // The names and shapes of the state dict are PyTorch's.
        StateTensor[] tensors = StateDict.Tensors(net);
        string[] names = c.GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(names, tensors.Select(t => t.Name).ToArray());
        int[][] shapes = c.GetProperty("shapes").EnumerateArray().Select(e => e.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(shapes, tensors.Select(t => t.Shape.ToArray()).ToArray());

        float[] x = PyTorchFixtureTests.Floats(c.GetProperty("inputs")), target = PyTorchFixtureTests.Floats(c.GetProperty("targets"));
        double[] expected = PyTorchFixtureTests.Doubles(c.GetProperty("outputs"));
        var y = new float[steps * net.OutputSize];
        net.ForwardSequence(x, y, steps);
        RecurrentKernelTests.AssertClose(expected, y, "outputs");
        Assert.Equal(y, Stepped(net, x, steps));

        var evaluated = new float[y.Length];
        float evaluatedLoss = net.EvaluateSequence(x, target, evaluated, steps);
        Assert.Equal(y, evaluated);
        float loss = net.BackwardSequence(x, target, steps);
        Assert.Equal(evaluatedLoss, loss, 6);
        RecurrentKernelTests.AssertClose([c.GetProperty("loss").GetDouble()], [loss], "loss");
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("gradients")), net.Gradients, "gradients");
    }

    [Fact]
    public void GeneratedGru_AgreesWithTheHandWrittenTwinOfTheDesign()
    {
        var twin = new StreamingSurfaceTests.GruDenseNet(3);
        var net = new GruDenseStream();
        Assert.Equal(GruDenseStream.ParameterCount, StreamingSurfaceTests.GruDenseNet.ParameterCount);
        Assert.Equal(GruDenseStream.StateCount, StreamingSurfaceTests.GruDenseNet.StateCount);
        twin.Parameters.CopyTo(net.Parameters);
        float[] x = Signal(100, 4);
        var a = new float[100];
        var b = new float[100];
        twin.ForwardSequence(x, a, 100);
        net.ForwardSequence(x, b, 100);
        // The same GRU kernels (the same bits for h); the twin's Dense sums in its own order, so ŷ agrees to rounding.
        for (int t = 0; t < 100; t++)
        {
            Assert.True(Math.Abs(a[t] - b[t]) <= 1e-6f * (1 + Math.Abs(a[t])), $"step {t}: twin {a[t]:R}, generated {b[t]:R}");
        }
    }

    [Fact]
    public void PyTorchGruWithThreeLayers_LoadedFromItsStateDict_GivesPyTorchsOutputs()
    {
        var net = new Gru3();
        WeightsJson.Load(net, Fixture("gru3_state_dict.json"));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Fixture("gru3_state_dict.json")));
        JsonElement reference = doc.RootElement.GetProperty("reference");
        int steps = reference.GetProperty("steps").GetInt32();
        float[] x = PyTorchFixtureTests.Floats(reference.GetProperty("inputs"));
        var y = new float[steps * Gru3.OutputSize];
        net.ForwardSequence(x, y, steps);
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(reference.GetProperty("outputs")), y, "outputs");
        Assert.Equal(y, Stepped(net, x, steps));
        Assert.Equal(["0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0", "0.bias_hh_l0", "0.weight_ih_l1", "0.weight_hh_l1", "0.bias_ih_l1",
            "0.bias_hh_l1", "0.weight_ih_l2", "0.weight_hh_l2", "0.bias_ih_l2", "0.bias_hh_l2"], StateDict.Tensors(net).Select(t => t.Name));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_MatchFiniteDifferencesOfTheSequenceLoss(string name)
    {
        ISequenceTrainable net = Create(name);
        JsonElement c = Case(name);
        int steps = 6;
        float[] x = Signal(steps * net.InputSize, 1);
        float[] target = PyTorchFixtureTests.Floats(c.GetProperty("targets")).AsSpan(0, steps * net.OutputSize).ToArray();
        net.ZeroGradients();
        net.BackwardSequence(x, target, steps);
        float[] g = net.Gradients.ToArray();
        var outputs = new float[steps * net.OutputSize];
        int checkedCount = 0;
        for (int i = 0; i < net.ParameterCount; i += 5)
        {
            float saved = net.Parameters[i];
            const float Eps = 1e-2f;
            net.Parameters[i] = saved + Eps;
            double plus = net.EvaluateSequence(x, target, outputs, steps);
            net.Parameters[i] = saved - Eps;
            double minus = net.EvaluateSequence(x, target, outputs, steps);
            net.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * Eps);
            Assert.True(Math.Abs(numeric - g[i]) <= 2e-3 + 3e-2 * Math.Abs(numeric), $"{name} ∂L/∂θ[{i}] ({net.Layers.First(l => l.Contains(i)).DescribeParameter(i)}): {g[i]:R}, finite differences {numeric:R}");
            checkedCount++;
        }
        Assert.True(checkedCount > 10);
    }

    [Fact]
    public void TwoStreams_OnOneNetwork_AreIndependent_AndTheInstanceStreamIsLeftAlone()
    {
        var net = new MixedStream(5);
        float[] a = Signal(2 * 40, 8), b = Signal(2 * 40, 9);
        var expectedA = new float[40];
        var expectedB = new float[40];
        net.ForwardSequence(a, expectedA, 40);
        net.ForwardSequence(b, expectedB, 40);
        MixedStream.State sa = default, sb = default;
        var ya = new float[40];
        var yb = new float[40];
        var own = new float[1];
        net.ResetState();
        net.Step(a.AsSpan(0, 2), own);
        float first = own[0];
        for (int t = 0; t < 40; t++)
        {
            net.Step(ref sa, a.AsSpan(2 * t, 2), ya.AsSpan(t, 1));
            net.Step(ref sb, b.AsSpan(2 * t, 2), yb.AsSpan(t, 1));
        }
        Assert.Equal(expectedA, ya);
        Assert.Equal(expectedB, yb);
        Assert.Equal(first, expectedA[0]);
        net.Step(a.AsSpan(2, 2), own);                 // the instance's stream continued from its own first step
        Assert.Equal(expectedA[1], own[0]);
    }

    [Fact]
    public void StreamsOnFourThreads_ShareOneNetwork()
    {
        var net = new Lstm16Stream(11);
        net.Parameters[3] *= -1f;                      // stale: the first steps on every thread may repack at once
        float[] x = Signal(400, 12);
        var expected = new float[x.Length];
        var reference = new Lstm16Stream(11);
        reference.Parameters[3] *= -1f;
        reference.ForwardSequence(x, expected, x.Length);
        var results = new float[4][];
        Thread[] threads = Enumerable.Range(0, 4).Select(k => new Thread(() =>
        {
            Lstm16Stream.State s = default;
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
    public void Step_AndTraining_AllocateNothing()
    {
        var gru = new Gru8Stream(1);
        var lstm = new Lstm16Stream(2);
        var mixed = new MixedStream(3);
        float[] x = Signal(2000, 14), target = Signal(2000, 15);
        var y = new float[1];
        Stepped(gru, x, 10);
        Stepped(mixed, x, 10);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int t = 0; t < x.Length; t++)
            {
                gru.Step(x.AsSpan(t, 1), y);
                lstm.Step(x.AsSpan(t, 1), y);
            }
            for (int t = 0; t < 1000; t++)
            {
                mixed.Step(x.AsSpan(2 * t, 2), y);
            }
        }));
        gru.BackwardSequence(x.AsSpan(0, 500), target.AsSpan(0, 500), 500);
        var outputs = new float[500];
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            gru.BackwardSequence(x.AsSpan(0, 500), target.AsSpan(0, 500), 500);
            gru.ForwardSequence(x.AsSpan(0, 500), outputs, 500);
            gru.TrainStep(x.AsSpan(0, 1), target.AsSpan(0, 1), 0.01f);
        }));
    }

    [Fact]
    public void ParameterWrite_IsSeenByTheNextStep()
    {
        var net = new Gru8Stream(3);
        float[] x = Signal(50, 4);
        float[] before = Stepped(net, x, 50);
        net.Parameters[5] += 0.25f;
        float[] after = Stepped(net, x, 50);
        var fresh = new Gru8Stream(3);
        fresh.Parameters[5] += 0.25f;
        Assert.NotEqual(before, after);
        Assert.Equal(Stepped(fresh, x, 50), after);
    }

    [Fact]
    public void OneSampleMembers_AreOneStepSequences()
    {
        var net = new LstmDenseDense(6);
        float[] x = Signal(3 * 4, 2), target = Signal(2 * 4, 3);
        var y = new float[2];
        var sequence = new float[2];
        net.Forward(x.AsSpan(0, 3), y);
        net.ForwardSequence(x.AsSpan(0, 3), sequence, 1);
        Assert.Equal(sequence, y);
        var batch = new float[8];
        net.ForwardBatch(x, batch, 4);
        for (int b = 0; b < 4; b++)
        {
            net.Forward(x.AsSpan(3 * b, 3), y);
            Assert.Equal(y, batch.AsSpan(2 * b, 2).ToArray());
        }

        net.ZeroGradients();
        float backward = net.Backward(x.AsSpan(0, 3), target.AsSpan(0, 2));
        float[] g1 = net.Gradients.ToArray();
        net.ZeroGradients();
        Assert.Equal(backward, net.BackwardSequence(x.AsSpan(0, 3), target.AsSpan(0, 2), 1));
        Assert.Equal(g1, net.Gradients.ToArray());
        Assert.Equal(backward, net.Evaluate(x.AsSpan(0, 3), target.AsSpan(0, 2), y), 6);

        // TrainStep = θ − η·(∂L/∂θ of Backward), Gradients untouched.
        net.Gradients.Fill(7f);
        float[] theta = net.Parameters.ToArray();
        net.TrainStep(x.AsSpan(0, 3), target.AsSpan(0, 2), 0.5f);
        Assert.All(net.Gradients.ToArray(), v => Assert.Equal(7f, v));
        for (int i = 0; i < theta.Length; i++)
        {
            Assert.Equal(theta[i] - 0.5f * g1[i], net.Parameters[i], 6);
        }
    }

    [Fact]
    public void TruncatedWindows_CarryTheState_LikeTheStream()
    {
        const int Window = 12;
        var net = new GruDenseStream(19);
        float[] x = Signal(3 * Window, 20), target = Signal(3 * Window, 21);
        GruDenseStream.State carried = default;
        for (int w = 0; w < 3; w++)
        {
            net.BackwardSequence(ref carried, x.AsSpan(w * Window, Window), target.AsSpan(w * Window, Window), Window);
        }
        GruDenseStream.State stepped = default;
        var y = new float[1];
        for (int t = 0; t < 3 * Window; t++)
        {
            net.Step(ref stepped, x.AsSpan(t, 1), y);
        }
        Assert.Equal(((ReadOnlySpan<float>)stepped).ToArray(), ((ReadOnlySpan<float>)carried).ToArray());
    }

    [Fact]
    public void BadArguments_AreClearExceptions_AndChangeNothing()
    {
        var net = new Gru8Stream(1);
        float[] theta = net.Parameters.ToArray();
        var ex = Assert.Throws<ArgumentException>(() => net.ForwardSequence(new float[5], new float[4], 4));
        Assert.Contains("inputs has length 5", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ForwardSequence(new float[0], new float[0], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.BackwardSequence(new float[0], new float[0], 0));
        Assert.Throws<ArgumentException>(() => net.BackwardSequence(new float[3], new float[2], 3));
        float[] twoValues = Signal(2, 1);              // a length the analyzer cannot see (NG4001 reports constant ones)
        Assert.Throws<ArgumentException>(() => net.Step(twoValues, new float[1]));
        Assert.Equal(theta, net.Parameters.ToArray());
        Assert.All(net.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void LayerInfo_DescribesRecurrentParametersByTheirPyTorchNames()
    {
        LayerInfo gru = LstmDenseDense.Layers[0];
        Assert.Equal(LayerKind.LSTM, gru.Kind);
        Assert.Equal(2, gru.StackedLayers);
        Assert.Equal(RecurrentCount(4, 3, 6, 2), gru.ParameterCount);
        Assert.Equal("weight_ih_l0⁽¹⁾[1, 2]", gru.DescribeParameter(5));
        Assert.Equal("bias_hh_l1⁽¹⁾[23]", gru.DescribeParameter(gru.ParameterCount - 1));
        Assert.Equal("layer 1 (LSTM 3 → 6, 2 stacked layers)", gru.ToString());
    }

    private static int RecurrentCount(int gates, int inputs, int hidden, int layers) =>
        gates * hidden * (inputs + hidden + 2) + (layers - 1) * gates * hidden * (2 * hidden + 2);

    [Fact]
    public void Trainer_TrainsSequences_WithClipping_AndTheSavedWeightsRoundTrip()
    {
        // Learn y_t = 0.5·y_{t-1} + x_t (a one-pole filter) from 40 sequences of 16 steps.
        const int Steps = 16, Count = 40;
        var random = new Random(5);
        var inputs = new float[Count * Steps];
        var targets = new float[Count * Steps];
        for (int s = 0; s < Count; s++)
        {
            float state = 0f;
            for (int t = 0; t < Steps; t++)
            {
                float v = (float)(random.NextDouble() - 0.5);
                state = 0.5f * state + v;
                inputs[s * Steps + t] = v;
                targets[s * Steps + t] = state;
            }
        }
        var net = new Gru8Stream(7);
        var sequences = new SequenceNetwork(net, Steps);
        var data = new Dataset(inputs, targets, Steps, Steps);
        float before = Metrics.Evaluate(sequences, data).Loss;
        var trainer = new Trainer(sequences, new Adam(0.02f), new TrainerOptions { Epochs = 40, BatchSize = 8, ClipNorm = 1f, Seed = 3 });
        TrainingHistory history = trainer.Fit(data);
        float after = Metrics.Evaluate(sequences, data).Loss;
        Assert.True(after < 0.1f * before, $"loss {before} → {after}");
        Assert.Equal(40, history.Epochs.Count);

        string path = Path.Combine(Path.GetTempPath(), $"netgen-gru-{Environment.ProcessId}.safetensors");
        try
        {
            SafeTensors.Save(net, path);
            var loaded = new Gru8Stream(99);
            SafeTensors.Load(loaded, path);
            Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
            var a = new float[Steps];
            var b = new float[Steps];
            net.ForwardSequence(inputs.AsSpan(0, Steps), a, Steps);
            loaded.ForwardSequence(inputs.AsSpan(0, Steps), b, Steps);
            Assert.Equal(a, b);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void NamedRecurrentLayer_NamesItsTensorsAfterTheModule()
    {
        Assert.Equal(["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0", "head.weight", "head.bias"],
            StateDict.Tensors(new NamedLstm()).Select(t => t.Name));
        Assert.Equal("rnn", NamedLstm.Layers[0].Name);
    }
}
