using System.Text.Json;

namespace NetGen.Tests;

/// <summary>[BatchNorm] against PyTorch's BatchNorm1d (training-mode forward, gradients, running statistics, inference).</summary>
public class BatchNormTests
{
    public static TheoryData<string> Fixtures() => new("batchnorm_relu_softmax", "batchnorm_input_custom");

    private static ITrainableNetwork Create(string fixture) => fixture == "batchnorm_relu_softmax" ? new BatchNormReluSoftmax() : new BatchNormInputCustom();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TrainingBatchMatchesPyTorch(string fixture)
    {
        using JsonDocument d = TrainingFixtures.Load(fixture);
        JsonElement root = d.RootElement;
        ITrainableNetwork net = Create(fixture);
        TrainingFixtures.Floats(root.GetProperty("parameters")).CopyTo(net.Parameters);
        TrainingFixtures.Floats(root.GetProperty("running_statistics")).CopyTo(net.RunningStatistics);
        int batch = root.GetProperty("batch_size").GetInt32();
        var losses = new float[batch];
        float sum = net.BackwardBatch(TrainingFixtures.Floats(root.GetProperty("inputs")), TrainingFixtures.Floats(root.GetProperty("targets")), batch, losses);

        TrainingFixtures.AssertClose(TrainingFixtures.Doubles(root.GetProperty("losses")), losses, PyTorchFixtureTests.Absolute, PyTorchFixtureTests.Relative, "per-sample losses");
        Assert.Equal(root.GetProperty("mean_loss").GetDouble(), sum / batch, 5);
        float[] mean = net.Gradients.ToArray().Select(g => g / batch).ToArray();
        TrainingFixtures.AssertClose(TrainingFixtures.Doubles(root.GetProperty("gradients")), mean, PyTorchFixtureTests.Absolute, PyTorchFixtureTests.Relative, "gradients");
        TrainingFixtures.AssertClose(TrainingFixtures.Doubles(root.GetProperty("running_statistics_after")), net.RunningStatistics, PyTorchFixtureTests.Absolute, PyTorchFixtureTests.Relative, "running statistics");

        float[] testInputs = TrainingFixtures.Floats(root.GetProperty("test_inputs"));
        double[] testOutputs = TrainingFixtures.Doubles(root.GetProperty("test_outputs"));
        var output = new float[net.OutputSize];
        for (int i = 0; i < testInputs.Length / net.InputSize; i++)
        {
            net.Forward(testInputs.AsSpan(i * net.InputSize, net.InputSize), output);
            TrainingFixtures.AssertClose(testOutputs[(i * net.OutputSize)..((i + 1) * net.OutputSize)], output, PyTorchFixtureTests.Absolute, PyTorchFixtureTests.Relative, $"inference output {i}");
        }
    }

    [Fact]
    public void InferenceModeGradientsMatchFiniteDifferencesOfEvaluate()
    {
        // Training = false: batch norm is a fixed affine map with the running statistics, so Backward's gradient is the
        // derivative of Evaluate's loss.
        var net = new MixedTrainingNet(seed: 5) { Training = false };
        var random = new SeededRandom(11);
        for (int i = 0; i < net.RunningStatistics.Length; i++)
        {
            net.RunningStatistics[i] = i < 6 ? random.NextSingle() - 0.5f : 0.5f + random.NextSingle();
        }
        for (int i = MixedTrainingNet.Layers[3].WeightOffset; i < MixedTrainingNet.Layers[3].WeightOffset + 12; i++)
        {
            net.Parameters[i] = 0.5f + random.NextSingle();
        }
        float[] x = Enumerable.Range(0, 5).Select(_ => 2 * random.NextSingle() - 1).ToArray();
        float[] y = [0, 0, 1, 0];
        net.Backward(x, y);
        float[] analytic = net.Gradients.ToArray();
        var output = new float[4];
        for (int i = 0; i < MixedTrainingNet.ParameterCount; i++)
        {
            float saved = net.Parameters[i];
            double h = 1e-2 * Math.Max(1, Math.Abs(saved));
            net.Parameters[i] = (float)(saved + h);
            double plus = net.Evaluate(x, y, output);
            net.Parameters[i] = (float)(saved - h);
            double minus = net.Evaluate(x, y, output);
            net.Parameters[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3 + 2e-2 * Math.Abs(numeric), $"θ[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void BackwardBatchInInferenceModeEqualsBackwardPerSample()
    {
        var a = new MixedTrainingNet(seed: 2) { Training = false };
        var b = new MixedTrainingNet(seed: 2) { Training = false };
        var random = new SeededRandom(4);
        float[] x = Enumerable.Range(0, 3 * 5).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[] y = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1];
        float total = a.BackwardBatch(x, y, 3);
        float sum = 0;
        for (int s = 0; s < 3; s++)
        {
            sum += b.Backward(x.AsSpan(s * 5, 5), y.AsSpan(s * 4, 4));
        }
        Assert.Equal(sum, total, 5);
        TrainingFixtures.AssertClose(b.Gradients.ToArray().Select(v => (double)v).ToArray(), a.Gradients, 1e-6, 1e-5, "gradients");
        Assert.Equal(new MixedTrainingNet(seed: 2).RunningStatistics.ToArray(), a.RunningStatistics.ToArray());
    }

    [Fact]
    public void TrainingModeNeedsABatch()
    {
        var net = new BatchNormReluSoftmax();
        var error = Assert.Throws<InvalidOperationException>(() => net.Backward(new float[4], [1, 0, 0]));
        Assert.Contains("BackwardBatch", error.Message);
        Assert.Throws<ArgumentException>(() => net.BackwardBatch(new float[4], [1, 0, 0], 1));
        net.Training = false;
        net.Backward(new float[4], [1, 0, 0]);
    }

    [Fact]
    public void StartsAsPyTorchAndRunningStatisticsAreExposed()
    {
        var net = new BatchNormReluSoftmax();
        LayerInfo bn = BatchNormReluSoftmax.Layers[1];
        Assert.Equal(LayerKind.BatchNorm, bn.Kind);
        Assert.All(net.Parameters.Slice(bn.WeightOffset, bn.WeightCount).ToArray(), g => Assert.Equal(1f, g));
        Assert.All(net.Parameters.Slice(bn.BiasOffset, bn.BiasCount).ToArray(), b => Assert.Equal(0f, b));
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f, 1f], net.RunningStatistics.ToArray());
        Assert.Equal(0, ((INetwork)new OptimizerNet()).RunningStatistics.Length);
    }
}
