using System.Text.Json;
using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// Convolutional networks through the generated surface: against PyTorch (Fixtures/pytorch-cnn, from
/// tests/pytorch/make_cnn_fixtures.py), finite differences, Forward ≡ ForwardBatch and Backward ≡ BackwardBatch bit for bit,
/// 0 bytes per call, layer infos and state-dict names.
/// </summary>
public class CnnTests
{
    public static TheoryData<string> Fixtures() => new(s_networks.Keys);

    private static readonly Dictionary<string, Func<ITrainableNetwork>> s_networks = new()
    {
        ["lenet5"] = () => new LeNet5(1),
        ["strided_cnn"] = () => new StridedCnn(1),
        ["odd_cnn"] = () => new OddCnn(1),
        ["conv1d_stack"] = () => new Conv1DStack(1),
        ["strided_conv1d"] = () => new StridedConv1D(1),
        ["conv1d_alone"] = () => new Conv1DAlone(1),
        ["pool1d_first"] = () => new Pool1DFirst(1),
        ["gap_cnn"] = () => new GapCnn(1),
    };

    private static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-cnn", name + ".json"))).RootElement;

    private static float[] F(JsonElement e, string key) => PyTorchFixtureTests.Floats(e.GetProperty(key));

    private static double[] D(JsonElement e, string key) => PyTorchFixtureTests.Doubles(e.GetProperty(key));

