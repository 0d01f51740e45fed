using NetGen.IO;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// Issue 13: [Normalization] (Keras's Normalization) through the generated surface — Adapt's mean and population variance,
/// y = (x − μ) / max(√σ², 1e-7), the training paths, the state's travels (safetensors, checkpoints, Summary) and the refusals.
/// </summary>
public class NormalizationTests
{
    /// <summary>5 samples × 3 features: 1..5 (μ 3, σ² 2), a constant 7 (σ² 0), 1000001..1000005 (μ 1000003, σ² 2: a large offset).</summary>
    private static readonly float[] s_rows =
    [
        1f, 7f, 1000001f,
        2f, 7f, 1000002f,
        3f, 7f, 1000003f,
        4f, 7f, 1000004f,
        5f, 7f, 1000005f,
    ];

    /// <summary>The reference: two passes in double, per feature, divided by the count (the population variance).</summary>
    private static (float[] Mean, float[] Variance) Reference(float[] rows, int features)
    {
        int count = rows.Length / features;
        var mean = new float[features];
        var variance = new float[features];
        for (int j = 0; j < features; j++)
        {
            double m = 0;
            for (int r = 0; r < count; r++)
            {
                m += rows[r * features + j];
            }
            m /= count;
            double s = 0;
            for (int r = 0; r < count; r++)
            {
                s += (rows[r * features + j] - m) * (rows[r * features + j] - m);
            }
            mean[j] = (float)m;
            variance[j] = (float)(s / count);
        }
        return (mean, variance);
    }

    private static float Normalize(float x, float mean, float variance) => (x - mean) / MathF.Max(MathF.Sqrt(variance), 1e-7f);

    [Fact]
    public void Adapt_MeasuresTheExactMeanAndPopulationVariance_FromRowsAndFromADataset()
    {
        var net = new NormalizedNet(1);
        Assert.False(net.IsAdapted);
        net.Adapt(s_rows);
        Assert.True(net.IsAdapted);
        Assert.Equal([3f, 7f, 1000003f, 2f, 0f, 2f], net.RunningStatistics.ToArray());

        var random = new SeededRandom(3);
        float[] rows = [.. Enumerable.Range(0, 3 * 101).Select(i => 100f + 50f * random.NextSingle() + i % 3)];
        (float[] mean, float[] variance) = Reference(rows, 3);
        var fromData = new NormalizedNet(1);
        fromData.Adapt(new Dataset(rows, new float[101 * 2], 3, 2));
        Assert.Equal([.. mean, .. variance], fromData.RunningStatistics.ToArray());
        var fromRows = new NormalizedNet(1);
        fromRows.Adapt(rows);
        Assert.Equal(fromData.RunningStatistics.ToArray(), fromRows.RunningStatistics.ToArray());
    }

