using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NetGen.Training;

namespace NetGen.Benchmarks;

/// <summary>
/// <c>-- streaming</c>: NetGen's generated <c>Step</c> beside RTNeural and PyTorch on the issue's streaming workloads, one audio
/// sample per step with the state carried, and per-sequence training beside PyTorch, all in one run.
/// </summary>
/// <remarks>
/// <para>Workloads (<see cref="S1Gru8"/>, <see cref="S2Lstm16"/>, <see cref="S3Gru8x4"/>, <see cref="S4Conv12"/>): NetGen writes each one's
/// parameters (PyTorch's state dict), 1024 input samples and the targets of a 256-step training sequence in protocol version 2
/// (benchmarks/README.md). The external RTNeural program (<see cref="RTNeuralCompare.Variable"/>) and
/// benchmarks/pytorch/bench_streaming.py read them, print their outputs over the whole input from the zero state and their
/// median time per sample; every backend's outputs are checked against NetGen's <c>ForwardSequence</c> before its time is
/// used (a backend that differs is shown as wrong and not timed). Then NetGen times <c>Step</c> with the instance's state and
/// with a caller-owned <c>ref State</c> by the same loop, the program, PyTorch and NetGen alternating workload by workload so
/// that all see the same load on a shared machine.</para>
/// <para>Per-sequence training: <c>BackwardSequence</c> over the 256 steps and <see cref="Sgd"/>'s step beside PyTorch's
/// zero_grad, the sequence through <c>nn.GRU</c>/<c>nn.LSTM</c>, <c>MSELoss</c>, backward and <c>SGD.step</c>; the first
/// losses must agree.</para>
/// </remarks>
public static class StreamingCompare
{
    /// <summary>Samples of the streamed input (and of each timing pass).</summary>
    public const int Samples = 1024;

    /// <summary>Steps of the training sequence.</summary>
    public const int TrainSteps = 256;

    /// <summary>The protocol version of the streaming workload files.</summary>
    public const int ProtocolVersion = 2;

    private const double SampleRate = 48_000;

    /// <summary>The issue's targets: RTNeural's best correct backend ÷ NetGen's Step (S3's is not the issue's; shown for scale).</summary>
    private static readonly Dictionary<string, double> s_targets = new() { ["S1"] = 1.5, ["S2"] = 1.5 };

    /// <summary>One workload on NetGen's side: the network, the two timed passes (instance state, caller-owned state).</summary>
    private sealed record Stream(string Name, string Description, ISequenceTrainable Net, Action PassInstance, Action PassState, (string Kind, int Units, int Layers) Recurrent);

    private sealed record Row(string Workload, List<RTNeuralCompare.Backend> RTNeural, List<RTNeuralCompare.Backend> PyTorch,
        RTNeuralCompare.Timing Instance, RTNeuralCompare.Timing State, double NetGenTrain, double? PyTorchTrain, string? TrainProblem);

    /// <summary><c>-- streaming [--quick] [--repeat N] [--skip-pytorch] [--python PATH]</c>.</summary>
    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int repeats = int.TryParse(Option(args, "--repeat"), out int n) && n > 0 ? n : 1;
        string python = Option(args, "--python") ?? "/usr/bin/python3";
        string script = Path.Combine(Compare.FindRepositoryRoot(), "benchmarks", "pytorch", "bench_streaming.py");

        float[] input = Input(), target = Pedal(input);
        var y = new float[Samples];
        var streams = new[] { S1(input, y), S2(input, y), S3(input, y), S4(input, y) };
        string? program = Environment.GetEnvironmentVariable(RTNeuralCompare.Variable);
        string? rtneuralMissing = string.IsNullOrWhiteSpace(program)
            ? $"RTNeural: not available (set {RTNeuralCompare.Variable} to a program that speaks the protocol in benchmarks/README.md)."
            : !File.Exists(program) ? $"RTNeural: not available ({RTNeuralCompare.Variable}={program} does not exist)." : null;
        string? pytorchMissing = args.Contains("--skip-pytorch") ? "PyTorch: skipped (--skip-pytorch)."
            : !File.Exists(python) ? $"PyTorch: not available ({python} does not exist; pass --python PATH)." : null;

