// A console app with two digit classifiers baked in at compile time ([Network(Weights = "…")]): one trained in PyTorch,
// one trained in NetGen. Nothing is loaded at run time; inference is a static call that allocates nothing.
//
//   EmbeddedInference                 classify ten built-in digits (one per class) with both models
//   EmbeddedInference --once          classify one digit and exit (for measuring start-up time)
//   EmbeddedInference --accuracy [p]  test accuracy of each model on its own held-out rows of examples/Digits/data/digits.csv.gz
//   EmbeddedInference --bench [n]     per-call latency and bytes allocated, both models
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.Intrinsics;
using EmbeddedInference;

Forward pytorch = DigitsFromPyTorch.ForwardEmbedded;
Forward netgen = DigitsFromNetGen.ForwardEmbedded;
string mode = args.Length > 0 ? args[0] : "";
switch (mode)
{
    case "--once":
        Console.WriteLine(Classify(pytorch, Samples.Digit(7)));
        return 0;
    case "--accuracy":
        return Accuracy(args.Length > 1 ? args[1] : FindData());
    case "--bench":
        Bench(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000_000);
        return 0;
    case "":
        Demo();
        return 0;
    default:
        Console.Error.WriteLine("usage: EmbeddedInference [--once | --accuracy [digits.csv.gz] | --bench [calls]]");
        return 2;
}

void Demo()
{
    Console.WriteLine($"SIMD: Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, Vector256 {(Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")}");
    Console.WriteLine("digit  PyTorch-trained  NetGen-trained");
    Span<float> x = stackalloc float[64];
    for (int digit = 0; digit < 10; digit++)
    {
        Samples.Digit(digit).CopyTo(x);
        Console.WriteLine($"  {digit}          {Classify(pytorch, x)}                {Classify(netgen, x)}");
    }
}

int Accuracy(string path)
{
    var (inputs, labels) = LoadRows(path);
    // PyTorch-trained: the script held out rows i % 5 == 0. NetGen-trained: examples/Digits held out Split(0.2, seed 2024).
    int[] pytorchRows = Enumerable.Range(0, labels.Length).Where(i => i % 5 == 0).ToArray();
    var all = NetGen.Training.Dataset.FromLabels(inputs, 64, labels, 10);
    var (_, digitsTest) = all.Split(0.2, seed: 2024);
    int correct = 0;
    foreach (int i in pytorchRows)
    {
        correct += Classify(pytorch, inputs.AsSpan(64 * i, 64)) == labels[i] ? 1 : 0;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PyTorch-trained: test accuracy {correct / (double)pytorchRows.Length:F4} ({pytorchRows.Length} held-out rows)"));
    correct = 0;
    for (int i = 0; i < digitsTest.Count; i++)
    {
        correct += Classify(netgen, digitsTest.Input(i)) == NetGen.Training.Metrics.ClassOf(digitsTest.Target(i)) ? 1 : 0;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"NetGen-trained (examples/Digits): test accuracy {correct / (double)digitsTest.Count:F4} ({digitsTest.Count} held-out rows)"));
    return 0;
}

void Bench(int calls)
{
    Console.WriteLine($"SIMD: Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, Vector256 {(Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")}");
    // The same PyTorch-trained weights through the instance path (copied into the instance's array), for comparison.
    Forward instance = new DigitsFromPyTorch().Forward;
    foreach (var (name, forward) in new[] { ("PyTorch-trained, ForwardEmbedded", pytorch), ("NetGen-trained, ForwardEmbedded", netgen), ("PyTorch-trained, instance Forward", instance) })
    {
        float[] x = new float[64], y = new float[10];      // reused: the calls below allocate nothing
        Samples.Digit(3).CopyTo(x);
        for (int i = 0; i < 100_000; i++)
        {
            forward(x, y);                                   // warm up (tiering under the JIT; no-op cost under NativeAOT)
        }
        double[] perCall = new double[7];
        long allocated = 0;
        for (int run = 0; run < perCall.Length; run++)
        {
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                forward(x, y);
            }
            perCall[run] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
            allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
        }
        Array.Sort(perCall);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: median {perCall[perCall.Length / 2]:F1} ns per call (min {perCall[0]:F1}, max {perCall[^1]:F1}; 7 runs × {calls:N0} calls), {allocated} bytes allocated"));
    }
}

static int Classify(Forward forward, ReadOnlySpan<float> pixels)
{
    Span<float> probabilities = stackalloc float[10];
    forward(pixels, probabilities);
    int best = 0;
    for (int k = 1; k < 10; k++)
    {
        best = probabilities[k] > probabilities[best] ? k : best;
    }
    return best;
}

static (float[] Inputs, int[] Labels) LoadRows(string path)
{
    var inputs = new List<float>();
    var labels = new List<int>();
    using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
    for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
    {
        if (line.Length == 0)
        {
            continue;
        }
        string[] cells = line.Split(',');
        for (int i = 0; i < 64; i++)
        {
            inputs.Add(int.Parse(cells[i], CultureInfo.InvariantCulture) / 16f);
        }
        labels.Add(int.Parse(cells[64], CultureInfo.InvariantCulture));
    }
    return (inputs.ToArray(), labels.ToArray());
}

static string FindData()
{
    for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
    {
        string candidate = Path.Combine(dir, "examples", "Digits", "data", "digits.csv.gz");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }
    throw new FileNotFoundException("examples/Digits/data/digits.csv.gz not found above " + AppContext.BaseDirectory + "; pass its path after --accuracy.");
}

/// <summary>A network's static inference entry point.</summary>
internal delegate void Forward(ReadOnlySpan<float> input, Span<float> output);
