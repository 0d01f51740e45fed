// Trains the digits classifier in NetGen (Adam, mini-batches) and exports it for embedding:
//   dotnet run --project tools/TrainDigits -c Release
// writes examples/EmbeddedInference/Models/digits-netgen.safetensors and digits-netgen.weights.json.
// Data: data/digits.csv.gz (UCI digits, 8×8 pixels 0..16, label last); row i is a test row when i % 5 == 0.
using System.Globalization;
using System.IO.Compression;
using NetGen;
using NetGen.IO;
using NetGen.Training;

string root = FindRoot();
var (trainX, trainY, testX, testY) = LoadDigits(Path.Combine(root, "data", "digits.csv.gz"));
var train = Dataset.FromLabels(trainX, 64, trainY, 10);
var test = Dataset.FromLabels(testX, 64, testY, 10);

var network = new DigitsNet(seed: 1);
var trainer = new Trainer(network, new Adam(learningRate: 0.01f), new TrainerOptions { Epochs = 40, BatchSize = 32, Seed = 1 });
TrainingHistory history = trainer.Fit(train);
Evaluation evaluation = Metrics.Evaluate(network, test);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{history.Epochs.Count} epochs, final training loss {history.Epochs[^1].TrainLoss:F4}; test accuracy: {evaluation.Accuracy:F4} ({test.Count} rows)"));

string models = Path.Combine(root, "examples", "EmbeddedInference", "Models");
var metadata = new Dictionary<string, string>
{
    ["trained_by"] = "NetGen tools/TrainDigits",
    ["test_accuracy"] = evaluation.Accuracy.ToString("F4", CultureInfo.InvariantCulture),
};
SafeTensors.Save(network, Path.Combine(models, "digits-netgen.safetensors"), metadata);
WeightsJson.Save(network, Path.Combine(models, "digits-netgen.weights.json"));
Console.WriteLine($"wrote {Path.Combine(models, "digits-netgen.safetensors")} and digits-netgen.weights.json");

static (float[] TrainX, int[] TrainY, float[] TestX, int[] TestY) LoadDigits(string path)
{
    var trainX = new List<float>();
    var testX = new List<float>();
    var trainY = new List<int>();
    var testY = new List<int>();
    using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
    int row = 0;
    for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
    {
        if (line.Length == 0)
        {
            continue;
        }
        string[] cells = line.Split(',');
        bool isTest = row++ % 5 == 0;
        for (int i = 0; i < 64; i++)
        {
            (isTest ? testX : trainX).Add(int.Parse(cells[i], CultureInfo.InvariantCulture) / 16f);
        }
        (isTest ? testY : trainY).Add(int.Parse(cells[64], CultureInfo.InvariantCulture));
    }
    return (trainX.ToArray(), trainY.ToArray(), testX.ToArray(), testY.ToArray());
}

static string FindRoot()
{
    for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
    {
        if (File.Exists(Path.Combine(dir, "NetGen.sln")))
        {
            return dir;
        }
    }
    throw new DirectoryNotFoundException("Run from inside the NetGen repository (NetGen.sln not found above " + AppContext.BaseDirectory + ").");
}

/// <summary>The digits classifier: 64 pixels → 32 ReLU → 10 softmax, cross-entropy (PyTorch twin: Sequential(Linear, ReLU, Linear, Softmax)).</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(64)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
internal sealed partial class DigitsNet;