    [Fact]
    public void BeforeAdapt_TheLayerIsTheIdentity_AndTrainerRefusesToTrain()
    {
        var net = new NormalizedNet(2);
        var twin = new NormalizedNetTwin(2);
        Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], net.RunningStatistics.ToArray());
        float[] x = [0.5f, -2f, 3f];
        float[] a = new float[2], b = new float[2];
        net.Forward(x, a);
        twin.Forward(x, b);
        Assert.Equal(b, a);

        float[] before = net.Parameters.ToArray();
        var data = Dataset.FromLabels(s_rows, 3, [0, 1, 0, 1, 0], 2);
        var error = Assert.Throws<InvalidOperationException>(() => new Trainer(net, new Sgd(0.1f), new TrainerOptions { Epochs = 1 }).Fit(data));
        Assert.Contains("NormalizedNet starts with a [Normalization] layer that has not been adapted", error.Message);
        Assert.Contains("net.Adapt(training)", error.Message);
        Assert.Equal(before, net.Parameters.ToArray());

        net.Adapt(data);
        new Trainer(net, new Sgd(0.1f), new TrainerOptions { Epochs = 1 }).Fit(data);
        Assert.NotEqual(before, net.Parameters.ToArray());

        // Inputs already standardised: say so, and Trainer trains the identity.
        var standardised = new NormalizedNet(2) { IsAdapted = true };
        new Trainer(standardised, new Sgd(0.1f), new TrainerOptions { Epochs = 1 }).Fit(data);
    }

    [Fact]
    public void Forward_IsTheHandComputation_WithKerasGuardForAZeroVariance()
    {
        var net = new NormalizedNet(4);
        var twin = new NormalizedNetTwin(4);
        net.Adapt(s_rows);
        // A third feature with a variance below ε² (σ = 1e-8 < ε): divided by ε = 1e-7, as Keras.
        net.RunningStatistics[5] = 1e-16f;
        float[] stats = net.RunningStatistics.ToArray();
        foreach (float[] x in new[] { new[] { 2.5f, 7f, 1000003f }, [-1f, 8f, 1000004.5f], [6f, 6.5f, 999990f] })
        {
            float[] normalized = [.. Enumerable.Range(0, 3).Select(j => Normalize(x[j], stats[j], stats[3 + j]))];
            float[] expected = new float[2], actual = new float[2];
            twin.Forward(normalized, expected);
            net.Forward(x, actual);
            Assert.Equal(expected, actual);
        }
        Assert.Equal(1f / 1e-7f, Normalize(8f, 7f, 0f));   // the constant feature's deviation, divided by ε

        var only = new NormalizationOnly();
        only.Adapt([1f, 10f, 3f, 10f]);
        float[] y = new float[2];
        only.Forward([4f, 12f], y);
        Assert.Equal([2f, 2e7f], y);                       // μ = (2, 10), σ² = (1, 0): (4 − 2)/1 and (12 − 10)/1e-7
    }

    [Fact]
    public void Backward_EqualsTheTwinOnNormalisedInputs_AndMatchesFiniteDifferencesThroughTheLayer()
    {
        var net = new NormalizedNet(5);
        var twin = new NormalizedNetTwin(5);
        net.Adapt(s_rows);
        net.RunningStatistics[1] = 0.25f; // a finite σ = 0.5 on the constant feature, so every feature moves the loss smoothly
        float[] stats = net.RunningStatistics.ToArray();
        float[] x = [2f, 7.2f, 1000002.5f], y = [0f, 1f];
        float[] normalized = [.. Enumerable.Range(0, 3).Select(j => Normalize(x[j], stats[j], stats[3 + j]))];
        float loss = net.Backward(x, y);
        Assert.Equal(twin.Backward(normalized, y), loss);
        Assert.Equal(twin.Gradients.ToArray(), net.Gradients.ToArray());

        float[] analytic = net.Gradients.ToArray();
        var output = new float[2];
        for (int i = 0; i < NormalizedNet.ParameterCount; i++)
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

    public static TheoryData<int> Batches() => new() { 1, 3, 8, 37 };

    [Theory]
    [MemberData(nameof(Batches))]
    public void ForwardBatch_And_BackwardBatch_EqualOneSampleAtATime_BitForBit(int batch)
    {
        var random = new SeededRandom(batch);
        float[] x = [.. Enumerable.Range(0, batch * 20).Select(i => 30f * random.NextSingle() + i % 20)];
        float[] y = [.. Enumerable.Range(0, batch).Select(_ => random.NextSingle())];
        ITrainableNetwork a = Adapted(new NormalizedWideNet(7), x), b = Adapted(new NormalizedWideNet(7), x);
        var outputs = new float[batch];
        a.ForwardBatch(x, outputs, batch);
        var one = new float[1];
        for (int s = 0; s < batch; s++)
        {
            a.Forward(x.AsSpan(s * 20, 20), one);
            Assert.Equal(one[0], outputs[s]);
        }
        var losses = new float[batch];
        float total = a.BackwardBatch(x, y, batch, losses);
        float sum = 0;
        for (int s = 0; s < batch; s++)
        {
            float loss = b.Backward(x.AsSpan(s * 20, 20), y.AsSpan(s, 1));
            Assert.Equal(loss, losses[s]);
            sum += loss;
        }
        Assert.Equal(sum, total);
        Assert.Equal(b.Gradients.ToArray(), a.Gradients.ToArray());

        ITrainableNetwork c = Adapted(new NormalizedNet(3), [.. s_rows]), d = Adapted(new NormalizedNet(3), [.. s_rows]);
        float[] xs = [.. Enumerable.Range(0, batch * 3).Select(i => s_rows[i % 15] + random.NextSingle())];
        float[] ys = [.. Enumerable.Range(0, batch).SelectMany(i => i % 2 == 0 ? new[] { 1f, 0f } : [0f, 1f])];
        var small = new float[batch * 2];
        c.ForwardBatch(xs, small, batch);
        c.BackwardBatch(xs, ys, batch);
        var two = new float[2];
        for (int s = 0; s < batch; s++)
        {
            c.Forward(xs.AsSpan(s * 3, 3), two);
            Assert.Equal(two, small.AsSpan(s * 2, 2).ToArray());
            d.Backward(xs.AsSpan(s * 3, 3), ys.AsSpan(s * 2, 2));
        }
        Assert.Equal(d.Gradients.ToArray(), c.Gradients.ToArray());
    }

    private static T Adapted<T>(T net, float[] rows) where T : IAdaptableNetwork
    {
        net.Adapt(rows);
        return net;
    }

    [Fact]
    public void Adapt_RefusesNaNAndInfinity_NamingRowAndFeature_AndLeavesTheStateUnchanged()
    {
        var net = new NormalizedNet(1);
        net.Adapt(s_rows);
        float[] before = net.RunningStatistics.ToArray();
        float[] bad = [.. s_rows];
        bad[3 * 3 + 2] = float.NaN;
        var error = Assert.Throws<ArgumentException>(() => net.Adapt(bad));
        Assert.Equal("rows", error.ParamName);
        Assert.StartsWith("NormalizedNet.Adapt: rows's row 3 has NaN at feature 2;", error.Message);
        Assert.Equal(before, net.RunningStatistics.ToArray());

        bad[3 * 3 + 2] = 1f;
        bad[1] = float.PositiveInfinity;
        var fresh = new NormalizedNet(1);
        error = Assert.Throws<ArgumentException>(() => fresh.Adapt(new Dataset(bad, new float[10], 3, 2)));
        Assert.Equal("data", error.ParamName);
        Assert.Contains("row 0 has Infinity at feature 1", error.Message);
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], fresh.RunningStatistics.ToArray());
        Assert.False(fresh.IsAdapted);
    }

    [Fact]
    public void Adapt_RefusesWrongLengths()
    {
        var net = new NormalizedNet(1);
        var error = Assert.Throws<ArgumentException>(() => net.Adapt(new float[7]));
        Assert.Equal("rows", error.ParamName);
        Assert.Contains("needs whole rows of 3 values (InputSize), at least one; rows has 7 values", error.Message);
        Assert.Throws<ArgumentException>(() => net.Adapt(ReadOnlySpan<float>.Empty));
        error = Assert.Throws<ArgumentException>(() => net.Adapt(new Dataset(new float[8], new float[4], 4, 2)));
        Assert.Equal("data", error.ParamName);
        Assert.Contains("needs inputs of 3 values (InputSize); data has inputs of 4", error.Message);
        Assert.Throws<ArgumentNullException>(() => net.Adapt((Dataset)null!));
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], net.RunningStatistics.ToArray());
        Assert.False(net.IsAdapted);
    }

    [Fact]
    public void State_TravelsAsRunningMeanAndVar_ThroughSafetensorsAndCheckpoints_AndCountsInSummary()
    {
        var net = new NormalizedNet(6);
        net.Adapt(s_rows);
        Assert.Equal(["0.running_mean", "0.running_var", "1.weight", "1.bias", "3.weight", "3.bias"], StateDict.Tensors(net).Select(t => t.Name).ToArray());
        Assert.Equal(["scale.running_mean", "scale.running_var", "1.weight", "1.bias", "head.weight", "head.bias"],
            StateDict.Tensors(new RtNormalized()).Select(t => t.Name).ToArray());

        var stream = new MemoryStream();
        SafeTensors.Write(net, stream);
        var loaded = new NormalizedNet(9);
        Assert.False(loaded.IsAdapted);
        stream.Position = 0;
        SafeTensors.Read(loaded, stream, "memory");
        Assert.True(loaded.IsAdapted);
        Assert.Equal(net.RunningStatistics.ToArray(), loaded.RunningStatistics.ToArray());
        Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());

        // A NaN variance in a file is refused like any other tensor, and the network keeps what it had.
        var poisoned = new NormalizedNet(6);
        poisoned.Adapt(s_rows);
        poisoned.RunningStatistics[4] = float.NaN;
        var bad = new MemoryStream();
        SafeTensors.Write(poisoned, bad);
        var target = new NormalizedNet(9);
        bad.Position = 0;
        var refusal = Assert.Throws<NonFiniteWeightException>(() => SafeTensors.Read(target, bad, "memory"));
        Assert.Contains("0.running_var", refusal.Message);
        Assert.False(target.IsAdapted);
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f], target.RunningStatistics.ToArray());

        string path = Path.Combine(Path.GetTempPath(), "netgen-normalization-" + Guid.NewGuid().ToString("N") + ".ckpt");
        try
        {
            var adam = new Adam(0.01f);
            Checkpoint.Save(path, net, adam);
            var resumed = new NormalizedNet(9);
            Checkpoint.Load(path, resumed, new Adam(0.01f));
            Assert.True(resumed.IsAdapted);
            Assert.Equal(net.RunningStatistics.ToArray(), resumed.RunningStatistics.ToArray());
        }
        finally
        {
            File.Delete(path);
        }

        string summary = net.Summary();
        Assert.Contains("normalization_1 (Normalization)   (None, 3)            6", summary);
        Assert.Contains("Total params: 32\nTrainable params: 26\nNon-trainable params: 6", summary.Replace("\r\n", "\n"));
    }

    [Fact]
    public void ForwardBackwardAndTrainStep_AllocateNothing()
    {
        var net = new NormalizedWideNet(1);
        var random = new SeededRandom(2);
        float[] x = [.. Enumerable.Range(0, 8 * 20).Select(_ => random.NextSingle())];
        float[] y = new float[8], output = new float[8];
        net.Adapt(x);
        void Body()
        {
            net.Forward(x.AsSpan(0, 20), output.AsSpan(0, 1));
            net.ForwardBatch(x, output, 8);
            net.Backward(x.AsSpan(0, 20), y.AsSpan(0, 1));
            net.BackwardBatch(x, y, 8);
            net.TrainStep(x.AsSpan(0, 20), y.AsSpan(0, 1), 0.01f);
            net.TrainStepBatch(x, y, 8, 0.01f);
        }
        Body();
        Assert.Equal(0, Allocations.Minimum(Body));
    }

    [Fact]
    public void TrainStep_OnANaNInput_IsRefusedByTheGuard_AndChangesNothing()
    {
        var net = new NormalizedNet(3);
        net.Adapt(s_rows);
        float[] before = net.Parameters.ToArray();
        var error = Assert.Throws<NonFiniteException>(() => net.TrainStep([float.NaN, 7f, 1000003f], [1f, 0f], 0.1f));
        Assert.Contains("layer 2", error.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal([3f, 7f, 1000003f, 2f, 0f, 2f], net.RunningStatistics.ToArray());
    }
}

