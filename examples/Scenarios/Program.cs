using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using NetGen;
using NetGen.Training;

// The textbook's training scenarios S5, S6 and S7 as programs you can run and change:
//   dotnet run --project examples/Scenarios            (all three)
//   dotnet run --project examples/Scenarios -- s6      (one of s5, s6, s7)
// The same scenarios are asserted in tests/NetGen.Tests/TrainingScenarioTests.cs.

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string which = args.Length > 0 ? args[0].ToLowerInvariant() : "all";
if (which is not ("all" or "s5" or "s6" or "s7"))
{
    Console.Error.WriteLine($"Unknown scenario '{args[0]}': use s5, s6 or s7 (or nothing for all three).");
    return 2;
}
if (which is "all" or "s5")
{
    Scenario.S5PixelRecognizer();
}
if (which is "all" or "s6")
{
    Scenario.S6MnistShaped();
}
if (which is "all" or "s7")
{
    Scenario.S7KerasExample();
}
return 0;

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

internal static class Scenario
{
    /// <summary>
    /// S5. The two 4×3 images (1 = ink) and, for each, the twelve images with one pixel flipped: 26 samples. Mini-batch
    /// gradient descent learns both digits; then every image is classified.
    /// </summary>
    public static void S5PixelRecognizer()
    {
        Console.WriteLine("S5 · 4×3-pixel recogniser: 12 → 3 sigmoid → 2 sigmoid, squared error, SGD η = 0.5, batch 4");
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
        Dataset data = Dataset.FromRows(inputs, targets);
        var net = new PixelRecognizer(seed: 1);
        TrainingHistory history = new Trainer(net, new Sgd(0.5f), new TrainerOptions { Epochs = 300, BatchSize = 4, Seed = 1 }).Fit(data);
        Console.WriteLine($"  squared error per epoch: {history.Epochs[0].TrainLoss:F4} (epoch 1) → {history.Epochs[^1].TrainLoss:F4} (epoch {history.Epochs.Count})");
        Span<float> output = stackalloc float[2];
        foreach ((string name, int[] image) in new[] { ("0", zero), ("1", one) })
        {
            net.Forward(image.Select(p => (float)p).ToArray(), output);
            Console.WriteLine($"  the clean \"{name}\": outputs ({output[0]:F3}, {output[1]:F3}) → {(output[0] > output[1] ? "0" : "1")}");
        }
        Console.WriteLine($"  accuracy on all 26 images: {Metrics.Evaluate(net, data).Accuracy:F4}");
        Console.WriteLine();
    }

    /// <summary>
    /// S6. The full 784-128-64-10 shape on synthetic 28×28 "digits" (class k lights a 7×3 bar at its own place, noise
    /// everywhere), Adam, three epochs with a validation set. For the real UCI digits see examples/Digits.
    /// </summary>
    public static void S6MnistShaped()
    {
        Console.WriteLine("S6 · MNIST-shaped MLP: 784 → 128 ReLU → 64 ReLU → 10 softmax, cross-entropy, Adam 1e-3, batch 32");
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
        TrainingHistory history = new Trainer(net, new Adam(1e-3f), new TrainerOptions { Epochs = 3, BatchSize = 32 }).Fit(train, test);
        foreach (EpochResult epoch in history.Epochs)
        {
            Console.WriteLine($"  epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, validation accuracy {epoch.ValidationAccuracy:F4}");
        }
        Console.WriteLine($"  {MnistMlp.ParameterCount:N0} parameters");
        Console.WriteLine();
    }

    /// <summary>
    /// S7, the Keras example: X = np.random.rand(100, 10), y = np.random.randint(2, size=(100, 1)),
    /// model.fit(X, y, epochs=100, batch_size=32), predictions = model.predict(X). The labels are random, so the network can
    /// only memorise them; dropout is active in training and off in predict.
    /// </summary>
    public static void S7KerasExample()
    {
        Console.WriteLine("S7 · the Keras example: 10 → 64 ReLU → Dropout 0.5 → 1 sigmoid, Adam, binary cross-entropy, 100 epochs, batch 32");
        var random = new SeededRandom(0);
        float[] x = Enumerable.Range(0, 100 * 10).Select(_ => random.NextSingle()).ToArray();
        float[] y = Enumerable.Range(0, 100).Select(_ => (float)random.NextInt(2)).ToArray();
        var data = new Dataset(x, y, 10, 1);
        var net = new KerasMlp(seed: 0);
        TrainingHistory history = new Trainer(net, new Adam(), new TrainerOptions { Epochs = 100, BatchSize = 32, EvaluateTrainingSet = true }).Fit(data);
        Console.WriteLine($"  {history.Iterations} iterations; loss {history.Epochs[0].TrainLoss:F4} → {history.Epochs[^1].TrainLoss:F4}, " +
            $"training accuracy {history.Epochs[0].TrainAccuracy:F2} → {history.Epochs[^1].TrainAccuracy:F2} (random labels: 0.5 by chance)");
        var predictions = new float[100];
        for (int i = 0; i < 100; i++)
        {
            net.Forward(data.Input(i), predictions.AsSpan(i, 1));
        }
        Console.WriteLine($"  predict: first five {string.Join(", ", predictions.Take(5).Select(p => p.ToString("F3")))}; labels {string.Join(", ", y.Take(5))}");
        Console.WriteLine();
    }
}
