using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- lenet [--quick] [--skip-pytorch] [--python PATH]</c>:
/// LeNet-5 as declared in issue 9 on synthetic 28×28 images, NetGen beside PyTorch 1.13 in one run
/// (benchmarks/pytorch/bench_lenet.py: its best of 1 and 2 threads, eager or TorchScript): the forward pass of one image,
/// a batch-32 training step per image, and the GFLOP/s each convolution's kernel reaches against the core's measured FMA
/// peak. NetGen runs on one core (its mini-batch training is single-threaded). NetGen is timed before and after the
/// PyTorch script and keeps its faster time (fastest of 100 rounds each, as the script keeps its fastest block), so that a
/// burst of load on the shared machine does not favour either side; the load average is printed with the table. Without
/// Python (or torch) the table has NetGen's column only and says so.
/// </summary>
public static class LeNetBenchmark
{
    // Multiply-adds counted as 2 flops, per image: forward 2·F·Ho·Wo·C·k²; backward ∂W the same and (C2 only) ∂x the same.
    private const double C1Flops = 2.0 * 6 * 28 * 28 * 1 * 25, C2Flops = 2.0 * 16 * 10 * 10 * 6 * 25;
    private const double ForwardTarget = 5, ForwardAim = 10, TrainTarget = 1.5;

