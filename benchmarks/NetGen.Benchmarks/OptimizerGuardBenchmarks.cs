using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NetGen.Kernels;
using NetGen.Training;

namespace NetGen.Benchmarks;

/// <summary>
/// What the optimizers' NaN/∞ guard costs in <c>optimizer.Step(net, batchSize)</c> (<c>-- --filter '*OptimizerGuard*'</c>): one
/// step on aligned buffers of W1's, W2's and W3's parameter counts, each call first refilling the gradient (as <c>Backward</c>
/// would). <c>Unguarded</c>: the internal <c>StepChecked</c> (no check; the trainer's step) then clearing the gradient;
/// <c>OldGuarded</c>: the public span <c>Step</c> (check pass, update) then clearing, what <c>Step(net)</c> did before;
/// <c>NewGuarded</c>: the internal <c>StepAndZero</c> that <c>Step(net)</c> runs now (check pass, then an update loop that zeroes
/// the gradient as it reads it). <c>Refill</c> alone is the part common to all three.
/// </summary>
/// <remarks>
/// In-process (no generated project to build, which times out on a busy machine), one launch, 25 iterations; the table shows
/// the minimum and median next to the mean because a shared machine's noise only ever adds time.
/// </remarks>
[Config(typeof(GuardConfig))]
public class OptimizerGuardBenchmarks
{
    private sealed class GuardConfig : ManualConfig
    {
        public GuardConfig()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(8).WithIterationCount(25));
            AddColumn(StatisticColumn.Min, StatisticColumn.Median);
        }
    }

    private float[] _parameters = [], _gradients = [], _source = [];
    private Optimizer _optimizer = new Sgd(1e-3f);

    /// <summary>W1 (XOR, 17), W2 (digits, 2,410), W3 (MNIST-shaped, 109,386 parameters).</summary>
    [Params(17, 2410, 109386)]
    public int Parameters { get; set; }

    [Params("Sgd", "Adam")]
    public string Optimizer { get; set; } = "Sgd";

    private Span<float> P => Aligned.Span(_parameters, Parameters);

    private Span<float> G => Aligned.Span(_gradients, Parameters);

    [GlobalSetup]
    public void Setup()
    {
        _parameters = Aligned.Allocate(Parameters);
        _gradients = Aligned.Allocate(Parameters);
        _source = Aligned.Allocate(Parameters);
        var random = new Random(1);
        Span<float> s = Aligned.Span(_source, Parameters);
        for (int i = 0; i < Parameters; i++)
        {
            P[i] = (float)(random.NextDouble() - 0.5);
            s[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        }
        _optimizer = Optimizer == "Adam" ? new Adam(1e-4f) : new Sgd(1e-6f);
        Refill();
        _optimizer.Step(P, G, 1f);
    }

    [Benchmark]
    public void Refill() => Aligned.Span(_source, Parameters).CopyTo(G);

    [Benchmark(Baseline = true)]
    public void Unguarded()
    {
        Refill();
        _optimizer.StepChecked(P, G, 1f);
        G.Clear();
    }

    [Benchmark]
    public void OldGuarded()
    {
        Refill();
        _optimizer.Step(P, G, 1f);
        G.Clear();
    }

    [Benchmark]
    public void NewGuarded()
    {
        Refill();
        _optimizer.StepAndZero(P, G, 1f, null);
    }
}