        string dir = Path.Combine(Path.GetTempPath(), $"netgen-streaming-{Environment.ProcessId}");
        string loadBefore = Compare.LoadAverage();
        try
        {
            var expected = new Dictionary<string, float[]>();
            var firstLoss = new Dictionary<string, float>();
            foreach (Stream s in streams)
            {
                var outputs = new float[Samples];
                s.Net.ForwardSequence(input, outputs, Samples);
                expected[s.Name] = outputs;
                string sub = Path.Combine(dir, s.Name);
                Directory.CreateDirectory(sub);
                WriteWorkload(Path.Combine(sub, s.Name + ".txt"), s, input, target);
                // The loss of the first training step from these weights, to check PyTorch's (BackwardSequence only adds to the
                // gradients: they are cleared after).
                firstLoss[s.Name] = s.Net.BackwardSequence(input.AsSpan(0, TrainSteps), target.AsSpan(0, TrainSteps), TrainSteps);
                s.Net.ZeroGradients();
            }

            // Every workload's code past tiered compilation before anything is timed: the JIT compiles tier 1 (after an
            // instrumented tier) in the background, which under load took seconds and left the first runs slower. Warm up
            // until the fastest pass of a 300 ms window no longer improves on the window before by more than 2 % (at most 6 s).
            foreach (Stream s in streams)
            {
                float[] theta = s.Net.Parameters.ToArray();
                var sgd = new Sgd(1e-6f);
                var total = Stopwatch.StartNew();
                double previous = double.MaxValue;
                while (total.Elapsed.TotalSeconds < 6)
                {
                    double best = double.MaxValue;
                    var window = Stopwatch.StartNew();
                    while (window.Elapsed.TotalMilliseconds < 300)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        s.PassInstance();
                        s.PassState();
                        best = Math.Min(best, Stopwatch.GetTimestamp() - t0);
                        s.Net.BackwardSequence(input.AsSpan(0, TrainSteps), target.AsSpan(0, TrainSteps), TrainSteps);
                        sgd.Step(s.Net);
                    }
                    if (best > previous * 0.98)
                    {
                        break;
                    }
                    previous = best;
                }
                theta.CopyTo(s.Net.Parameters);
            }

            var runs = new List<List<Row>>();
            var info = new List<string>();
            for (int run = 0; run < repeats; run++)
            {
                var rows = new List<Row>();
                foreach (Stream s in streams)
                {
                    string sub = Path.Combine(dir, s.Name);
                    var rtneural = new List<RTNeuralCompare.Backend>();
                    if (rtneuralMissing is null)
                    {
                        string? failure = RTNeuralCompare.RunProgram(program!, sub, quick, out RTNeuralCompare.Parsed parsed);
                        if (failure is not null)
                        {
                            rtneuralMissing = $"RTNeural: not available ({failure}).";
                        }
                        else
                        {
                            info.AddRange(parsed.Info);
                            rtneural = Backends(parsed, s.Name, expected[s.Name]);
                        }
                    }
                    var pytorch = new List<RTNeuralCompare.Backend>();
                    double? pytorchTrain = null;
                    string? trainProblem = null;
                    if (pytorchMissing is null)
                    {
                        string? failure = RTNeuralCompare.RunProgram(python, sub, quick, out RTNeuralCompare.Parsed parsed, script);
                        if (failure is not null)
                        {
                            pytorchMissing = $"PyTorch: not available ({failure}).";
                        }
                        else
                        {
                            info.AddRange(parsed.Info);
                            pytorch = Backends(parsed, s.Name, expected[s.Name]);
                            if (parsed.Training.TryGetValue((s.Name, "eager"), out var train))
                            {
                                double loss = firstLoss[s.Name];
                                if (Math.Abs(train.Loss - loss) <= 1e-5 * Math.Abs(loss) + 1e-7)
                                {
                                    pytorchTrain = train.Median;
                                }
                                else
                                {
                                    trainProblem = $"{s.Name}: PyTorch's first loss {train.Loss.ToString("G9", CultureInfo.InvariantCulture)}, NetGen's {loss.ToString("G9", CultureInfo.InvariantCulture)}";
                                }
                            }
                        }
                    }
                    (RTNeuralCompare.Timing instance, RTNeuralCompare.Timing state) = Time(s.PassInstance, s.PassState, quick);
                    // Training moves θ: time it on θ's copy and put θ back, so every run streams the written weights.
                    float[] theta = s.Net.Parameters.ToArray();
                    double netTrain = TimeTraining(s.Net, input, target, quick);
                    theta.CopyTo(s.Net.Parameters);
                    rows.Add(new Row(s.Name, rtneural, pytorch, instance, state, netTrain, pytorchTrain, trainProblem));
                }
                runs.Add(rows);
            }
            Console.WriteLine(Table(streams, runs, info, loadBefore, Compare.LoadAverage(), rtneuralMissing, pytorchMissing));
            return 0;
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    // ----- the workloads -----------------------------------------------------------------------------------------------------