    public static int Run(string[] args)
    {
        bool quick = Array.IndexOf(args, "--quick") >= 0;
        bool skipPyTorch = Array.IndexOf(args, "--skip-pytorch") >= 0;
        int at = Array.IndexOf(args, "--python");
        string python = at >= 0 && at + 1 < args.Length ? args[at + 1] : "/usr/bin/python3";
        string root = Compare.FindRepositoryRoot();
        Console.WriteLine($"LeNet-5 (issue 9) on 28×28 images; load before: {Compare.LoadAverage()}");

        var net = new BenchLeNet5(1);
        var random = new Random(1);
        float[] images = new float[32 * BenchLeNet5.InputSize], targets = new float[32 * BenchLeNet5.OutputSize], output = new float[BenchLeNet5.OutputSize];
        for (int i = 0; i < images.Length; i++) images[i] = (float)random.NextDouble();
        for (int s = 0; s < 32; s++) targets[s * 10 + random.Next(10)] = 1f;
        float[] initial = net.Parameters.ToArray();
        void Forward() => net.Forward(images.AsSpan(0, BenchLeNet5.InputSize), output);
        void Train()
        {
            net.TrainStepBatch(images, targets, 32, 1e-3f);
        }

        var kernels = new ConvBenchmarks();
        kernels.Setup();
        (double Forward, double Train, double Peak, double C1F, double C2F, double C1B, double C2B) Measure()
        {
            double peak = ConvBenchmarks.FmaPeakFlops / Quick.FastestNanoseconds(() => kernels.FmaPeak(), 1);
            double forward = Quick.FastestNanoseconds(Forward, 1);
            double train = Quick.FastestNanoseconds(Train, 32);
            initial.CopyTo(net.Parameters); // many small steps from the same start: the numbers stay finite
            return (forward, train, peak, Quick.FastestNanoseconds(kernels.C1DirectForward, 1), Quick.FastestNanoseconds(kernels.C2DirectForward, 1),
                Quick.FastestNanoseconds(kernels.C1DirectBackward, 1), Quick.FastestNanoseconds(kernels.C2DirectBackward, 1));
        }
        var first = Measure();

        JsonDocument? pytorch = null;
        string pytorchNote = "";
        if (skipPyTorch)
        {
            pytorchNote = "PyTorch skipped (--skip-pytorch): NetGen's column only.";
        }
        else
        {
            string json = Path.Combine(Path.GetTempPath(), $"netgen-lenet-{Environment.ProcessId}.json");
            var start = new ProcessStartInfo(python) { UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(root, "benchmarks", "pytorch", "bench_lenet.py"));
            start.ArgumentList.Add("--out");
            start.ArgumentList.Add(json);
            if (quick)
            {
                start.ArgumentList.Add("--quick");
            }
            try
            {
                using Process process = Process.Start(start)!;
                process.WaitForExit();
                if (process.ExitCode == 0 && File.Exists(json))
                {
                    pytorch = JsonDocument.Parse(File.ReadAllText(json));
                    File.Delete(json);
                }
                else
                {
                    pytorchNote = $"The PyTorch script failed (exit code {process.ExitCode}; is python3-torch installed?): NetGen's column only.";
                }
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                pytorchNote = $"Could not start {python} ({e.Message}): NetGen's column only. Install python3-torch or pass --python PATH.";
            }
        }
        var second = Measure();
        string load = Compare.LoadAverage();

        double forwardNs = Math.Min(first.Forward, second.Forward), trainNs = Math.Min(first.Train, second.Train), peak = Math.Max(first.Peak, second.Peak);
        var text = new StringBuilder();
        text.AppendLine($"Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}; load average after the runs: {load}; measured FMA peak (one core, 512-bit FMA): {peak:F1} GFLOP/s.");
        if (pytorch is not null)
        {
            JsonElement c = pytorch.RootElement.GetProperty("configuration");
            text.AppendLine($"PyTorch {c.GetProperty("torch").GetString()} (mkldnn {(c.GetProperty("mkldnn").GetBoolean() ? "available" : "not available")}), best of {string.Join(" and ", System.Linq.Enumerable.Select(c.GetProperty("threads").EnumerateArray(), t => t.GetInt32().ToString(CultureInfo.InvariantCulture)))} threads, eager or TorchScript; NetGen on one core.");
        }
        else
        {
            text.AppendLine(pytorchNote);
        }
        text.AppendLine();
        text.AppendLine("| LeNet-5 | NetGen (1 core) | PyTorch best | speed-up | target |");
        text.AppendLine("|---|---:|---:|---:|---|");
        Line(text, "forward, one image", forwardNs, pytorch?.RootElement.GetProperty("forward"), $"≥ {ForwardTarget:0}× (aim {ForwardAim:0}×)", ForwardTarget);
        Line(text, "training step, batch 32, per image", trainNs, pytorch?.RootElement.GetProperty("train32"), $"≥ {TrainTarget:0.0}×", TrainTarget);
        text.AppendLine();
        text.AppendLine("| convolution kernel (direct form, one image) | ns | GFLOP/s | % of FMA peak |");
        text.AppendLine("|---|---:|---:|---:|");
        Kernel(text, "C1 forward 1×28×28 → 6×28×28", Math.Min(first.C1F, second.C1F), C1Flops, peak);
        Kernel(text, "C2 forward 6×14×14 → 16×10×10", Math.Min(first.C2F, second.C2F), C2Flops, peak);
        Kernel(text, "C1 backward (∂W, ∂b)", Math.Min(first.C1B, second.C1B), C1Flops, peak);
        Kernel(text, "C2 backward (∂W, ∂b, ∂x)", Math.Min(first.C2B, second.C2B), 2 * C2Flops, peak);
        Console.WriteLine();
        Console.WriteLine(text.ToString());
        string outFile = Path.Combine("BenchmarkDotNet.Artifacts", "lenet.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
        File.WriteAllText(outFile, text.ToString());
        Console.WriteLine($"(written to {Path.GetFullPath(outFile)})");
        return 0;
    }

    private static void Line(StringBuilder text, string what, double netgenNs, JsonElement? pytorch, string target, double required)
    {
        if (pytorch is not { } p)
        {
            text.AppendLine($"| {what} | {Micro(netgenNs)} | – | – | {target} |");
            return;
        }
        double theirs = p.GetProperty("ns").GetDouble(), ratio = theirs / netgenNs;
        string how = $"{p.GetProperty("variant").GetString()}, {p.GetProperty("threads").GetInt32()} thread{(p.GetProperty("threads").GetInt32() == 1 ? "" : "s")}";
        text.AppendLine($"| {what} | {Micro(netgenNs)} | {Micro(theirs)} ({how}) | {ratio.ToString("F1", CultureInfo.InvariantCulture)}× | {target}: {(ratio >= required ? "met" : "MISSED")} |");
    }

    private static void Kernel(StringBuilder text, string what, double ns, double flops, double peak) =>
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {ns:F0} | {flops / ns:F1} | {100 * flops / ns / peak:F0} % |"));

    private static string Micro(double ns) => (ns / 1000).ToString("F2", CultureInfo.InvariantCulture) + " µs";
}

/// <summary>LeNet-5 exactly as declared in issue 9.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(1, 28, 28)]
[Conv2D(6, 5, Activation.ReLU, Padding = 2)]
[MaxPool2D(2)]
[Conv2D(16, 5, Activation.ReLU)]
[MaxPool2D(2)]
[Flatten]
[Dense(120, Activation.ReLU)]
[Dense(84, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class BenchLeNet5;
