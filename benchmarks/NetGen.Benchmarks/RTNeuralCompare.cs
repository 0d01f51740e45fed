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

    public sealed record Backend(string Name, double? Nanoseconds, double? Fastest, float MaxDifference, string? Problem)
    {
        public bool Correct => Problem is null;
    }

    public sealed record Timing(double Median, double Fastest);

    public sealed record WorkloadResult(string Workload, List<Backend> Backends, Timing NetGen, Timing? HandWritten)
    {
        public Backend? Best => Backends.Where(b => b.Correct).MinBy(b => b.Nanoseconds);
        public double? Ratio => Best is { } b ? b.Nanoseconds!.Value / NetGen.Median : null;
        public double? FastestRatio => Backends.Where(b => b.Correct).Select(b => b.Fastest).Min() is { } f ? f / NetGen.Fastest : null;
    }

    /// <summary><c>-- rtneural [--quick] [--repeat N]</c>: only this comparison (seconds, not the 12-minute suite).</summary>
    public static int RunAlone(string[] args)
    {
        int repeats = int.TryParse(Option(args, "--repeat"), out int n) && n > 0 ? n : 1;
        Console.WriteLine(Run(args.Contains("--quick"), null, repeats));
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>
    /// Runs the external program and NetGen side by side, workload by workload (the program on one workload, then NetGen on
    /// it, so both see the same load on a shared machine), <paramref name="repeats"/> times, and returns the markdown table,
    /// or a line saying why RTNeural is not available. <paramref name="benchmarkDotNet"/> (median ns per forward from
    /// BenchmarkDotNet by workload) adds a column when given.
    /// </summary>
    public static string Run(bool quick, IReadOnlyDictionary<string, double>? benchmarkDotNet, int repeats = 1)
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
        try
        {
            var data = new Dictionary<string, Data>();
            var expected = new Dictionary<string, float[]>();
            foreach (var (workload, net) in workloads)
            {
                Data d = data[workload.Name] = new Data(workload);
                expected[workload.Name] = NetGenOutputs(net, d, workload.OutputSize);
                string sub = Path.Combine(dir, workload.Name);
                Directory.CreateDirectory(sub);
                WriteWorkload(Path.Combine(sub, workload.Name + ".txt"), workload, net.Network.Parameters, d);
            }
            var handW1 = new HandWritten.W1(workloads[0].Net.Network.Parameters, data["W1"], expected["W1"]);
            var handW4 = new HandWritten.W4(workloads[3].Net.Network.Parameters, data["W4"], expected["W4"]);

            var runs = new List<List<WorkloadResult>>();
            var info = new List<string>();
            for (int run = 0; run < repeats; run++)
            {
                var results = new List<WorkloadResult>();
                foreach (var (workload, net) in workloads)
                {
                    Data d = data[workload.Name];
                    string? failure = RunProgram(program, Path.Combine(dir, workload.Name), quick, out Parsed parsed);
                    if (failure is not null)
                    {
                        return $"RTNeural: not available ({failure}).";
                    }
                    info.AddRange(parsed.Info);
                    var backends = new List<Backend>();
                    foreach (string backend in parsed.Backends)
                    {
                        parsed.Outputs.TryGetValue((workload.Name, backend), out float[]? outputs);
                        parsed.Times.TryGetValue((workload.Name, backend), out (double Median, double Fastest) ns);
                        string? problem = Check(expected[workload.Name], outputs, out float maxDifference);
                        if (problem is null && ns.Median <= 0)
                        {
                            problem = "no time reported";
                        }
                        backends.Add(new Backend(backend, problem is null ? ns.Median : null, problem is null ? ns.Fastest : null, maxDifference, problem));
                    }
                    // Concrete struct types, so each loop is specialised and every call direct, as in the BenchmarkDotNet classes.
                    Timing netgen = net switch
                    {
                        W1Calls c => Time(c, d, workload.OutputSize, quick),
                        W2Calls c => Time(c, d, workload.OutputSize, quick),
                        W3Calls c => Time(c, d, workload.OutputSize, quick),
                        W4Calls c => Time(c, d, workload.OutputSize, quick),
                        _ => throw new InvalidOperationException(workload.Name),
                    };
                    Timing? hand = workload.Name switch
                    {
                        "W1" => Time(handW1, d, workload.OutputSize, quick),
                        "W4" => Time(handW4, d, workload.OutputSize, quick),
                        _ => null,
                    };
                    results.Add(new WorkloadResult(workload.Name, backends, netgen, hand));
                }
                runs.Add(results);
            }
            return Table(runs, info, benchmarkDotNet);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>Runs the program on one directory; null, or why it failed.</summary>
    internal static string? RunProgram(string program, string directory, bool quick, out Parsed parsed, string? script = null)
    {
        parsed = new Parsed();
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true };
        if (script is not null)
        {
            start.ArgumentList.Add(script);
        }
        start.ArgumentList.Add(directory);
        if (quick)
        {
            start.ArgumentList.Add("--quick");
        }
        try
        {
            using Process process = Process.Start(start)!;
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                return $"{program} exited with code {process.ExitCode}";
            }
            parsed = Parse(stdout);
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{program} could not start: {e.Message}";
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

    internal static void AppendRow(StringBuilder text, ReadOnlySpan<float> values)
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

    internal sealed class Parsed
    {
        public List<string> Info { get; } = [];
        public List<string> Backends { get; } = [];
        public Dictionary<(string Workload, string Backend), (double Median, double Fastest)> Times { get; } = [];
        public Dictionary<(string Workload, string Backend), float[]> Outputs { get; } = [];
        /// <summary>The streaming benchmark's <c>train W FORM MEDIAN FASTEST LOSS</c> lines (ns per training step, first loss).</summary>
        public Dictionary<(string Workload, string Backend), (double Median, double Fastest, double Loss)> Training { get; } = [];
    }

    /// <summary>Reads the program's lines: <c>info TEXT</c>, <c>outputs W BACKEND v…</c>, <c>result W BACKEND MEDIAN [FASTEST]</c>; others are ignored.</summary>
    internal static Parsed Parse(string stdout)
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
                case "result" when f.Length is 4 or 5:
                    Remember(parsed, f[2]);
                    double median = double.Parse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture);
                    parsed.Times[(f[1], f[2])] = (median, f.Length == 5 ? double.Parse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture) : median);
                    break;
                case "train" when f.Length == 6:
                    parsed.Training[(f[1], f[2])] = (double.Parse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture),
                        double.Parse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture), double.Parse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture));
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
    internal static string? Check(float[] expected, float[]? actual, out float maxDifference)
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

    /// <summary>
    /// The external program's loop in C#: warm up, then rounds of one pass over all samples; the median and the fastest round,
    /// in ns per forward. Like the C++ loop, it reads the inputs from one contiguous buffer (issue 11: before, an array per
    /// sample cost the C# side a dependent load and a null check per forward that the C++ side does not pay).
    /// </summary>
    private static Timing Time<T>(T net, Data data, int outputSize, bool quick) where T : struct, IForward
    {
        var y = new float[data.Count * outputSize];
        float[] x = data.FlatInputs;
        int inputSize = x.Length / data.Count;
        int count = data.Count;
        void Pass()
        {
            // Locals, which the JIT keeps in registers for the whole loop (as the C++ compiler keeps the model's address and
            // the buffers'): read through the closure, each would be loaded again on every forward.
            T model = net;
            float[] inputs = x, outputs = y;
            int n = count, inSize = inputSize, outSize = outputSize;
            for (int s = 0; s < n; s++)
            {
                model.Forward(inputs.AsSpan(s * inSize, inSize), outputs.AsSpan(s * outSize, outSize));
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
        return new Timing(times[times.Count / 2], times[0]);
    }

    internal static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string Table(List<List<WorkloadResult>> runs, List<string> info, IReadOnlyDictionary<string, double>? benchmarkDotNet)
    {
        var text = new StringBuilder();
        text.AppendLine($"NetGen vs RTNeural, forward pass of one sample: median ns per forward (both timed by the same loop, one pass over all samples per round, " +
            $"the program and NetGen alternating workload by workload){(runs.Count > 1 ? $"; {runs.Count} runs, every cell the median over the runs" : "")}:");
        foreach (string line in info.Distinct())
        {
            text.AppendLine($"- {line}");
        }
        text.AppendLine();
        List<string> backends = runs[0].SelectMany(r => r.Backends.Select(b => b.Name)).Distinct().ToList();
        bool hand = runs[0].Any(r => r.HandWritten is not null);
        text.Append("| Workload | ");
        text.Append(string.Join(" | ", backends.Select(b => $"RTNeural {b}")));
        text.Append(" | RTNeural best | NetGen");
        text.Append(benchmarkDotNet is null ? "" : " | NetGen (BenchmarkDotNet)");
        text.Append(hand ? " | hand-written C#" : "");
        text.AppendLine(" | RTNeural ÷ NetGen (target) | same, fastest rounds |");
        text.Append("|---|");
        text.Append(string.Concat(backends.Select(_ => "---:|")));
        text.Append("---|---:|");
        text.Append(benchmarkDotNet is null ? "" : "---:|");
        text.Append(hand ? "---:|" : "");
        text.AppendLine("---:|---:|");
        var wrong = new List<string>();
        foreach (string workload in runs[0].Select(r => r.Workload))
        {
            List<WorkloadResult> rs = runs.Select(run => run.Single(r => r.Workload == workload)).ToList();
            text.Append($"| {workload} | ");
            foreach (string name in backends)
            {
                var bs = rs.Select(r => r.Backends.FirstOrDefault(x => x.Name == name)).ToList();
                if (bs.Any(b => b is null))
                {
                    text.Append("– | ");
                }
                else if (bs.Any(b => !b!.Correct))
                {
                    text.Append("wrong | ");
                    wrong.Add($"{workload} {name}: {bs.First(b => !b!.Correct)!.Problem} (max |Δ| {bs.Max(b => b!.MaxDifference).ToString("G3", CultureInfo.InvariantCulture)})");
                }
                else
                {
                    text.Append($"{Ns(Median(bs.Select(b => b!.Nanoseconds!.Value)))} | ");
                }
            }
            string[] bestNames = rs.Select(r => r.Best?.Name ?? "none").Distinct().ToArray();
            double best = Median(rs.Where(r => r.Best is not null).Select(r => r.Best!.Nanoseconds!.Value));
            text.Append(double.IsNaN(best) ? "none correct" : $"{Ns(best)} ({string.Join("/", bestNames)})");
            text.Append($" | {Ns(Median(rs.Select(r => r.NetGen.Median)))}");
            if (benchmarkDotNet is not null)
            {
                text.Append($" | {(benchmarkDotNet.TryGetValue(workload, out double bdn) ? Ns(bdn) : "–")}");
            }
            if (hand)
            {
                text.Append($" | {(rs.All(r => r.HandWritten is not null) ? Ns(Median(rs.Select(r => r.HandWritten!.Median))) : "–")}");
            }
            double target = s_targets[workload];
            double ratio = Median(rs.Where(r => r.Ratio is not null).Select(r => r.Ratio!.Value));
            double fastest = Median(rs.Where(r => r.FastestRatio is not null).Select(r => r.FastestRatio!.Value));
            text.Append(double.IsNaN(ratio) ? " | –" : $" | {ratio.ToString("0.00", CultureInfo.InvariantCulture)}× ({target.ToString(CultureInfo.InvariantCulture)}×) {(ratio >= target ? "✔" : "✘")}");
            text.AppendLine(double.IsNaN(fastest) ? " | – |" : $" | {fastest.ToString("0.00", CultureInfo.InvariantCulture)}× |");
        }
        if (runs.Count > 1)
        {
            text.AppendLine();
            text.AppendLine("RTNeural best ÷ NetGen in each run: " + string.Join("; ", runs[0].Select(r => r.Workload).Select(w =>
                $"{w} " + string.Join(", ", runs.Select(run => run.Single(r => r.Workload == w).Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "–")))) + ".");
        }
        if (wrong.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Wrong (outputs differ from NetGen's by more than 10⁻⁴ + 10⁻³·|ŷ|; not timed):");
            foreach (string w in wrong.Distinct())
            {
                text.AppendLine($"- {w}");
            }
        }
        text.AppendLine();
        text.AppendLine("Largest |Δ| against NetGen's outputs, correct backends: " + string.Join("; ", runs[0].Select(r =>
            $"{r.Workload} " + string.Join(", ", r.Backends.Where(b => b.Correct).Select(b => $"{b.Name} {b.MaxDifference.ToString("G2", CultureInfo.InvariantCulture)}")))) + ".");
        return text.ToString();
    }

    internal static string Ns(double ns) => ns >= 100 ? ns.ToString("N0", CultureInfo.InvariantCulture) : ns.ToString("0.0", CultureInfo.InvariantCulture);
}
