using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NetGen.Benchmarks.Baselines;

namespace NetGen.Benchmarks;

/// <summary>
/// NetGen beside RTNeural (a C++ library for real-time inference of small networks), forward pass of one sample, W1–W4.
/// RTNeural is not part of this repository: an external program, named by the environment variable
/// <see cref="Variable"/>, reads the workloads' weights and inputs from files NetGen writes, runs them in each of its
/// backends and prints every output and the median time per forward (the protocol is in benchmarks/README.md). Every
/// backend's outputs are checked against NetGen's before its time is used; a backend whose outputs differ is reported as
/// wrong and not timed. NetGen is timed in this process right after, with the same loop (one pass over all samples per
/// round, median of the rounds), so the ratio compares like with like.
/// </summary>
public static class RTNeuralCompare
{
    /// <summary>The environment variable naming the external benchmark program.</summary>
    public const string Variable = "NETGEN_RTNEURAL_BENCH";

    /// <summary>The protocol version written on the first line of each workload file.</summary>
    public const int ProtocolVersion = 1;

    /// <summary>The issue's targets: RTNeural's best correct backend ÷ NetGen.</summary>
    private static readonly Dictionary<string, double> s_targets = new() { ["W1"] = 1.5, ["W2"] = 1.5, ["W3"] = 1.0, ["W4"] = 1.5 };

    public sealed record Backend(string Name, double? Nanoseconds, float MaxDifference, string? Problem)
    {
        public bool Correct => Problem is null;
    }

    public sealed record WorkloadResult(string Workload, List<Backend> Backends, double NetGenNanoseconds, double? HandWrittenNanoseconds);

    /// <summary><c>-- rtneural [--quick]</c>: only this comparison (seconds, not the 12-minute suite).</summary>
    public static int RunAlone(string[] args)
    {
        string? table = Run(args.Contains("--quick"), null);
        if (table is null)
        {
            return 1;
        }
        Console.WriteLine(table);
        return 0;
    }

    /// <summary>
    /// Runs the external program and NetGen side by side and returns the markdown table, or a line saying why RTNeural is
    /// not available. <paramref name="benchmarkDotNet"/> (median ns per forward from BenchmarkDotNet by workload) adds a
    /// column when given.
    /// </summary>
    public static string? Run(bool quick, IReadOnlyDictionary<string, double>? benchmarkDotNet)
    {
        string? program = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(program))
        {
            return $"RTNeural: not available (set {Variable} to a program that speaks the protocol in benchmarks/README.md).";
        }
        if (!File.Exists(program))
        {
            return $"RTNeural: not available ({Variable}={program} does not exist).";
        }

        var workloads = new (Workload Workload, INetGenCalls Net)[]
        {
            (Workload.W1, new W1Calls(new W1Xor(seed: 1))),
            (Workload.W2, new W2Calls(new W2Digits(seed: 1))),
            (Workload.W3, new W3Calls(new W3Mnist(seed: 1))),
            (Workload.W4, new W4Calls(new W4Audio(seed: 1))),
        };
        string dir = Path.Combine(Path.GetTempPath(), $"netgen-rtneural-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            var data = new Dictionary<string, Data>();
            foreach (var (workload, net) in workloads)
            {
                data[workload.Name] = new Data(workload);
                WriteWorkload(Path.Combine(dir, workload.Name + ".txt"), workload, net.Network.Parameters, data[workload.Name]);
            }

            var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true };
            start.ArgumentList.Add(dir);
            if (quick)
            {
                start.ArgumentList.Add("--quick");
            }
            string stdout;
            int exitCode;
            try
            {
                using Process process = Process.Start(start)!;
                stdout = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                exitCode = process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return $"RTNeural: not available ({program} could not start: {e.Message}).";
            }
            if (exitCode != 0)
            {
                return $"RTNeural: not available ({program} exited with code {exitCode}).";
            }

