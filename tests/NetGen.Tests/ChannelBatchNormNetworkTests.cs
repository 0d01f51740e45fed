using System.Text.Json;
using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// [BatchNorm] after a convolution (per channel, PyTorch's BatchNorm2d/1d) through the generated surface: against PyTorch
/// (Fixtures/pytorch-cnn/bn_*.json, from tests/pytorch/make_cnn_fixtures.py) in inference and training mode, running
/// statistics, SGD steps, finite differences of the training-mode batch loss, bit-identities and 0 bytes.
/// </summary>
public class ChannelBatchNormNetworkTests
{
    public static TheoryData<string> Fixtures() => new(s_networks.Keys);

    private static readonly Dictionary<string, Func<ITrainableNetwork>> s_networks = new()
    {
        ["bn_cnn"] = () => new BatchNormCnn(1),
        ["bn_conv1d"] = () => new BatchNormConv1D(1),
        ["bn_first"] = () => new BatchNormFirst(1),
    };

    private static JsonElement Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-cnn", name + ".json"))).RootElement;

    private static float[] F(JsonElement e, string key) => PyTorchFixtureTests.Floats(e.GetProperty(key));

    private static double[] D(JsonElement e, string key) => PyTorchFixtureTests.Doubles(e.GetProperty(key));

    /// <summary>|a − e| ≤ 1e-5 + 1e-4·|e| (float32 arithmetic against float64).</summary>
    private static void Close(double[] expected, ReadOnlySpan<float> actual, string what) =>
        TrainingFixtures.AssertClose(expected, actual, 1e-5, 1e-4, what);