    private static Stream S1(float[] x, float[] y)
    {
        var net = new S1Gru8(seed: 1);
        S1Gru8.State state = default;
        return new Stream("S1", "1 → GRU 8 → Dense 1", net,
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(ref state, x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            ("gru", 8, 1));
    }

    private static Stream S2(float[] x, float[] y)
    {
        var net = new S2Lstm16(seed: 1);
        S2Lstm16.State state = default;
        return new Stream("S2", "1 → LSTM 16 → Dense 1", net,
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(ref state, x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            ("lstm", 16, 1));
    }

    private static Stream S3(float[] x, float[] y)
    {
        var net = new S3Gru8x4(seed: 1);
        S3Gru8x4.State state = default;
        return new Stream("S3", "1 → GRU 8 ×4 stacked → Dense 1", net,
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(ref state, x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            ("gru", 8, 4));
    }

    private static Stream S4(float[] x, float[] y)
    {
        var net = new S4Conv12(seed: 1);
        S4Conv12.State state = default;
        return new Stream("S4", "1 → causal Conv1D 12 × 5 → Dense 1", net,
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            () =>
            {
                for (int i = 0; i < Samples; i++)
                {
                    net.Step(ref state, x.AsSpan(i, 1), y.AsSpan(i, 1));
                }
            },
            ("conv1d", 12, 5));
    }

    /// <summary>Guitar-like input: a decaying 110 Hz note with two harmonics, then a 330 Hz one (48 kHz).</summary>
    private static float[] Input()
    {
        var x = new float[Samples];
        for (int t = 0; t < Samples; t++)
        {
            double f = t < Samples / 2 ? 110 : 330, age = t < Samples / 2 ? t : t - Samples / 2;
            double phase = 2 * Math.PI * f * t / SampleRate;
            x[t] = (float)(0.8 * Math.Exp(-age / 2000.0) * (0.6 * Math.Sin(phase) + 0.3 * Math.Sin(2 * phase) + 0.1 * Math.Sin(3 * phase)));
        }
        return x;
    }

    /// <summary>The training target: the examples/Amp pedal, a one-pole low-pass (α = 0.2) into tanh(4·s).</summary>
    private static float[] Pedal(float[] x)
    {
        var y = new float[x.Length];
        float s = 0f;
        for (int t = 0; t < x.Length; t++)
        {
            s += 0.2f * (x[t] - s);
            y[t] = MathF.Tanh(4f * s);
        }
        return y;
    }

    /// <summary>
    /// Protocol version 2: <c>netgen-rtneural 2 NAME</c>, <c>layers L</c>, per recurrent layer (stacked layers one by one)
    /// <c>gru|lstm IN H</c> then weight_ih (G·H rows of IN), weight_hh (G·H rows of H), bias_ih, bias_hh (one row each), or a
    /// causal convolution <c>conv1d IN FILTERS KERNEL DILATION ACTIVATION</c> then FILTERS·IN rows of KERNEL taps and the biases,
    /// the dense head as in version 1, <c>samples N</c> with N rows of inputs, <c>targets T</c> with T rows of targets.
    /// </summary>
    private static void WriteWorkload(string path, Stream s, float[] input, float[] target)
    {
        ReadOnlySpan<float> theta = s.Net.Parameters;
        var text = new StringBuilder();
        (string kind, int hidden, int layers) = s.Recurrent;
        int rows = (kind == "gru" ? 3 : 4) * hidden;
        text.Append($"netgen-rtneural {ProtocolVersion} {s.Name}\n");
        text.Append($"layers {(kind == "conv1d" ? 2 : layers + 1)}\n");
        int offset = 0, inputs = s.Net.InputSize;
        if (kind == "conv1d")
        {
            // conv1d IN FILTERS KERNEL DILATION ACTIVATION, then weight[f][c][:] as FILTERS·IN rows of KERNEL taps, the biases.
            int filters = hidden, kernel = layers;
            text.Append($"conv1d {inputs} {filters} {kernel} 1 identity\n");
            for (int r = 0; r < filters * inputs; r++)
            {
                RTNeuralCompare.AppendRow(text, theta.Slice(offset + r * kernel, kernel));
            }
            offset += filters * inputs * kernel;
            RTNeuralCompare.AppendRow(text, theta.Slice(offset, filters));
            offset += filters;
            inputs = filters;
            layers = 0;
        }
        for (int k = 0; k < layers; k++)
        {
            text.Append($"{kind} {inputs} {hidden}\n");
            foreach (int cols in new[] { inputs, hidden })
            {
                for (int r = 0; r < rows; r++)
                {
                    RTNeuralCompare.AppendRow(text, theta.Slice(offset + r * cols, cols));
                }
                offset += rows * cols;
            }
            RTNeuralCompare.AppendRow(text, theta.Slice(offset, rows));
            RTNeuralCompare.AppendRow(text, theta.Slice(offset + rows, rows));
            offset += 2 * rows;
            inputs = hidden;
        }
        int outputs = s.Net.OutputSize;
        text.Append($"dense {inputs} {outputs} identity\n");
        for (int o = 0; o < outputs; o++)
        {
            RTNeuralCompare.AppendRow(text, theta.Slice(offset + o * inputs, inputs));
        }
        offset += outputs * inputs;
        RTNeuralCompare.AppendRow(text, theta.Slice(offset, outputs));
        offset += outputs;
        if (offset != theta.Length)
        {
            throw new InvalidOperationException($"{s.Name}: the layers account for {offset} parameters, the network has {theta.Length}.");
        }
        text.Append($"samples {Samples}\n");
        foreach (float v in input)
        {
            text.Append(v.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        text.Append($"targets {TrainSteps}\n");
        foreach (float v in target.AsSpan(0, TrainSteps))
        {
            text.Append(v.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }

    private static List<RTNeuralCompare.Backend> Backends(RTNeuralCompare.Parsed parsed, string workload, float[] expected)
    {
        var backends = new List<RTNeuralCompare.Backend>();
        foreach (string backend in parsed.Backends)
        {
            parsed.Outputs.TryGetValue((workload, backend), out float[]? outputs);
            bool timed = parsed.Times.TryGetValue((workload, backend), out (double Median, double Fastest) ns);
            if (outputs is null && !timed)
            {
                continue;
            }
            string? problem = RTNeuralCompare.Check(expected, outputs, out float maxDifference);
            if (problem is null && ns.Median <= 0)
            {
                problem = "no time reported";
            }
            backends.Add(new RTNeuralCompare.Backend(backend, problem is null ? ns.Median : null, problem is null ? ns.Fastest : null, maxDifference, problem));
        }
        return backends;
    }

    // ----- NetGen's timing ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// The external program's loop for two passes (the instance's state and a caller-owned state), their rounds alternating so
    /// that both see the same load: warm up, then rounds of one pass over the samples; median and fastest ns per sample.
    /// </summary>
    private static (RTNeuralCompare.Timing First, RTNeuralCompare.Timing Second) Time(Action first, Action second, bool quick)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalMilliseconds < (quick ? 300 : 600))
        {
            first(); // past tiered compilation (tier 1 with PGO)
            second();
        }
        int rounds = quick ? 21 : 201;
        double minSeconds = quick ? 0.1 : 0.8;
        var times = new[] { new List<double>(), new List<double>() };
        sw.Restart();
        while (times[0].Count < rounds || sw.Elapsed.TotalSeconds < minSeconds)
        {
            for (int k = 0; k < 2; k++)
            {
                Action pass = k == 0 ? first : second;
                long t0 = Stopwatch.GetTimestamp();
                pass();
                long t1 = Stopwatch.GetTimestamp();
                times[k].Add((t1 - t0) * 1e9 / Stopwatch.Frequency / Samples);
            }
        }
        times[0].Sort();
        times[1].Sort();
        return (new RTNeuralCompare.Timing(times[0][times[0].Count / 2], times[0][0]), new RTNeuralCompare.Timing(times[1][times[1].Count / 2], times[1][0]));
    }

    /// <summary>One SGD step on the training sequence (BackwardSequence, then Sgd.Step, which clears the gradients): median ns.</summary>
    private static double TimeTraining(ISequenceTrainable net, float[] input, float[] target, bool quick)
    {
        var sgd = new Sgd(1e-6f);
        void Step()
        {
            net.BackwardSequence(input.AsSpan(0, TrainSteps), target.AsSpan(0, TrainSteps), TrainSteps);
            sgd.Step(net);
        }
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalMilliseconds < (quick ? 100 : 300))
        {
            Step();
        }
        var times = new List<double>();
        sw.Restart();
        while (times.Count < (quick ? 11 : 51) || sw.Elapsed.TotalSeconds < (quick ? 0.05 : 0.3))
        {
            long t0 = Stopwatch.GetTimestamp();
            Step();
            long t1 = Stopwatch.GetTimestamp();
            times.Add((t1 - t0) * 1e9 / Stopwatch.Frequency);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    // ----- the table ---------------------------------------------------------------------------------------------------------

    private static string Table(Stream[] streams, List<List<Row>> runs, List<string> info, string loadBefore, string loadAfter, string? rtneuralMissing, string? pytorchMissing)
    {
        var text = new StringBuilder();
        text.AppendLine($"Streaming, one sample per step with the state carried, median ns per sample ({Samples} samples per round; the RTNeural program, " +
            $"PyTorch and NetGen alternating workload by workload){(runs.Count > 1 ? $"; {runs.Count} runs, every cell the median over the runs" : "")}. " +
            $"Load average before: {loadBefore}; after: {loadAfter}.");
        foreach (string line in info.Distinct())
        {
            text.AppendLine($"- {line}");
        }
        if (rtneuralMissing is not null)
        {
            text.AppendLine(rtneuralMissing);
        }
        if (pytorchMissing is not null)
        {
            text.AppendLine(pytorchMissing);
        }
        text.AppendLine();
        List<string> backends = runs[0].SelectMany(r => r.RTNeural.Select(b => b.Name)).Distinct().ToList();
        text.Append("| Workload | NetGen Step | NetGen Step(ref State) | ");
        text.Append(string.Concat(backends.Select(b => $"RTNeural {b} | ")));
        text.AppendLine("RTNeural best | RTNeural ÷ NetGen (target) | PyTorch per step | real time at 48 kHz: NetGen / RTNeural / PyTorch |");
        text.Append("|---|---:|---:|");
        text.Append(string.Concat(backends.Select(_ => "---:|")));
        text.AppendLine("---|---:|---:|---:|");
        var wrong = new List<string>();
        foreach (Stream s in streams)
        {
            List<Row> rs = runs.Select(run => run.Single(r => r.Workload == s.Name)).ToList();
            double instance = RTNeuralCompare.Median(rs.Select(r => r.Instance.Median));
            double state = RTNeuralCompare.Median(rs.Select(r => r.State.Median));
            text.Append($"| {s.Name} {s.Description} | {RTNeuralCompare.Ns(instance)} | {RTNeuralCompare.Ns(state)} | ");
            foreach (string name in backends)
            {
                text.Append(Cell(rs.Select(r => r.RTNeural.FirstOrDefault(b => b.Name == name)).ToList(), s.Name, name, wrong, us: false)).Append(" | ");
            }
            (double best, string bestName) = Best(rs.Select(r => r.RTNeural).ToList());
            text.Append(double.IsNaN(best) ? "– | –" : $"{RTNeuralCompare.Ns(best)} ({bestName}) | ");
            if (!double.IsNaN(best))
            {
                double ratio = RTNeuralCompare.Median(rs.Select(r => Best([r.RTNeural]).Ns / r.Instance.Median));
                text.Append($"{ratio.ToString("0.00", CultureInfo.InvariantCulture)}×");
                text.Append(s_targets.TryGetValue(s.Name, out double target) ? $" ({target.ToString("0.0", CultureInfo.InvariantCulture)}×) {(ratio >= target ? "✔" : "✘")}" : "");
            }
            (double torch, string torchName) = Best(rs.Select(r => r.PyTorch).ToList());
            foreach (string name in rs.SelectMany(r => r.PyTorch.Where(b => !b.Correct).Select(b => b.Name)).Distinct())
            {
                Cell(rs.Select(r => r.PyTorch.FirstOrDefault(b => b.Name == name)).ToList(), s.Name, "PyTorch " + name, wrong, us: true);
            }
            text.Append(double.IsNaN(torch) ? " | –" : $" | {(torch / 1000).ToString("0.0", CultureInfo.InvariantCulture)} µs ({torchName})");
            text.AppendLine($" | {Factor(instance)} / {Factor(best)} / {Factor(torch)} |");
        }
        text.AppendLine();
        text.AppendLine($"Per-sequence training, one SGD step on a {TrainSteps}-step sequence (NetGen: BackwardSequence + Sgd.Step; PyTorch: zero_grad, the " +
            "sequence through nn.GRU/nn.LSTM in one call, MSELoss, backward, SGD.step; 1 thread), median µs per step:");
        text.AppendLine();
        text.AppendLine("| Workload | NetGen | PyTorch | PyTorch ÷ NetGen |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (Stream s in streams)
        {
            List<Row> rs = runs.Select(run => run.Single(r => r.Workload == s.Name)).ToList();
            double net = RTNeuralCompare.Median(rs.Select(r => r.NetGenTrain));
            double torch = RTNeuralCompare.Median(rs.Where(r => r.PyTorchTrain is not null).Select(r => r.PyTorchTrain!.Value));
            wrong.AddRange(rs.Where(r => r.TrainProblem is not null).Select(r => r.TrainProblem!).Distinct());
            text.AppendLine($"| {s.Name} {s.Description} | {(net / 1000).ToString("0.0", CultureInfo.InvariantCulture)} | " +
                (double.IsNaN(torch) ? "– | – |" : $"{(torch / 1000).ToString("0.0", CultureInfo.InvariantCulture)} | {(torch / net).ToString("0.0", CultureInfo.InvariantCulture)}× |"));
        }
        if (runs.Count > 1)
        {
            text.AppendLine();
            text.AppendLine("RTNeural best ÷ NetGen Step in each run: " + string.Join("; ", streams.Select(s =>
                $"{s.Name} " + string.Join(", ", runs.Select(run => run.Single(r => r.Workload == s.Name)).Select(r =>
                    Best([r.RTNeural]).Ns is double b && !double.IsNaN(b) ? (b / r.Instance.Median).ToString("0.00", CultureInfo.InvariantCulture) : "–")))) + ".");
        }
        if (wrong.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Wrong (outputs differ from NetGen's ForwardSequence by more than 10⁻⁴ + 10⁻³·|ŷ|, or the first training loss differs; not timed):");
            foreach (string w in wrong.Distinct())
            {
                text.AppendLine($"- {w}");
            }
        }
        text.AppendLine();
        text.AppendLine("Largest |Δ| against NetGen's outputs over the sequence, correct backends: " + string.Join("; ", runs[0].Select(r =>
            $"{r.Workload} " + string.Join(", ", r.RTNeural.Concat(r.PyTorch).Where(b => b.Correct).Select(b => $"{b.Name} {b.MaxDifference.ToString("G2", CultureInfo.InvariantCulture)}")))) + ".");
        return text.ToString();
    }

    private static string Cell(List<RTNeuralCompare.Backend?> bs, string workload, string name, List<string> wrong, bool us)
    {
        if (bs.Any(b => b is null))
        {
            return "–";
        }
        if (bs.Any(b => !b!.Correct))
        {
            RTNeuralCompare.Backend bad = bs.First(b => !b!.Correct)!;
            wrong.Add($"{workload} {name}: {bad.Problem} (max |Δ| {bs.Max(b => b!.MaxDifference).ToString("G3", CultureInfo.InvariantCulture)})");
            return "wrong";
        }
        double ns = RTNeuralCompare.Median(bs.Select(b => b!.Nanoseconds!.Value));
        return us ? (ns / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " µs" : RTNeuralCompare.Ns(ns);
    }

    /// <summary>The best correct backend's median over the runs (each run's fastest correct backend), and its name(s).</summary>
    private static (double Ns, string Name) Best(List<List<RTNeuralCompare.Backend>> runs)
    {
        var bests = runs.Select(r => r.Where(b => b.Correct).MinBy(b => b.Nanoseconds)).Where(b => b is not null).ToList();
        return (RTNeuralCompare.Median(bests.Select(b => b!.Nanoseconds!.Value)), string.Join("/", bests.Select(b => b!.Name).Distinct()));
    }

    private static string Factor(double ns) => double.IsNaN(ns) ? "–" : $"×{(1e9 / ns / SampleRate).ToString(ns > 1e9 / SampleRate / 10 ? "0.00" : "N0", CultureInfo.InvariantCulture)}";
}