            Parsed parsed = Parse(stdout);
            var results = new List<WorkloadResult>();
            foreach (var (workload, net) in workloads)
            {
                Data d = data[workload.Name];
                float[] expected = NetGenOutputs(net, d, workload.OutputSize);
                var backends = new List<Backend>();
                foreach (string backend in parsed.Backends)
                {
                    parsed.Outputs.TryGetValue((workload.Name, backend), out float[]? outputs);
                    parsed.Times.TryGetValue((workload.Name, backend), out double ns);
                    string? problem = Check(expected, outputs, out float maxDifference);
                    if (problem is null && ns <= 0)
                    {
                        problem = "no time reported";
                    }
                    backends.Add(new Backend(backend, problem is null ? ns : null, maxDifference, problem));
                }
                // Concrete struct types, so each loop is specialised and every call direct, as in the BenchmarkDotNet classes.
                double netgen = net switch
                {
                    W1Calls c => MedianPerForward(c, d, workload.OutputSize, quick),
                    W2Calls c => MedianPerForward(c, d, workload.OutputSize, quick),
                    W3Calls c => MedianPerForward(c, d, workload.OutputSize, quick),
                    W4Calls c => MedianPerForward(c, d, workload.OutputSize, quick),
                    _ => throw new InvalidOperationException(workload.Name),
                };
                double? hand = net switch
                {
                    W1Calls => MedianPerForward(new HandWritten.W1(net.Network.Parameters, d, expected), d, workload.OutputSize, quick),
                    W4Calls => MedianPerForward(new HandWritten.W4(net.Network.Parameters, d, expected), d, workload.OutputSize, quick),
                    _ => null,
                };
                results.Add(new WorkloadResult(workload.Name, backends, netgen, hand));
            }
            return Table(results, parsed.Info, benchmarkDotNet);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// One workload file (protocol version 1): <c>netgen-rtneural 1 NAME</c>, <c>layers L</c>, per layer <c>dense IN OUT ACT</c>
    /// followed by OUT rows of IN weights and one row of OUT biases, then <c>samples N</c> and N rows of IN inputs.
    /// </summary>
    private static void WriteWorkload(string path, Workload workload, ReadOnlySpan<float> theta, Data data)
    {
        var text = new StringBuilder();
        text.Append($"netgen-rtneural {ProtocolVersion} {workload.Name}\n");
        text.Append($"layers {workload.Layers.Length}\n");
        int offset = 0, inputs = workload.InputSize;
        foreach ((int units, Act act) in workload.Layers)
        {
            text.Append($"dense {inputs} {units} {act.ToString().ToLowerInvariant()}\n");
            for (int o = 0; o < units; o++)
            {
                AppendRow(text, theta.Slice(offset + o * inputs, inputs));
            }
            offset += units * inputs;
            AppendRow(text, theta.Slice(offset, units));
            offset += units;
            inputs = units;
        }
        if (offset != theta.Length)
        {
            throw new InvalidOperationException($"{workload.Name}: the layers account for {offset} parameters, the network has {theta.Length}.");
        }
        text.Append($"samples {data.Count}\n");
        foreach (float[] x in data.Inputs)
        {
            AppendRow(text, x);
        }
        File.WriteAllText(path, text.ToString());
    }