    private static ITrainableNetwork Loaded(string name, JsonElement f)
    {
        ITrainableNetwork net = s_networks[name]();
        F(f, "theta").CopyTo(net.Parameters);
        F(f, "running_statistics").CopyTo(net.RunningStatistics);
        return net;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Inference_Training_AndRunningStatistics_MatchPyTorch(string name)
    {
        JsonElement f = Load(name);
        ITrainableNetwork net = Loaded(name, f);
        int batch = f.GetProperty("batch").GetInt32();
        float[] x = F(f, "inputs"), y = F(f, "targets");
        var outputs = new float[batch * net.OutputSize];
        net.ForwardBatch(x, outputs, batch);
        Close(D(f, "eval_outputs"), outputs, name + " inference outputs");

        Assert.True(net.Training);
        net.ZeroGradients();
        var losses = new float[batch];
        float sum = net.BackwardBatch(x, y, batch, losses);
        Close(D(f, "losses"), losses, name + " training-mode losses");
        Close(new[] { f.GetProperty("loss_sum").GetDouble() }, new[] { sum }, name + " loss sum");
        Close(D(f, "gradient"), net.Gradients, name + " ∂L/∂θ");
        Close(D(f, "statistics_after_backward"), net.RunningStatistics, name + " running statistics");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void SgdSteps_MatchPyTorch_ParametersAndRunningStatistics(string name)
    {
        JsonElement f = Load(name);
        ITrainableNetwork net = Loaded(name, f);
        int batch = f.GetProperty("batch").GetInt32(), steps = f.GetProperty("steps").GetInt32();
        float lr = (float)f.GetProperty("lr").GetDouble();
        float[] x = F(f, "inputs"), y = F(f, "targets");
        for (int s = 0; s < steps; s++)
        {
            net.TrainStepBatch(x, y, batch, lr);
        }
        Close(D(f, "sgd"), net.Parameters, name + " θ after SGD");
        Close(D(f, "statistics_after_sgd"), net.RunningStatistics, name + " running statistics after SGD");
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TrainingModeGradient_MatchesFiniteDifferencesOfTheBatchLoss(string name)
    {
        JsonElement f = Load(name);
        ITrainableNetwork net = Loaded(name, f);
        int batch = f.GetProperty("batch").GetInt32();
        float[] x = F(f, "inputs"), y = F(f, "targets");
        net.ZeroGradients();
        net.BackwardBatch(x, y, batch);
        float[] gradient = net.Gradients.ToArray();
        var indices = new List<int>();
        foreach (LayerInfo layer in net.Layers.Where(l => l.ParameterCount > 0))
        {
            indices.Add(layer.ParameterOffset);
            indices.Add(layer.ParameterOffset + layer.ParameterCount - 1);
        }
        var random = new SeededRandom(5);
        for (int i = 0; i < 16; i++)
        {
            indices.Add((int)(random.NextSingle() * net.ParameterCount) % net.ParameterCount);
        }
        const float h = 1e-3f;
        foreach (int i in indices)
        {
            float original = net.Parameters[i];
            // The training-mode loss does not depend on the running statistics BackwardBatch moves.
            net.Parameters[i] = original + h;
            double up = net.BackwardBatch(x, y, batch);
            net.Parameters[i] = original - h;
            double down = net.BackwardBatch(x, y, batch);
            net.Parameters[i] = original;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric),
                $"{name} θ[{i}] ({LayerInfo.Containing(net.Layers, i)!.DescribeParameter(i)}): backprop {gradient[i]:R}, finite difference {numeric:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ForwardBatch_EqualsForward_AndInferenceBackwardBatch_EqualsBackward_BitForBit(string name)
    {
        JsonElement f = Load(name);
        ITrainableNetwork a = Loaded(name, f), b = Loaded(name, f);
        a.Training = b.Training = false;
        int batch = f.GetProperty("batch").GetInt32();
        float[] x = F(f, "inputs"), y = F(f, "targets");
        var batched = new float[batch * a.OutputSize];
        a.ForwardBatch(x, batched, batch);
        var one = new float[a.OutputSize];
        b.ZeroGradients();
        for (int s = 0; s < batch; s++)
        {
            a.Forward(x.AsSpan(s * a.InputSize, a.InputSize), one);
            Assert.Equal(batched.AsSpan(s * a.OutputSize, a.OutputSize).ToArray(), one);
            b.Backward(x.AsSpan(s * a.InputSize, a.InputSize), y.AsSpan(s * a.OutputSize, a.OutputSize));
        }
        a.ZeroGradients();
        a.BackwardBatch(x, y, batch);
        Assert.Equal(b.Gradients.ToArray(), a.Gradients.ToArray());
    }

    [Fact]
    public void OneSampleTraining_IsRefused_InTrainingMode()
    {
        var net = new BatchNormCnn();
        var x = new float[BatchNormCnn.InputSize];
        var y = new float[BatchNormCnn.OutputSize];
        y[0] = 1;
        Assert.Throws<InvalidOperationException>(() => net.Backward(x, y));
        Assert.Throws<ArgumentException>(() => net.BackwardBatch(x, y, 1));
    }

    [Fact]
    public void Layers_StateDictNames_AndShapes_ArePerChannel()
    {
        Assert.Equal(
            new[] { "0.weight [4, 2, 3, 3]", "0.bias [4]", "1.weight [4]", "1.bias [4]", "1.running_mean [4]", "1.running_var [4]",
                "4.weight [3, 4, 2, 2]", "4.bias [3]", "5.weight [3]", "5.bias [3]", "5.running_mean [3]", "5.running_var [3]", "7.weight [3, 18]", "7.bias [3]" },
            StateDict.Tensors(new BatchNormCnn()).Select(t => $"{t.Name} {t.ShapeText}"));
        Assert.Equal(new[] { "1.num_batches_tracked", "5.num_batches_tracked" }, StateDict.BatchCounterNames(new BatchNormCnn()));
        Assert.Equal(2 * (4 + 3), new BatchNormCnn().RunningStatistics.Length);
        Assert.Equal("layer 2 (BatchNorm, 4 channels of 48, ReLU)", BatchNormCnn.Layers[1].ToString());
        Assert.Equal("layer 1 (BatchNorm, 2 channels of 25)", BatchNormFirst.Layers[0].ToString());
        var net = new BatchNormConv1D();
        Assert.All(net.Parameters.Slice(BatchNormConv1D.Layers[1].WeightOffset, 4).ToArray(), v => Assert.Equal(1f, v));
        Assert.Equal(new[] { 0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f }, net.RunningStatistics.ToArray());
    }

    [Fact]
    public void SafeTensors_RoundTrip_KeepsRunningStatistics()
    {
        JsonElement f = Load("bn_cnn");
        ITrainableNetwork a = Loaded("bn_cnn", f);
        string path = Path.Combine(Path.GetTempPath(), $"netgen-bncnn-{Environment.ProcessId}.safetensors");
        try
        {
            SafeTensors.Save(a, path);
            var b = new BatchNormCnn(3);
            SafeTensors.Load(b, path);
            Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
            Assert.Equal(a.RunningStatistics.ToArray(), b.RunningStatistics.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryCall_AllocatesNothing(string name)
    {
        ITrainableNetwork net = s_networks[name]();
        const int batch = 4;
        var x = new float[batch * net.InputSize];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i % 7) * 0.1f;
        }
        var y = new float[batch * net.OutputSize];
        y[0] = 1;
        var output = new float[batch * net.OutputSize];
        void All()
        {
            net.Training = true;
            net.BackwardBatch(x, y, batch);
            net.TrainStepBatch(x, y, batch, 1e-3f);
            net.Training = false;
            net.Forward(x.AsSpan(0, net.InputSize), output.AsSpan(0, net.OutputSize));
            net.ForwardBatch(x, output, batch);
            net.Backward(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize));
            net.BackwardBatch(x, y, batch);
            net.TrainStep(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize), 1e-3f);
            net.Evaluate(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize), output.AsSpan(0, net.OutputSize));
        }
        for (int warm = 0; warm < 3; warm++)
        {
            All();
        }
        Assert.Equal(0, Allocations.Minimum(All));
    }
}
