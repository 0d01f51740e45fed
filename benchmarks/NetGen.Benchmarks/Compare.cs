using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetGen.Benchmarks;

/// <summary>
/// The side-by-side run: BenchmarkDotNet over W1–W4 (naive, TensorPrimitives, NetGen), then the PyTorch script, then one
/// table of ratios against the issue's targets, then NetGen beside RTNeural when <c>NETGEN_RTNEURAL_BENCH</c> is set
/// (<see cref="RTNeuralCompare"/>). Options: <c>--quick</c> (short runs, a smoke test), <c>--skip-pytorch</c>,
/// <c>--python PATH</c> (default /usr/bin/python3), <c>--out FILE</c> (markdown table, default
/// BenchmarkDotNet.Artifacts/ratios.md).
/// </summary>
public static class Compare
{
    private sealed record Row(string Workload, string Measure, string Category, double? ForwardTarget, double? PyTorchTarget);

    // The issue's targets: NetGen's speed-up over the naive baseline, and over PyTorch.
    private static readonly Row[] s_rows =
    [
        new("W1", "forward", "Forward", 12.5, 500),
        new("W2", "forward", "Forward", 15, 500),
        new("W3", "forward", "Forward", 26, 5),
        new("W4", "forward", "Forward", 20, 500),
        new("W1", "train", "Train", 3, 1000),
        new("W2", "train", "Train", 15, 1000),
        new("W3", "train", "Train", 20, 20),
        new("W4", "train", "Train", 5, 1000),
        new("W3", "batch32", "Batch32", null, 2.5),
    ];

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        bool skipPyTorch = args.Contains("--skip-pytorch");
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        string outFile = Option(args, "--out") ?? Path.Combine("BenchmarkDotNet.Artifacts", "ratios.md");
        string root = FindRepositoryRoot();

