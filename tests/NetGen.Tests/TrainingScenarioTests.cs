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
    // S5–S7 are the runs of the program examples/Scenarios (examples/Scenarios/Scenarios.cs), asserted here.

    [Fact]
    public void S5_PixelRecognizerLearnsZeroAndOne()
    {
        Scenarios.PixelResult r = Scenarios.Scenario.PixelRecognizer();
        Assert.Equal(26, r.Images.Count);
        Assert.True(r.History.Epochs[^1].TrainLoss < 0.05f, $"final squared error {r.History.Epochs[^1].TrainLoss}");
        Assert.Equal(1f, r.Accuracy);
        Assert.True(r.CleanZero[0] > 0.9f && r.CleanZero[1] < 0.1f, $"clean 0 → ({r.CleanZero[0]}, {r.CleanZero[1]})");
        Assert.True(r.CleanOne[1] > 0.9f && r.CleanOne[0] < 0.1f, $"clean 1 → ({r.CleanOne[0]}, {r.CleanOne[1]})");
    }

    [Fact]
    public void S6_MnistShapedNetworkTrains()
    {
        // 784 → 128 ReLU → 64 ReLU → 10 softmax on synthetic 28×28 "digits" (class k lights a 7×3 bar at its own place).
        TrainingHistory h = Scenarios.Scenario.MnistShaped();
        Assert.Equal(3, h.Epochs.Count);
        Assert.True(h.Epochs[^1].ValidationAccuracy >= 0.95f, $"test accuracy {h.Epochs[^1].ValidationAccuracy}");
        Assert.True(h.Epochs[^1].TrainLoss < h.Epochs[0].TrainLoss);
    }

    [Fact]
    public void S7_KerasExampleFitsThenPredicts()
    {
        // Random labels: the network can only memorise them, which is what the example shows.
        Scenarios.KerasResult r = Scenarios.Scenario.KerasExample();
        TrainingHistory h = r.History;
        Assert.Equal(100, h.Epochs.Count);
        Assert.Equal(400, h.Iterations);                       // ⌈100 / 32⌉ = 4 batches per epoch
        Assert.True(h.Epochs[^1].TrainLoss < h.Epochs[0].TrainLoss, $"loss {h.Epochs[0].TrainLoss} → {h.Epochs[^1].TrainLoss}");
        // Random labels are 50 % by chance (σ = 5 % for 100 samples); 100 epochs of Adam memorise part of them.
        Assert.True(h.Epochs[^1].TrainAccuracy >= 0.6f, $"accuracy {h.Epochs[^1].TrainAccuracy}");
        Assert.True(h.Epochs[0].TrainAccuracy < h.Epochs[^1].TrainAccuracy);
        Assert.All(r.Predictions, p => Assert.InRange(p, 0f, 1f));
        // predict runs in inference mode (dropout off): its 0.5-thresholded accuracy is the history's last training accuracy.
        Assert.Equal(h.Epochs[^1].TrainAccuracy!.Value, r.Predictions.Select((p, i) => (p > 0.5f) == (r.Labels[i] > 0.5f) ? 1f : 0f).Average(), 5);
    }
}
