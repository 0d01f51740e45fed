using NetGen.Training;

namespace NetGen.Tests;

/// <summary>The textbook's training scenarios: S3 (gradient-norm stop), S5 (4×3 pixels), S6 (784-128-64-10), S7 (the Keras example).</summary>
public class TrainingScenarioTests
{
    [Fact]
    public void S3_TrainerStopsOnTheGradientNormOrTheIterationLimit()
    {
        // X = [1, 2, 3, 4], y = [5, 7, 9, 11]: batch gradient descent until ‖∇L‖ < 10⁻³, w ≈ 2, b ≈ 3.
        var net = new LinearRegressionMean(seed: 0);
        var data = new Dataset([1, 2, 3, 4], [5, 7, 9, 11], 1, 1);
        TrainingHistory h = new Trainer(net, new Sgd(0.05f), new TrainerOptions { Epochs = 100_000, BatchSize = 4, Shuffle = false, GradientNormThreshold = 1e-3f }).Fit(data);
        Assert.Equal(StopReason.GradientNormBelowThreshold, h.StopReason);
        Assert.Equal(2f, net.Parameters[0], 0.01f);
        Assert.Equal(3f, net.Parameters[1], 0.02f);
        // The same run capped by the maximum iteration count.
        h = new Trainer(new LinearRegressionMean(seed: 0), new Sgd(0.05f), new TrainerOptions { Epochs = 100_000, BatchSize = 4, MaxIterations = 10 }).Fit(data);
        Assert.Equal((StopReason.MaxIterations, 10L), (h.StopReason, h.Iterations));
    }

    /// <summary>The 4×3 images: a "0" is a ring, a "1" a vertical bar; every variant with at most one pixel flipped.</summary>
    internal static Dataset Pixels()
    {
        int[] zero = [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1];
        int[] one = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1];
        var inputs = new List<float[]>();
        var targets = new List<float[]>();
        foreach ((int[] image, float[] target) in new[] { (zero, new[] { 1f, 0f }), (one, new[] { 0f, 1f }) })
        {
            for (int flip = -1; flip < 12; flip++)
            {
                inputs.Add(image.Select((p, i) => (float)(i == flip ? 1 - p : p)).ToArray());
                targets.Add(target);
            }
        }
        return Dataset.FromRows(inputs, targets);
    }

    [Fact]
    public void S5_PixelRecognizerLearnsZeroAndOne()
    {
        var net = new PixelRecognizer(seed: 1);
        Dataset data = Pixels();
        TrainingHistory h = new Trainer(net, new Sgd(0.5f), new TrainerOptions { Epochs = 300, BatchSize = 4, Seed = 1 }).Fit(data);
        Assert.True(h.Epochs[^1].TrainLoss < 0.05f, $"final squared error {h.Epochs[^1].TrainLoss}");
        Assert.Equal(1f, Metrics.Evaluate(net, data).Accuracy);
    }

    [Fact]
    public void S6_MnistShapedNetworkTrains()
    {
        // 784 → 128 ReLU → 64 ReLU → 10 softmax on synthetic 28×28 "digits": class k lights a 7×7 block at a fixed place,
        // with noise everywhere. Small and fast, but the full shape.
        Dataset Make(int count, long seed)
        {
            var random = new SeededRandom(seed);
            var x = new float[count * 784];
            var labels = new int[count];
            for (int i = 0; i < count; i++)
            {
                int k = labels[i] = random.NextInt(10);
                int top = k / 5 * 14 + random.NextInt(4), left = k % 5 * 5 + random.NextInt(2);
                for (int p = 0; p < 784; p++)
                {
                    x[i * 784 + p] = 0.3f * random.NextSingle();
                }
                for (int r = 0; r < 7; r++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        x[i * 784 + (top + r) * 28 + left + c] = 1f;
                    }
                }
            }
            return Dataset.FromLabels(x, 784, labels, 10);
        }
        var net = new MnistMlp(seed: 1);
        Dataset train = Make(600, 1), test = Make(200, 2);
        TrainingHistory h = new Trainer(net, new Adam(1e-3f), new TrainerOptions { Epochs = 3, BatchSize = 32 }).Fit(train, test);
        Assert.True(h.Epochs[^1].ValidationAccuracy >= 0.95f, $"test accuracy {h.Epochs[^1].ValidationAccuracy}");
        Assert.True(h.Epochs[^1].TrainLoss < h.Epochs[0].TrainLoss);
    }

    [Fact]
    public void S7_KerasExampleFitsThenPredicts()
    {
        // X = np.random.rand(100, 10); y = np.random.randint(2, size=(100, 1)); model.fit(X, y, epochs=100, batch_size=32);
        // predictions = model.predict(X). Random labels: the network can only memorise them, which is what the example shows.
        var random = new SeededRandom(0);
        float[] x = Enumerable.Range(0, 100 * 10).Select(_ => random.NextSingle()).ToArray();
        float[] y = Enumerable.Range(0, 100).Select(_ => (float)random.NextInt(2)).ToArray();
        var data = new Dataset(x, y, 10, 1);
        var net = new KerasMlp(seed: 0);
        TrainingHistory h = new Trainer(net, new Adam(), new TrainerOptions { Epochs = 100, BatchSize = 32, EvaluateTrainingSet = true }).Fit(data);
        Assert.Equal(100, h.Epochs.Count);
        Assert.Equal(400, h.Iterations);                       // ⌈100 / 32⌉ = 4 batches per epoch
        Assert.True(h.Epochs[^1].TrainLoss < h.Epochs[0].TrainLoss, $"loss {h.Epochs[0].TrainLoss} → {h.Epochs[^1].TrainLoss}");
        // Random labels are 50 % by chance (σ = 5 % for 100 samples); 100 epochs of Adam memorise part of them.
        Assert.True(h.Epochs[^1].TrainAccuracy >= 0.6f, $"accuracy {h.Epochs[^1].TrainAccuracy}");
        Assert.True(h.Epochs[0].TrainAccuracy < h.Epochs[^1].TrainAccuracy);

        var predictions = new float[100];
        for (int i = 0; i < 100; i++)
        {
            net.Forward(data.Input(i), predictions.AsSpan(i, 1));
        }
        Assert.All(predictions, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(h.Epochs[^1].TrainAccuracy!.Value, predictions.Select((p, i) => (p > 0.5f) == (y[i] > 0.5f) ? 1f : 0f).Average(), 5);
    }
}
