using System;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NetGen.Kernels;
using NetGen.Training;

namespace NetGen.Benchmarks;

/// <summary>
/// What the optimizers' NaN/∞ guard costs (<c>-- --filter '*OptimizerGuard*'</c>): one optimizer step on aligned buffers of
/// W1's, W2's and W3's parameter counts, with the guard (the public <c>Step</c>) and without it (the internal
/// <c>StepChecked</c> the trainer uses, whose gradient norm has already checked every value), both through a delegate so that
/// the call overhead is the same. The difference is the guard: one vectorised read of the gradient before the update.
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

    private delegate void StepFunction(Optimizer optimizer, Span<float> parameters, ReadOnlySpan<float> gradients, float scale);

    private static readonly StepFunction s_checked = (optimizer, p, g, s) => optimizer.Step(p, g, s);
    private static readonly StepFunction s_unchecked = typeof(Optimizer)
        .GetMethod("StepChecked", BindingFlags.Instance | BindingFlags.NonPublic)!
        .CreateDelegate<StepFunction>();

    private float[] _parameters = [], _gradients = [];
    private Optimizer _optimizer = new Sgd(1e-3f);

    /// <summary>W1 (XOR, 17), W2 (digits, 2,410), W3 (MNIST-shaped, 109,386 parameters).</summary>
    [Params(17, 2410, 109386)]
    public int Parameters { get; set; }

    [Params("Sgd", "Adam")]
    public string Optimizer { get; set; } = "Sgd";

    [GlobalSetup]
    public void Setup()
    {
        _parameters = Aligned.Allocate(Parameters);
        _gradients = Aligned.Allocate(Parameters);
        var random = new Random(1);
        Span<float> p = Aligned.Span(_parameters, Parameters), g = Aligned.Span(_gradients, Parameters);
        for (int i = 0; i < Parameters; i++)
        {
            p[i] = (float)(random.NextDouble() - 0.5);
            g[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        }
        _optimizer = Optimizer == "Adam" ? new Adam(1e-4f) : new Sgd(1e-6f);
        s_checked(_optimizer, p, g, 1f);
    }

    [Benchmark(Baseline = true)]
    public void WithoutGuard() => s_unchecked(_optimizer, Aligned.Span(_parameters, Parameters), Aligned.Span(_gradients, Parameters), 1f);

    [Benchmark]
    public void WithGuard() => s_checked(_optimizer, Aligned.Span(_parameters, Parameters), Aligned.Span(_gradients, Parameters), 1f);
}