        Console.WriteLine($"load before: {LoadAverage()}");
        IConfig config = DefaultConfig.Instance
            .AddJob(quick
                ? Job.ShortRun.WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1)
                : Job.Default.WithWarmupCount(5).WithIterationCount(15).WithLaunchCount(1))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.JoinSummary);
        Summary summary = BenchmarkRunner.Run([typeof(W1), typeof(W2), typeof(W3), typeof(W4)], config).Single();

        // median ns per sample for (workload class, category, method)
        var times = new Dictionary<(string Type, string Category, string Method), double>();
        foreach (BenchmarkReport report in summary.Reports)
        {
            if (report.ResultStatistics is { } stats)
            {
                var d = report.BenchmarkCase.Descriptor;
                times[(d.Type.Name, d.Categories.FirstOrDefault() ?? "", d.WorkloadMethod.Name)] = stats.Median;
            }
        }
        string netLoad = LoadAverage();

        JsonDocument? pytorch = null;
        if (!skipPyTorch)
        {
            string json = Path.Combine(Path.GetTempPath(), $"netgen-pytorch-{Environment.ProcessId}.json");
            var start = new ProcessStartInfo(python)
            {
                ArgumentList = { Path.Combine(root, "benchmarks", "pytorch", "bench_pytorch.py"), "--out", json },
                UseShellExecute = false,
            };
            if (quick)
            {
                start.ArgumentList.Add("--quick");
            }
            Process? process;
            try
            {
                process = Process.Start(start);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                // No Python here: keep the C# results rather than losing the whole run.
                Console.Error.WriteLine($"Could not start {python} ({e.Message}); the table has no PyTorch column. Install python3-torch or pass --python PATH.");
                process = null;
            }
            using Process? started = process;
            started?.WaitForExit();
            if (started is not null && started.ExitCode != 0)
            {
                Console.Error.WriteLine($"PyTorch script failed with exit code {started.ExitCode}; the table has no PyTorch column.");
            }
            else if (started is not null)
            {
                pytorch = JsonDocument.Parse(File.ReadAllText(json));
                File.Delete(json);
            }
        }

        // RTNeural beside NetGen (forward), when NETGEN_RTNEURAL_BENCH names its benchmark program; else one line saying so.
        var forward = times.Where(kv => kv.Key.Category == "Forward" && kv.Key.Method == "NetGenForward").ToDictionary(kv => kv.Key.Type, kv => kv.Value);
        string rtneural = RTNeuralCompare.Run(quick, forward, repeats: quick ? 1 : 3);
        string table = Table(times, pytorch, netLoad) + Environment.NewLine + rtneural;
        Console.WriteLine();
        Console.WriteLine(table);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outFile))!);
        File.WriteAllText(outFile, table);
        Console.WriteLine($"(written to {Path.GetFullPath(outFile)})");
        return 0;
    }

    private static string Table(Dictionary<(string Type, string Category, string Method), double> times, JsonDocument? pytorch, string load)
    {
        var text = new StringBuilder();
        text.AppendLine($"Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, " +
            $"Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}; load average after the .NET runs: {load}.");
        if (pytorch is not null)
        {
            JsonElement c = pytorch.RootElement.GetProperty("configuration");
            text.AppendLine($"PyTorch {c.GetProperty("torch").GetString()}, {c.GetProperty("threads").GetInt32()} thread; best of eager / TorchScript / optimize_for_inference (forward) and eager / TorchScript × SGD foreach (training); OpenBLAS runs: " +
                string.Join(", ", pytorch.RootElement.GetProperty("runs").EnumerateArray().Select(r =>
                    $"OPENBLAS_CORETYPE={r.GetProperty("OPENBLAS_CORETYPE").GetString()} → core {(r.GetProperty("blas").TryGetProperty("openblas_core", out JsonElement core) ? core.GetString() : "?")}")) + ".");
        }
        text.AppendLine();
        text.AppendLine("Times are medians per sample (ns). Speed-up = other ÷ NetGen; ✔ meets the issue's target, ✘ misses it.");
        text.AppendLine();
        text.AppendLine("| Workload | Measure | Naive | TensorPrimitives | NetGen | PyTorch | NetGen vs naive (target) | NetGen vs PyTorch (target) |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (Row row in s_rows)
        {
            var inCategory = times.Where(kv => kv.Key.Type == row.Workload && kv.Key.Category == row.Category).ToList();
            double naive = inCategory.Where(kv => kv.Key.Method.StartsWith("Naive", StringComparison.Ordinal)).Select(kv => kv.Value).DefaultIfEmpty(double.NaN).First();
            double tp = inCategory.Where(kv => kv.Key.Method.StartsWith("TensorPrimitives", StringComparison.Ordinal)).Select(kv => kv.Value).DefaultIfEmpty(double.NaN).First();
            (double netgen, string method) = inCategory.Where(kv => kv.Key.Method.StartsWith("NetGen", StringComparison.Ordinal))
                .Select(kv => (kv.Value, kv.Key.Method)).DefaultIfEmpty((double.NaN, "")).MinBy(t => t.Item1);
            double torch = double.NaN;
            if (pytorch is not null && pytorch.RootElement.GetProperty("workloads").TryGetProperty(row.Workload, out JsonElement w) &&
                w.TryGetProperty(row.Measure, out JsonElement m))
            {
                torch = m.GetProperty("best_ns").GetDouble();
            }
            text.AppendLine($"| {row.Workload} | {row.Measure}{(method.Length > 0 ? $" ({method})" : "")} | {Ns(naive)} | {Ns(tp)} | {Ns(netgen)} | {Ns(torch)} | " +
                $"{Ratio(naive / netgen, row.ForwardTarget)} | {Ratio(torch / netgen, row.PyTorchTarget)} |");
        }
        text.AppendLine();
        text.AppendLine("Every NetGen method (median ns per sample; the table above uses the fastest of its category):");
        text.AppendLine();
        text.AppendLine("| Workload | Category | Method | NetGen | Naive ÷ NetGen |");
        text.AppendLine("|---|---|---|---:|---:|");
        foreach (var kv in times.Where(kv => kv.Key.Method.StartsWith("NetGen", StringComparison.Ordinal)).OrderBy(kv => kv.Key.Type).ThenBy(kv => kv.Key.Category).ThenBy(kv => kv.Key.Method))
        {
            double naive = times.Where(n => n.Key.Type == kv.Key.Type && n.Key.Category == kv.Key.Category && n.Key.Method.StartsWith("Naive", StringComparison.Ordinal))
                .Select(n => n.Value).DefaultIfEmpty(double.NaN).First();
            text.AppendLine($"| {kv.Key.Type} | {kv.Key.Category} | {kv.Key.Method} | {Ns(kv.Value)} | {Ratio(naive / kv.Value, null)} |");
        }
        return text.ToString();
    }

    private static string Ns(double ns) => double.IsNaN(ns) ? "–" : ns >= 100 ? ns.ToString("N0", CultureInfo.InvariantCulture) : ns.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ratio(double ratio, double? target)
    {
        if (double.IsNaN(ratio))
        {
            return "–";
        }
        string value = ratio.ToString(ratio >= 100 ? "N0" : "0.0", CultureInfo.InvariantCulture) + "×";
        return target is { } t ? $"{value} ({t.ToString(CultureInfo.InvariantCulture)}×) {(ratio >= t ? "✔" : "✘")}" : value;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static string FindRepositoryRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "NetGen.sln")))
            {
                return dir;
            }
        }
        for (string? dir = Directory.GetCurrentDirectory(); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "NetGen.sln")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException("Run from inside the NetGen repository (NetGen.sln not found).");
    }
}
