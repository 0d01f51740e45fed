// Handwritten digits (UCI, 8×8 pixels, 1 797 images): train an MLP or a CNN with NetGen's trainer, show a progress bar,
// plot the loss curves and the confusion matrix, and print the test accuracy. Each network is the attributes at the
// bottom; NetGen generates its forward pass, backprop and batched training step at compile time
// (obj/generated/…/DigitsNet.g.cs, DigitsCnn.g.cs).
//
//   dotnet run --project examples/Digits [-- mlp|cnn --seed N --epochs N]
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetGen;
using NetGen.Training;

int seed = 0, epochs = 40;
string? export = null;
bool cnn = args.Length > 0 && args[0] == "cnn";
int first = args.Length > 0 && args[0] is "cnn" or "mlp" ? 1 : 0;
if ((args.Length - first) % 2 != 0)
{
    Console.Error.WriteLine($"expected mlp or cnn first, then pairs of options (--seed N, --epochs N, --export FOLDER); got '{string.Join(' ', args)}'");
    return 2;
}
for (int i = first; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--epochs": epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--export": export = args[i + 1]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]} (use --seed N, --epochs N, --export FOLDER)"); return 2;
    }
}

// ── Data: pixels 0..16 scaled to [0, 1], labels one-hot; a fixed split (seed 2024) of 20 % test, then 10 % of the rest
// for validation (early stopping and the validation curve). The training seed does not move the split.
Dataset all = LoadDigits(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"));
var (rest, test) = all.Split(0.2, seed: 2024);
var (train, validation) = rest.Split(0.1, seed: 2024);
Console.WriteLine($"UCI digits: {all.Count} images of 8×8 pixels → {train.Count} training, {validation.Count} validation, {test.Count} test");

// The same pixels feed both: the MLP reads them as 64 values, the CNN as one 8×8 image (channel, row, column).
ITrainableNetwork net = cnn ? new DigitsCnn(seed) : new DigitsNet(seed);
Console.WriteLine(cnn
    ? $"DigitsCnn: 1×8×8 → conv 32 3×3 ReLU → conv 32 3×3 ReLU → max pool 2 → conv 64 3×3 ReLU → max pool 2 → 128 ReLU → dropout 0.3 → 10 softmax, {DigitsCnn.ParameterCount} parameters; Adam, batch 32, cosine schedule"
    : $"DigitsNet: 64 → 128 ReLU → dropout 0.2 → 64 ReLU → 10 softmax, {DigitsNet.ParameterCount} parameters; Adam, batch 32, cosine schedule");

var options = new TrainerOptions
{
    Epochs = epochs,
    BatchSize = 32,
    Seed = seed,
    Schedule = new CosineAnnealing(epochs, 1e-5f),
    L2 = 1e-5f,
    EarlyStopping = new EarlyStopping(Patience: 8),
    EvaluateTrainingSet = true,
};
var bar = new ProgressBar();
TrainingHistory history = new Trainer(net, new Adam(2e-3f), options).Fit(train, validation, bar);
bar.Finish();

double perEpoch = history.Epochs.Average(e => e.Elapsed.TotalMilliseconds);
Console.WriteLine($"stopped: {history.StopReason} after {history.Epochs.Count} epochs ({history.Iterations} steps), best epoch {history.BestEpoch}; {perEpoch:F1} ms per epoch");

Evaluation result = Metrics.Evaluate(net, test);
Console.WriteLine();
Console.WriteLine("confusion matrix on the test set:");
Console.WriteLine(result.Confusion);
Console.WriteLine($"test loss {result.Loss:F4}, misclassified (0/1 loss) {result.Errors} of {result.Count}");

string plots = Path.Combine(AppContext.BaseDirectory, "plots");
Directory.CreateDirectory(plots);
string prefix = cnn ? "cnn-" : "";
string lossPng = Path.Combine(plots, prefix + "loss.png"), confusionPng = Path.Combine(plots, prefix + "confusion.png");
Plots.Loss(history, lossPng);
Plots.Confusion(result.Confusion, confusionPng);
Console.WriteLine($"plots: {lossPng}");
Console.WriteLine($"       {confusionPng}");
Console.WriteLine($"test accuracy: {result.Accuracy.ToString("F4", CultureInfo.InvariantCulture)}");

// ── The trained model, for PyTorch (safetensors, nn.Sequential state-dict names) and for embedding at compile time
// ([Network(Weights = "digits.weights.json")], as examples/EmbeddedInference does). Both saves are atomic.
string model = export ?? Path.Combine(AppContext.BaseDirectory, "model");
Directory.CreateDirectory(model);
string file = cnn ? "digits-cnn" : "digits";
NetGen.IO.SafeTensors.Save(net, Path.Combine(model, file + ".safetensors"), new Dictionary<string, string>
{
    ["trained_by"] = "NetGen examples/Digits " + (cnn ? "cnn" : "mlp"),
    ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
    ["test_accuracy"] = result.Accuracy.ToString("F4", CultureInfo.InvariantCulture),
});
NetGen.IO.WeightsJson.Save(net, Path.Combine(model, file + ".weights.json"));
Console.WriteLine($"model: {Path.Combine(model, file + ".safetensors")} (+ {file}.weights.json)");
return 0;

static Dataset LoadDigits(string path)
{
    var inputs = new List<float>();
    var labels = new List<int>();
    using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
    while (reader.ReadLine() is { Length: > 0 } line)
    {
        string[] cells = line.Split(',');
        for (int i = 0; i < 64; i++)
        {
            inputs.Add(float.Parse(cells[i], CultureInfo.InvariantCulture) / 16f);
        }
        labels.Add(int.Parse(cells[64], CultureInfo.InvariantCulture));
    }
    return Dataset.FromLabels(inputs.ToArray(), 64, labels, 10);
}

/// <summary>The digits classifier.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(128, Activation.ReLU)]
[Dropout(0.2)]
[Dense(64, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsNet;

/// <summary>The digits CNN: the 8×8 image through three 3×3 convolutions (padding 1) and two poolings, then a small MLP.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 8, 8)]
[Conv2D(32, 3, Activation.ReLU, Padding = 1)]
[Conv2D(32, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Conv2D(64, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Flatten]
[Dense(128, Activation.ReLU)]
[Dropout(0.3)]
[Dense(10, Activation.Softmax)]
public sealed partial class DigitsCnn;