/// <summary>Issue 13: the adapted mean and variance embedded at compile time with the weights.</summary>
public class EmbeddedNormalizationTests
{
    [Fact]
    public void EmbeddedWeights_CarryTheMeanAndVariance_TheNetworkIsAdapted_AndInfersLikeALoadedOne()
    {
        Assert.Equal([5.84375f, 3.0625f, 3.75f, 0.6875f, 0.1875f, 3.125f], EmbeddedNormalizedNet.EmbeddedRunningStatistics.ToArray());
        var embedded = new EmbeddedNormalizedNet();
        Assert.True(embedded.IsAdapted);
        Assert.Equal(EmbeddedNormalizedNet.EmbeddedRunningStatistics.ToArray(), embedded.RunningStatistics.ToArray());
        Assert.False(new EmbeddedNormalizedNet(seed: 1).IsAdapted);

        var loaded = new NormalizedNet();
        WeightsJson.Load(loaded, Path.Combine(WeightFiles.FixtureDirectory, "normalized_net.weights.json"));
        Assert.True(loaded.IsAdapted);
        Assert.Equal(loaded.Parameters.ToArray(), embedded.Parameters.ToArray());
        float[] x = [6.1f, 2.8f, 4.7f];
        float[] a = new float[2], b = new float[2], c = new float[2];
        loaded.Forward(x, a);
        embedded.Forward(x, b);
        EmbeddedNormalizedNet.ForwardEmbedded(x, c);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
    }
}
