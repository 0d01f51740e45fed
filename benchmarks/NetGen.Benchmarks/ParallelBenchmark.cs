using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using NetGen.Training;

namespace NetGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- parallel [--rounds N]</c>: the speed-up of data-parallel
/// mini-batch training (issue 9, <see cref="DataParallel"/>) from a second core: a batch-32 <c>TrainStepBatch</c> on one core
/// (the network's own method) and over 2 workers, alternated round by round in one process so that load on the shared
/// machine hits both alike, for the Digits CNN, LeNet-5 and an MNIST-sized MLP. Each round times a few steps of each; the
/// table gives the fastest round and the median round of each, their ratio, and the load average before and after.
/// </summary>
public static class ParallelBenchmark
{
    public static int Run(string[] args)
    {
        int at = Array.IndexOf(args, "--rounds");
        int rounds = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 40;
        string loadBefore = Compare.LoadAverage();
        Console.WriteLine($"Data-parallel training, batch 32, 1 core vs 2 workers; load before: {loadBefore}");
        var text = new StringBuilder();
        text.AppendLine("| batch-32 training step | 1 core, fastest / median µs | 2 workers, fastest / median µs | speed-up (fastest / median) |");
        text.AppendLine("|---|---:|---:|---:|");
        Measure(text, "Digits CNN (1×8×8, 3 conv)", new BenchDigitsCnn(1), new BenchDigitsCnn(1), rounds);
        Measure(text, "LeNet-5 (1×28×28)", new BenchLeNet5(1), new BenchLeNet5(1), rounds);
        Measure(text, "MLP 784-128-64-10", new W3Mnist(1), new W3Mnist(1), rounds);
        string loadAfter = Compare.LoadAverage();
        text.Insert(0, $"Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}; load average before: {loadBefore}; after: {loadAfter}; {rounds} alternating rounds.{Environment.NewLine}{Environment.NewLine}");
        Console.WriteLine();
        Console.WriteLine(text.ToString());
        string outFile = Path.Combine("BenchmarkDotNet.Artifacts", "parallel.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
        File.WriteAllText(outFile, text.ToString());
        Console.WriteLine($"(written to {Path.GetFullPath(outFile)})");
        return 0;
    }

    private static void Measure(StringBuilder text, string name, ITrainableNetwork one, ITrainableNetwork two, int rounds)
    {
        const int batch = 32;
        var random = new Random(1);
        float[] inputs = new float[batch * one.InputSize], targets = new float[batch * one.OutputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)random.NextDouble();
        for (int s = 0; s < batch; s++) targets[s * one.OutputSize + random.Next(one.OutputSize)] = 1f;
        float[] initial = one.Parameters.ToArray();
        using var parallel = new DataParallel(two, workers: 2);
        void OneCore() => one.TrainStepBatch(inputs, targets, batch, 1e-4f);
        void TwoWorkers() => parallel.TrainStepBatch(inputs, targets, batch, 1e-4f);

        // Warm-up past tiered compilation, then calibrate each round to ~5 ms of one-core steps.
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalMilliseconds < 600) { OneCore(); TwoWorkers(); calls++; }
        int steps = Math.Max(1, calls / 60);
        double[] a = new double[rounds], b = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            initial.CopyTo(one.Parameters);   // small steps from the same start: the numbers stay finite
            initial.CopyTo(two.Parameters);
            a[r] = Time(OneCore, steps);
            b[r] = Time(TwoWorkers, steps);
        }
        Array.Sort(a);
        Array.Sort(b);
        double a0 = a[0], b0 = b[0], am = a[rounds / 2], bm = b[rounds / 2];
        string line = $"| {name} | {a0 / 1000:F0} / {am / 1000:F0} | {b0 / 1000:F0} / {bm / 1000:F0} | {a0 / b0:F2}× / {am / bm:F2}× |";
        Console.WriteLine(line);
        text.AppendLine(line);
    }

    private static double Time(Action step, int steps)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++) step();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / steps;
    }
}

/// <summary>The Digits example's CNN (examples/Digits), for the parallel benchmark.</summary>
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
public sealed partial class BenchDigitsCnn;