    private static void AppendRow(StringBuilder text, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }
            text.Append(values[i].ToString("R", CultureInfo.InvariantCulture));
        }
        text.Append('\n');
    }

    private sealed class Parsed
    {
        public List<string> Info { get; } = [];
        public List<string> Backends { get; } = [];
        public Dictionary<(string Workload, string Backend), double> Times { get; } = [];
        public Dictionary<(string Workload, string Backend), float[]> Outputs { get; } = [];
    }

    /// <summary>Reads the program's lines: <c>info TEXT</c>, <c>outputs W BACKEND v…</c>, <c>result W BACKEND NS</c>; others are ignored.</summary>
    private static Parsed Parse(string stdout)
    {
        var parsed = new Parsed();
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (f[0])
            {
                case "info":
                    parsed.Info.Add(line[5..]);
                    break;
                case "outputs" when f.Length >= 3:
                    Remember(parsed, f[2]);
                    parsed.Outputs[(f[1], f[2])] = f.Skip(3).Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "result" when f.Length == 4:
                    Remember(parsed, f[2]);
                    parsed.Times[(f[1], f[2])] = double.Parse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture);
                    break;
            }
        }
        return parsed;

        static void Remember(Parsed parsed, string backend)
        {
            if (!parsed.Backends.Contains(backend))
            {
                parsed.Backends.Add(backend);
            }
        }
    }

    /// <summary>Null when every output matches NetGen's to float rounding (|Δ| ≤ 10⁻⁴ + 10⁻³·|NetGen's|), else what is wrong.</summary>
    private static string? Check(float[] expected, float[]? actual, out float maxDifference)
    {
        maxDifference = float.NaN;
        if (actual is null)
        {
            return "no outputs";
        }
        if (actual.Length != expected.Length)
        {
            return $"{actual.Length} outputs, expected {expected.Length}";
        }
        maxDifference = 0f;
        int bad = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = MathF.Abs(actual[i] - expected[i]);
            maxDifference = float.IsNaN(d) ? float.PositiveInfinity : MathF.Max(maxDifference, d);
            if (bad < 0 && !(d <= 1e-4f + 1e-3f * MathF.Abs(expected[i])))
            {
                bad = i;
            }
        }
        return bad < 0 ? null : $"output {bad} is {actual[bad].ToString("G6", CultureInfo.InvariantCulture)}, NetGen's {expected[bad].ToString("G6", CultureInfo.InvariantCulture)}";
    }

    private static float[] NetGenOutputs(INetGenCalls net, Data data, int outputSize)
    {
        var y = new float[data.Count * outputSize];
        for (int s = 0; s < data.Count; s++)
        {
            net.Forward(data.Inputs[s], y.AsSpan(s * outputSize, outputSize));
        }
        return y;
    }

    /// <summary>The external program's loop in C#: warm up, then rounds of one pass over all samples; median ns per forward.</summary>
    private static double MedianPerForward<T>(T net, Data data, int outputSize, bool quick) where T : struct, IForward
    {
        var y = new float[data.Count * outputSize];
        void Pass()
        {
            for (int s = 0; s < data.Count; s++)
            {
                net.Forward(data.Inputs[s], y.AsSpan(s * outputSize, outputSize));
            }
        }
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalMilliseconds < (quick ? 300 : 600))
        {
            Pass(); // past tiered compilation (tier 1 with PGO)
        }
        int rounds = quick ? 21 : 201;
        double minSeconds = quick ? 0.05 : 0.4;
        var times = new List<double>();
        sw.Restart();
        while (times.Count < rounds || sw.Elapsed.TotalSeconds < minSeconds)
        {
            long t0 = Stopwatch.GetTimestamp();
            Pass();
            long t1 = Stopwatch.GetTimestamp();
            times.Add((t1 - t0) * 1e9 / Stopwatch.Frequency / data.Count);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string Table(List<WorkloadResult> results, List<string> info, IReadOnlyDictionary<string, double>? benchmarkDotNet)
    {
        var text = new StringBuilder();
        text.AppendLine("NetGen vs RTNeural, forward pass of one sample (median ns per forward; both timed by the same loop, one pass over all samples per round):");
        foreach (string line in info.Distinct())
        {
            text.AppendLine($"- {line}");
        }
        text.AppendLine();
        List<string> backends = results.SelectMany(r => r.Backends.Select(b => b.Name)).Distinct().ToList();
        bool hand = results.Any(r => r.HandWrittenNanoseconds is not null);
        text.Append("| Workload | ");
        text.Append(string.Join(" | ", backends.Select(b => $"RTNeural {b}")));
        text.Append(" | RTNeural best | NetGen");
        text.Append(benchmarkDotNet is null ? "" : " | NetGen (BenchmarkDotNet)");
        text.Append(hand ? " | hand-written C#" : "");
        text.AppendLine(" | RTNeural ÷ NetGen (target) |");
        text.Append("|---|");
        text.Append(string.Concat(backends.Select(_ => "---:|")));
        text.Append("---|---:|");
        text.Append(benchmarkDotNet is null ? "" : "---:|");
        text.Append(hand ? "---:|" : "");
        text.AppendLine("---:|");
        foreach (WorkloadResult r in results)
        {
            text.Append($"| {r.Workload} | ");
            foreach (string name in backends)
            {
                Backend? b = r.Backends.FirstOrDefault(x => x.Name == name);
                text.Append(b is null ? "–" : b.Correct ? Ns(b.Nanoseconds!.Value) : "wrong");
                text.Append(" | ");
            }
            Backend? best = r.Backends.Where(b => b.Correct).MinBy(b => b.Nanoseconds);
            text.Append(best is null ? "none correct" : $"{Ns(best.Nanoseconds!.Value)} ({best.Name})");
            text.Append($" | {Ns(r.NetGenNanoseconds)}");
            if (benchmarkDotNet is not null)
            {
                text.Append($" | {(benchmarkDotNet.TryGetValue(r.Workload, out double bdn) ? Ns(bdn) : "–")}");
            }
            if (hand)
            {
                text.Append($" | {(r.HandWrittenNanoseconds is { } h ? Ns(h) : "–")}");
            }
            double target = s_targets[r.Workload];
            if (best is null)
            {
                text.AppendLine(" | – |");
            }
            else
            {
                double ratio = best.Nanoseconds!.Value / r.NetGenNanoseconds;
                text.AppendLine($" | {ratio.ToString("0.00", CultureInfo.InvariantCulture)}× ({target.ToString(CultureInfo.InvariantCulture)}×) {(ratio >= target ? "✔" : "✘")} |");
            }
        }
        var wrong = results.SelectMany(r => r.Backends.Where(b => !b.Correct).Select(b => $"{r.Workload} {b.Name}: {b.Problem} (max |Δ| {b.MaxDifference.ToString("G3", CultureInfo.InvariantCulture)})")).ToList();
        if (wrong.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Wrong (outputs differ from NetGen's by more than 10⁻⁴ + 10⁻³·|ŷ|; not timed):");
            foreach (string w in wrong)
            {
                text.AppendLine($"- {w}");
            }
        }
        text.AppendLine();
        text.AppendLine("Largest |Δ| against NetGen's outputs, correct backends: " + string.Join("; ", results.Select(r =>
            $"{r.Workload} " + string.Join(", ", r.Backends.Where(b => b.Correct).Select(b => $"{b.Name} {b.MaxDifference.ToString("G2", CultureInfo.InvariantCulture)}")))) + ".");
        return text.ToString();
    }

    private static string Ns(double ns) => ns >= 100 ? ns.ToString("N0", CultureInfo.InvariantCulture) : ns.ToString("0.0", CultureInfo.InvariantCulture);
}
