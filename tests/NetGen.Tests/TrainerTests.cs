using NetGen.Training;

namespace NetGen.Tests;

/// <summary>The trainer: determinism, the NaN/∞ guard, data checks, stopping criteria, progress, cancellation, allocations.</summary>
public class TrainerTests
{
    /// <summary>Three noisy Gaussian blobs in 4-D, one-hot targets for OptimizerNet.</summary>
    internal static Dataset Blobs(int count, long seed)
    {
        var random = new SeededRandom(seed);
        var x = new float[count * 4];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = labels[i] = random.NextInt(3);
            for (int j = 0; j < 4; j++)
            {
                x[i * 4 + j] = (j == c ? 2f : 0f) + (float)random.NextGaussian() * 0.5f;
            }
        }
        return Dataset.FromLabels(x, 4, labels, 3);
    }

    [Fact]
    public void SameSeedsGiveBitIdenticalParameters()
    {
        float[] Train(long shuffleSeed)
        {
            var net = new MixedTrainingNet(seed: 3);
            var data = Dataset.FromLabels(Blobs(64, 1).Inputs.ToArray().Concat(new float[64]).Take(64 * 5).ToArray(), 5, Enumerable.Range(0, 64).Select(i => i % 4).ToArray(), 4);
            new Trainer(net, new Adam(0.01f), new TrainerOptions { Epochs = 3, BatchSize = 10, Seed = shuffleSeed, L2 = 1e-3f, ClipNorm = 1f }).Fit(data);
            return net.Parameters.ToArray().Concat(net.RunningStatistics.ToArray()).ToArray();
        }
        float[] first = Train(5);
        Assert.Equal(first, Train(5));
        Assert.NotEqual(first, Train(6));
    }

    [Fact]
    public void LearnsAndReportsHistory()
    {
        var net = new OptimizerNet(seed: 1);
        Dataset train = Blobs(300, 1), validation = Blobs(100, 2);
        TrainingHistory history = new Trainer(net, new Adam(0.02f), new TrainerOptions { Epochs = 15, BatchSize = 16, EvaluateTrainingSet = true }).Fit(train, validation);
        Assert.Equal(15, history.Epochs.Count);
        Assert.Equal(StopReason.Completed, history.StopReason);
        Assert.Equal(15 * 19, history.Iterations);
        EpochResult last = history.Epochs[^1];
        Assert.True(last.TrainLoss < history.Epochs[0].TrainLoss / 2, $"train loss {history.Epochs[0].TrainLoss} → {last.TrainLoss}");
        Assert.True(last.ValidationAccuracy > 0.9f, $"validation accuracy {last.ValidationAccuracy}");
        Assert.NotNull(last.TrainAccuracy);
        Evaluation evaluation = Metrics.Evaluate(net, validation);
        Assert.Equal(last.ValidationLoss, evaluation.Loss);
        Assert.Equal(100, evaluation.Confusion.Total);
        Assert.Equal(evaluation.Errors, 100 - evaluation.Confusion.Correct);
    }

    [Fact]
    public void NaNInInputsIsRejectedBeforeTrainingNamingTheSample()
    {
        var net = new OptimizerNet();
        float[] before = net.Parameters.ToArray();
        Dataset data = Blobs(20, 1);
        float[] x = data.Inputs.ToArray();
        x[13 * 4 + 2] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(0.1f)).Fit(new Dataset(x, data.Targets.ToArray(), 4, 3)));
        Assert.Contains("sample 13", e.Message);
        Assert.Contains("input", e.Message);
        float[] y = data.Targets.ToArray();
        y[7 * 3] = float.PositiveInfinity;
        e = Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(0.1f)).Fit(data, new Dataset(data.Inputs.ToArray(), y, 4, 3)));
        Assert.Contains("validation", e.Message);
        Assert.Contains("sample 7", e.Message);
        Assert.Contains("target", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void DivergingGradientsStopTrainingNamingTheLayer()
    {
        // An absurd learning rate on an unbounded regression: the weights explode until a gradient overflows.
        var net = new LinearRegressionMean();
        float[] x = [1e15f, 2e15f, 3e15f, 4e15f];
        var data = new Dataset(x, [5, 7, 9, 11], 1, 1);
        var e = Assert.Throws<NonFiniteException>(() => new Trainer(net, new Sgd(1f), new TrainerOptions { Epochs = 50, BatchSize = 4 }).Fit(data));
        Assert.True(float.IsFinite(net.Parameters[0]) && float.IsFinite(net.Parameters[1]), "the failing step is not applied");
        Assert.NotNull(e.Sample ?? (object?)e.Layer);
        if (e.Layer is not null)
        {
            Assert.Equal(1, e.Layer.Index);
            Assert.Contains("layer 1 (Dense 1 → 1", e.Message);
        }
        else
        {
            Assert.Contains("training sample", e.Message);
        }
        Assert.Equal(e.Epoch - 1, e.History.Epochs.Count);
    }

    [Fact]
    public void NaNGradientNamesTheLayerAndParameter()
    {
        // ∞ in a weight of layer 2 makes its gradients NaN on the first step (the inputs are fine).
        var net = new OptimizerNet(seed: 1);
        net.Parameters[OptimizerNet.Layers[1].WeightOffset + 4] = float.PositiveInfinity;
        var e = Assert.Throws<NonFiniteException>(() => new Trainer(net, new Sgd(0.1f), new TrainerOptions { BatchSize = 4 }).Fit(Blobs(8, 1)));
        Assert.Equal(1, e.Iteration);
        if (e.Layer is { } layer)
        {
            Assert.Contains(layer.ToString(), e.Message);
            Assert.Contains(layer.DescribeParameter(e.ParameterIndex!.Value), e.Message);
        }
        else
        {
            Assert.NotNull(e.Sample);
            Assert.Contains($"training sample {e.Sample}", e.Message);
        }
    }

    [Fact]
    public void OverflowingGradientWithFiniteLossNamesTheLayer()
    {
        // |ŷ − y| stays finite for inputs of 1e20, but ∂L/∂W = δ·xᵀ is about 1e20 and the gradient norm overflows.
        var net = new LinearMaeNet(seed: 1);
        float[] before = net.Parameters.ToArray();
        var data = new Dataset([1e20f, -1e20f, 3e19f, 2e20f], [0f, 1f], 2, 1);
        var e = Assert.Throws<NonFiniteException>(() => new Trainer(net, new Sgd(0.1f), new TrainerOptions { BatchSize = 2 }).Fit(data));
        Assert.Null(e.Sample);
        Assert.NotNull(e.Layer);
        Assert.Contains("overflows", e.Message);
        Assert.Contains(e.Layer!.ToString(), e.Message);
        Assert.True(e.Layer.Contains(e.ParameterIndex!.Value));
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Empty(e.History.Epochs);
    }

    [Fact]
    public void MismatchedLengthsAreRejectedBeforeTraining()
    {
        Assert.Throws<ArgumentException>(() => new Dataset(new float[10], new float[3], 4, 1));
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[12], new float[4], 4, 1));
        Assert.Contains("3 samples", e.Message);
        e = Assert.Throws<ArgumentException>(() => Dataset.FromRows([[1f, 2f], [3f]], [[0f], [1f]]));
        Assert.Contains("inputs[1]", e.Message);
        var net = new OptimizerNet();
        e = Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(0.1f)).Fit(new Dataset(new float[10], new float[15], 2, 3)));
        Assert.Contains("InputSize", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(0.1f), new TrainerOptions { EarlyStopping = new EarlyStopping() }).Fit(Blobs(10, 1)));
        Assert.Contains("validation", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Trainer(new BatchNormReluSoftmax(), new Sgd(0.1f), new TrainerOptions { BatchSize = 4 }).Fit(Blobs(9, 1)));
        Assert.Contains("DropLast", e.Message);
        new Trainer(new BatchNormReluSoftmax(), new Sgd(0.1f), new TrainerOptions { BatchSize = 4, DropLast = true, Epochs = 1 }).Fit(Blobs(9, 1));
    }

    [Fact]
    public void StopsOnMaxIterationsAndGradientNorm()
    {
        var net = new OptimizerNet(seed: 2);
        TrainingHistory h = new Trainer(net, new Sgd(0.1f), new TrainerOptions { Epochs = 100, BatchSize = 10, MaxIterations = 25 }).Fit(Blobs(50, 1));
        Assert.Equal(StopReason.MaxIterations, h.StopReason);
        Assert.Equal(25, h.Iterations);
        Assert.Equal(5, h.Epochs.Count);

        h = new Trainer(new OptimizerNet(seed: 2), new Sgd(0.5f), new TrainerOptions { Epochs = 10_000, BatchSize = 50, Shuffle = false, GradientNormThreshold = 0.05f }).Fit(Blobs(50, 1));
        Assert.Equal(StopReason.GradientNormBelowThreshold, h.StopReason);
        Assert.True(h.Epochs[^1].GradientNorm < 0.05f);
        Assert.True(h.Epochs.Take(h.Epochs.Count - 1).All(e => e.GradientNorm >= 0.05f));
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestParameters()
    {
        // A tiny training set and a large learning rate: validation loss rises after a while.
        var net = new OptimizerNet(seed: 4);
        Dataset train = Blobs(12, 3), validation = Blobs(200, 4);
        float[]? best = null;
        float bestLoss = float.PositiveInfinity;
        var progress = new SynchronousProgress(p =>
        {
            if (p.Completed is { ValidationLoss: { } v } && v < bestLoss)
            {
                bestLoss = v;
                best = net.Parameters.ToArray();
            }
        });
        TrainingHistory h = new Trainer(net, new Adam(0.1f), new TrainerOptions { Epochs = 500, BatchSize = 4, EarlyStopping = new EarlyStopping(Patience: 3) }).Fit(train, validation, progress);
        Assert.Equal(StopReason.EarlyStopping, h.StopReason);
        Assert.True(h.Epochs.Count < 500);
        Assert.Equal(h.BestEpoch + 3, h.Epochs.Count);
        Assert.Equal(bestLoss, h.Epochs[h.BestEpoch - 1].ValidationLoss);
        Assert.Equal(best, net.Parameters.ToArray());
    }

    [Fact]
    public void ReportsProgressWithinAndAtTheEndOfEpochs()
    {
        var reports = new List<TrainingProgress>();
        new Trainer(new OptimizerNet(), new Sgd(0.1f), new TrainerOptions { Epochs = 2, BatchSize = 2, ProgressInterval = 10 }).Fit(Blobs(50, 1), null, new SynchronousProgress(reports.Add));
        Assert.Equal(2 * 3, reports.Count);
        Assert.Equal([10, 20, 25, 10, 20, 25], reports.Select(r => r.Batch));
        Assert.All(reports, r => Assert.Equal(25, r.Batches));
        Assert.Equal(2, reports.Count(r => r.Completed is not null));
        Assert.Equal(reports[2].Completed!.TrainLoss, reports[2].Loss);
    }

    [Fact]
    public void CancellationStopsBetweenSteps()
    {
        using var cts = new CancellationTokenSource();
        var net = new OptimizerNet();
        int reports = 0;
        var progress = new SynchronousProgress(p =>
        {
            if (++reports == 3)
            {
                cts.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() => new Trainer(net, new Sgd(0.1f), new TrainerOptions { Epochs = 5, BatchSize = 2, ProgressInterval = 1 }).Fit(Blobs(20, 1), null, progress, cts.Token));
        Assert.Equal(3, reports);
        Assert.All(net.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void AllocationsDoNotGrowWithTheNumberOfSteps()
    {
        long Measure(int count)
        {
            var net = new MixedTrainingNet(seed: 1);
            var data = Dataset.FromLabels(new float[count * 5].Select((_, i) => (i % 7) / 7f).ToArray(), 5, Enumerable.Range(0, count).Select(i => i % 4).ToArray(), 4);
            var trainer = new Trainer(net, new Adam(), new TrainerOptions { Epochs = 2, BatchSize = 8, L1 = 1e-4f, ClipNorm = 1f, ClipValue = 0.5f });
            trainer.Fit(data);
            return Allocations.Minimum(() => trainer.Fit(data));
        }
        long small = Measure(80), large = Measure(800);
        // Per Fit: batch buffers, the shuffle order (4 bytes per sample) and the history; nothing per step.
        Assert.Equal(small + (800 - 80) * 4, large);
    }

    [Fact]
    public void ZeroOneLossIsTheTextbooksExample()
    {
        Assert.Equal([0, 1, 1], Metrics.ZeroOneLoss([1, 0, 1], [1, 1, 0]));
        Assert.Equal(2, Metrics.ZeroOneLoss([1, 0, 1], [1, 1, 0]).Sum());
    }

    [Fact]
    public void ConfusionMatrixCounts()
    {
        var m = new ConfusionMatrix(3);
        m.Add(0, 0);
        m.Add(1, 2);
        m.Add(1, 1);
        m.Add(2, 2);
        Assert.Equal((4, 3, 0.75f), (m.Total, m.Correct, m.Accuracy));
        Assert.Equal(1, m[1, 2]);
        Assert.Equal(0, m[2, 1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(3, 0));
        Assert.Contains("actual", m.ToString());
    }

    [Fact]
    public void SplitIsFixedForASeed()
    {
        Dataset data = Blobs(100, 1);
        var (train, test) = data.Split(0.2, seed: 42);
        Assert.Equal((80, 20), (train.Count, test.Count));
        var (train2, test2) = data.Split(0.2, seed: 42);
        Assert.Equal(test.Inputs.ToArray(), test2.Inputs.ToArray());
        Assert.Equal(train.Targets.ToArray(), train2.Targets.ToArray());
    }

    /// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
