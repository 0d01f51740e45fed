using System;
using System.Globalization;
using System.Linq;
using NetGen.Training;
using Scenarios;

// The textbook's training scenarios S5, S6 and S7 as a program (the runs themselves are in Scenarios.cs):
//   dotnet run --project examples/Scenarios            (all three)
//   dotnet run --project examples/Scenarios -- s6      (one of s5, s6, s7)

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string which = args.Length > 0 ? args[0].ToLowerInvariant() : "all";
if (which is not ("all" or "s5" or "s6" or "s7"))
{
    Console.Error.WriteLine($"Unknown scenario '{args[0]}': use s5, s6 or s7 (or nothing for all three).");
    return 2;
}
if (which is "all" or "s5")
{
    Console.WriteLine("S5 · 4×3-pixel recogniser: 12 → 3 sigmoid → 2 sigmoid, squared error, SGD η = 0.5, batch 4");
    PixelResult s5 = Scenario.PixelRecognizer();
    Console.WriteLine($"  squared error per epoch: {s5.History.Epochs[0].TrainLoss:F4} (epoch 1) → {s5.History.Epochs[^1].TrainLoss:F4} (epoch {s5.History.Epochs.Count})");
    Console.WriteLine($"  the clean \"0\": outputs ({s5.CleanZero[0]:F3}, {s5.CleanZero[1]:F3}) → {(s5.CleanZero[0] > s5.CleanZero[1] ? "0" : "1")}");
    Console.WriteLine($"  the clean \"1\": outputs ({s5.CleanOne[0]:F3}, {s5.CleanOne[1]:F3}) → {(s5.CleanOne[0] > s5.CleanOne[1] ? "0" : "1")}");
    Console.WriteLine($"  accuracy on all {s5.Images.Count} images: {s5.Accuracy:F4}");
    Console.WriteLine();
}
if (which is "all" or "s6")
{
    Console.WriteLine("S6 · MNIST-shaped MLP: 784 → 128 ReLU → 64 ReLU → 10 softmax, cross-entropy, Adam 1e-3, batch 32 (synthetic 28×28 digits)");
    foreach (EpochResult epoch in Scenario.MnistShaped().Epochs)
    {
        Console.WriteLine($"  epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, validation accuracy {epoch.ValidationAccuracy:F4}");
    }
    Console.WriteLine($"  {MnistMlp.ParameterCount:N0} parameters");
    Console.WriteLine();
}
if (which is "all" or "s7")
{
    Console.WriteLine("S7 · the Keras example: 10 → 64 ReLU → Dropout 0.5 → 1 sigmoid, Adam, binary cross-entropy, 100 epochs, batch 32");
    KerasResult s7 = Scenario.KerasExample();
    TrainingHistory h = s7.History;
    Console.WriteLine($"  {h.Iterations} iterations; loss {h.Epochs[0].TrainLoss:F4} → {h.Epochs[^1].TrainLoss:F4}, " +
        $"training accuracy {h.Epochs[0].TrainAccuracy:F2} → {h.Epochs[^1].TrainAccuracy:F2} (random labels: 0.5 by chance)");
    Console.WriteLine($"  predict: first five {string.Join(", ", s7.Predictions.Take(5).Select(p => p.ToString("F3")))}; labels {string.Join(", ", s7.Labels.Take(5))}");
    Console.WriteLine();
}
return 0;