    /// <summary>|a − e| ≤ 1e-5 + 1e-4·|e| (float32 arithmetic against float64).</summary>
    private static void Close(double[] expected, ReadOnlySpan<float> actual, string what) =>
        TrainingFixtures.AssertClose(expected, actual, 1e-5, 1e-4, what);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void OutputsLossesAndGradients_MatchPyTorch(string name)
    {
        JsonElement f = Load(name);
        ITrainableNetwork net = s_networks[name]();
        F(f, "theta").CopyTo(net.Parameters);
        int batch = f.GetProperty("batch").GetInt32();
        float[] x = F(f, "inputs"), y = F(f, "targets");
        Assert.Equal(batch * net.InputSize, x.Length);
        var outputs = new float[batch * net.OutputSize];
        net.ForwardBatch(x, outputs, batch);
        Close(D(f, "outputs"), outputs, name + " outputs");

        net.ZeroGradients();
        var losses = new float[batch];
        float sum = net.BackwardBatch(x, y, batch, losses);
        Close(D(f, "losses"), losses, name + " losses");
        Close(new[] { f.GetProperty("loss_sum").GetDouble() }, new[] { sum }, name + " loss sum");
        Close(D(f, "gradient"), net.Gradients, name + " ∂L/∂θ");

        // Per sample: Backward adds each sample's gradient, so the sum is the batch's.
        net.ZeroGradients();
        for (int b = 0; b < batch; b++)
        {
            float loss = net.Backward(x.AsSpan(b * net.InputSize, net.InputSize), y.AsSpan(b * net.OutputSize, net.OutputSize));
            Assert.Equal(losses[b], loss);
        }
        Close(D(f, "gradient"), net.Gradients, name + " ∂L/∂θ (Backward per sample)");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void SgdSteps_MatchPyTorch(string name)
    {
        JsonElement f = Load(name);
        ITrainableNetwork net = s_networks[name]();
        F(f, "theta").CopyTo(net.Parameters);
        int batch = f.GetProperty("batch").GetInt32(), steps = f.GetProperty("steps").GetInt32();
        float lr = (float)f.GetProperty("lr").GetDouble();
        float[] x = F(f, "inputs"), y = F(f, "targets");
        for (int s = 0; s < steps; s++)
        {
            net.TrainStepBatch(x, y, batch, lr);
        }
        Close(D(f, "sgd"), net.Parameters, name + " θ after SGD");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ForwardBatch_EqualsForward_AndBackwardBatch_EqualsBackward_BitForBit(string name)
    {
        ITrainableNetwork a = s_networks[name](), b = s_networks[name]();
        var random = new SeededRandom(7);
        const int batch = 5;
        float[] x = Enumerable.Range(0, batch * a.InputSize).Select(_ => 2 * random.NextSingle() - 1).ToArray();
        float[] y = Enumerable.Range(0, batch * a.OutputSize).Select(_ => random.NextSingle()).ToArray();
        var batched = new float[batch * a.OutputSize];
        a.ForwardBatch(x, batched, batch);
        var one = new float[a.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            a.Forward(x.AsSpan(s * a.InputSize, a.InputSize), one);
            Assert.Equal(batched.AsSpan(s * a.OutputSize, a.OutputSize).ToArray(), one);
        }

        var losses = new float[batch];
        a.BackwardBatch(x, y, batch, losses);
        for (int s = 0; s < batch; s++)
        {
            b.ZeroGradients();
            Assert.Equal(losses[s], b.Backward(x.AsSpan(s * a.InputSize, a.InputSize), y.AsSpan(s * a.OutputSize, a.OutputSize)));
        }
        // One sample: BackwardBatch's gradient is Backward's, bit for bit.
        a.ZeroGradients();
        b.ZeroGradients();
        a.BackwardBatch(x.AsSpan(0, a.InputSize), y.AsSpan(0, a.OutputSize), 1);
        b.Backward(x.AsSpan(0, a.InputSize), y.AsSpan(0, a.OutputSize));
        Assert.Equal(b.Gradients.ToArray(), a.Gradients.ToArray());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Gradients_MatchFiniteDifferences(string name)
    {
        JsonElement f = Load(name);
        ITrainableNetwork net = s_networks[name]();
        F(f, "theta").CopyTo(net.Parameters);
        float[] x = F(f, "inputs").AsSpan(0, net.InputSize).ToArray(), y = F(f, "targets").AsSpan(0, net.OutputSize).ToArray();
        net.ZeroGradients();
        net.Backward(x, y);
        float[] gradient = net.Gradients.ToArray();
        var output = new float[net.OutputSize];
        var random = new SeededRandom(3);
        // Every layer's first and last parameter, and random ones.
        var indices = new List<int>();
        foreach (LayerInfo layer in net.Layers.Where(l => l.ParameterCount > 0))
        {
            indices.Add(layer.ParameterOffset);
            indices.Add(layer.ParameterOffset + layer.ParameterCount - 1);
        }
        for (int i = 0; i < 24; i++)
        {
            indices.Add((int)(random.NextSingle() * net.ParameterCount) % net.ParameterCount);
        }
        const float h = 1e-3f;
        foreach (int i in indices)
        {
            float original = net.Parameters[i];
            net.Parameters[i] = original + h;
            double up = net.Evaluate(x, y, output);
            net.Parameters[i] = original - h;
            double down = net.Evaluate(x, y, output);
            net.Parameters[i] = original;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                $"{name} θ[{i}] ({LayerInfo.Containing(net.Layers, i)!.DescribeParameter(i)}): backprop {gradient[i]:R}, finite difference {numeric:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryCall_AllocatesNothing(string name)
    {
        ITrainableNetwork net = s_networks[name]();
        const int batch = 4;
        var x = new float[batch * net.InputSize];
        var y = new float[batch * net.OutputSize];
        y[0] = 1;
        var output = new float[batch * net.OutputSize];
        void All()
        {
            net.Forward(x.AsSpan(0, net.InputSize), output.AsSpan(0, net.OutputSize));
            net.ForwardBatch(x, output, batch);
            net.Backward(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize));
            net.BackwardBatch(x, y, batch);
            net.TrainStep(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize), 1e-3f);
            net.TrainStepBatch(x, y, batch, 1e-3f);
            net.Evaluate(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize), output.AsSpan(0, net.OutputSize));
        }
        for (int warm = 0; warm < 3; warm++)
        {
            All();
        }
        Assert.Equal(0, Allocations.Minimum(All));
    }

    [Fact]
    public void LeNet5_Shapes_LayerInfos_AndStateDictNames()
    {
        Assert.Equal(784, LeNet5.InputSize);
        Assert.Equal(10, LeNet5.OutputSize);
        Assert.Equal(6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10, LeNet5.ParameterCount);
        var net = new LeNet5();
        Assert.Equal(
            new[] { "0.weight [6, 1, 5, 5]", "0.bias [6]", "3.weight [16, 6, 5, 5]", "3.bias [16]", "7.weight [120, 400]", "7.bias [120]",
                "9.weight [84, 120]", "9.bias [84]", "11.weight [10, 84]", "11.bias [10]" },
            StateDict.Tensors(net).Select(t => $"{t.Name} {t.ShapeText}"));
        Assert.Equal(new[] { LayerKind.Conv2D, LayerKind.MaxPool2D, LayerKind.Conv2D, LayerKind.MaxPool2D, LayerKind.Flatten, LayerKind.Dense, LayerKind.Dense, LayerKind.Dense },
            LeNet5.Layers.Select(l => l.Kind));
        Assert.Equal(new[] { 784, 4704, 1176, 1600, 400, 400, 120, 84 }, LeNet5.Layers.Select(l => l.Inputs));
        Assert.Equal("layer 1 (Conv2D 6 filters 5×5, 784 → 4704 values, ReLU)", LeNet5.Layers[0].ToString());
        Assert.Equal("layer 2 (MaxPool2D 2×2, 4704 → 1176 values)", LeNet5.Layers[1].ToString());
        LayerInfo c3 = LeNet5.Layers[2];
        Assert.Equal("W⁽³⁾[15, 5, 4, 4]", c3.DescribeParameter(c3.WeightOffset + c3.WeightCount - 1));
        Assert.Equal("W⁽³⁾[1, 0, 0, 1]", c3.DescribeParameter(c3.WeightOffset + 150 + 1));
        Assert.Equal("b⁽³⁾[0]", c3.DescribeParameter(c3.BiasOffset));
    }

    [Fact]
    public void LeNet5_DefaultInit_IsHeUniformWithFanInOfChannelsTimesKernelArea()
    {
        var net = new LeNet5(5);
        LayerInfo c1 = LeNet5.Layers[0], c3 = LeNet5.Layers[2];
        float bound1 = MathF.Sqrt(6f / 25), bound3 = MathF.Sqrt(6f / 150);
        ReadOnlySpan<float> w1 = net.Parameters.Slice(c1.WeightOffset, c1.WeightCount), w3 = net.Parameters.Slice(c3.WeightOffset, c3.WeightCount);
        Assert.All(w1.ToArray(), v => Assert.InRange(v, -bound1, bound1));
        Assert.All(w3.ToArray(), v => Assert.InRange(v, -bound3, bound3));
        Assert.True(w1.ToArray().Max() > 0.8f * bound1 && w3.ToArray().Max() > 0.8f * bound3, "the weights fill their range");
        Assert.All(net.Parameters.Slice(c1.BiasOffset, c1.BiasCount).ToArray(), v => Assert.Equal(0f, v));
    }
}
