using System;
using System.Collections.Generic;
using System.Linq;
using NetGen;
using NetGen.Training;

namespace Scenarios;

/// <summary>S5: the 4×3-pixel "0 or 1" recogniser, 12 → 3 sigmoid → 2 sigmoid, squared-error cost (summed, as in the seeds).</summary>
[Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)]
[Input(12)]
[Dense(3, Activation.Sigmoid)]
[Dense(2, Activation.Sigmoid)]
public sealed partial class PixelRecognizer;

/// <summary>S6: the MNIST-shaped MLP 784 → 128 ReLU → 64 ReLU → 10 softmax, cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(784)]
[Dense(128, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class MnistMlp;

/// <summary>S7: the Keras example, 10 → Dense 64 ReLU → Dropout 0.5 → Dense 1 sigmoid, binary cross-entropy.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(10)]
[Dense(64, Activation.ReLU)]
[Dropout(0.5)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class KerasMlp;

/// <summary>S5's outcome: the training history, the accuracy on all 26 images, the outputs for the two clean images.</summary>
public sealed record PixelResult(PixelRecognizer Network, Dataset Images, TrainingHistory History, float Accuracy, float[] CleanZero, float[] CleanOne);

/// <summary>S7's outcome: the history, <c>predict</c> on the training inputs, and the (random) labels.</summary>
public sealed record KerasResult(TrainingHistory History, float[] Predictions, float[] Labels);

/// <summary>
/// The textbook's training scenarios S5, S6 and S7. Program.cs prints them; tests/NetGen.Tests/TrainingScenarioTests.cs
/// asserts on the same runs.
/// </summary>
public static class Scenario
{
    /// <summary>The two 4×3 images (1 = ink) of S5, "0" and "1".</summary>
    public static readonly int[] Zero = [1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1], One = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1];

    /// <summary>S5's data: each image and the twelve images with one pixel flipped, 26 samples, one-hot targets.</summary>
    public static Dataset Pixels()
    {
        var inputs = new List<float[]>();
        var targets = new List<float[]>();
        foreach ((int[] image, float[] target) in new[] { (Zero, new[] { 1f, 0f }), (One, new[] { 0f, 1f }) })
        {
            for (int flip = -1; flip < 12; flip++)
            {
                inputs.Add(image.Select((p, i) => (float)(i == flip ? 1 - p : p)).ToArray());
                targets.Add(target);
            }
        }
        return Dataset.FromRows(inputs, targets);
    }

    /// <summary>S5: mini-batch gradient descent (η = 0.5, batch 4, 300 epochs) learns both digits.</summary>
    public static PixelResult PixelRecognizer()
    {
        Dataset data = Pixels();
        var net = new PixelRecognizer(seed: 1);
        TrainingHistory history = new Trainer(net, new Sgd(0.5f), new TrainerOptions { Epochs = 300, BatchSize = 4, Seed = 1 }).Fit(data);
        float[] zero = new float[2], one = new float[2];
        net.Forward(Zero.Select(p => (float)p).ToArray(), zero);
        net.Forward(One.Select(p => (float)p).ToArray(), one);
        return new PixelResult(net, data, history, Metrics.Evaluate(net, data, ModelKind.Classification).Accuracy, zero, one);
    }

    /// <summary>
    /// S6's data: synthetic 28×28 "digits" — class k lights a 7×3 bar at its own place, with noise everywhere. Small and fast,
    /// but the full 784-input shape (for the real UCI digits see examples/Digits).
    /// </summary>
    public static Dataset SyntheticDigits(int count, long seed)
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

    /// <summary>S6: 784-128-64-10 with Adam (1e-3), batch 32, three epochs, validated on 200 fresh samples.</summary>
    public static TrainingHistory MnistShaped()
    {
        var net = new MnistMlp(seed: 1);
        return new Trainer(net, new Adam(1e-3f), new TrainerOptions { Epochs = 3, BatchSize = 32 }).Fit(SyntheticDigits(600, 1), SyntheticDigits(200, 2));
    }

    /// <summary>
    /// S7, the Keras example: X = np.random.rand(100, 10), y = np.random.randint(2, size=(100, 1)),
    /// model.fit(X, y, epochs=100, batch_size=32), predictions = model.predict(X). The labels are random, so the network can
    /// only memorise them; dropout is active in training and off in predict.
    /// </summary>
    public static KerasResult KerasExample()
    {
        var random = new SeededRandom(0);
        float[] x = Enumerable.Range(0, 100 * 10).Select(_ => random.NextSingle()).ToArray();
        float[] y = Enumerable.Range(0, 100).Select(_ => (float)random.NextInt(2)).ToArray();
        var data = new Dataset(x, y, 10, 1);
        var net = new KerasMlp(seed: 0);
        TrainingHistory history = new Trainer(net, new Adam(), new TrainerOptions { Epochs = 100, BatchSize = 32, EvaluateTrainingSet = true }).Fit(data);
        var predictions = new float[100];
        for (int i = 0; i < 100; i++)
        {
            net.Forward(data.Input(i), predictions.AsSpan(i, 1));
        }
        return new KerasResult(history, predictions, y);
    }
}
