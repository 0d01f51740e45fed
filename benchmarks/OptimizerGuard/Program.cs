using System;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using NetGen.Kernels;
using NetGen.Training;

// What the optimizers' NaN/∞ guard costs: one Step on aligned buffers of W1's, W2's and W3's parameter counts (17, 2,410,
// 109,386), with the guard (the public Step) and without it (the internal StepChecked the trainer calls, whose gradient norm
// has already read every value), both through a delegate of the same shape. On a shared machine the two are measured in
// alternating rounds (A, B, A, B, …) and each keeps its fastest round: load that comes and goes hits both alike, and noise
// only ever adds time. The BenchmarkDotNet form of the same comparison: NetGen.Benchmarks -- --filter '*OptimizerGuard*'.

StepFunction guarded = (optimizer, p, g, s) => optimizer.Step(p, g, s);
StepFunction unguarded = typeof(Optimizer).GetMethod("StepChecked", BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate<StepFunction>();
int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;

Console.WriteLine($"{"optimizer",-10} {"parameters",10} {"without (ns)",13} {"with (ns)",10} {"cost",8}");
foreach (string name in new[] { "Sgd", "Sgd+mom", "Adam" })
{
    foreach (int n in new[] { 17, 2410, 109386 })
    {
        float[] parameters = Aligned.Allocate(n), gradients = Aligned.Allocate(n);
        var random = new Random(1);
        Span<float> p = Aligned.Span(parameters, n), g = Aligned.Span(gradients, n);
        for (int i = 0; i < n; i++)
        {
            p[i] = (float)(random.NextDouble() - 0.5);
            g[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        }
        Optimizer optimizer = name switch { "Adam" => new Adam(1e-4f), "Sgd+mom" => new Sgd(1e-6f, momentum: 0.9f), _ => new Sgd(1e-6f) };
        void A() => unguarded(optimizer, Aligned.Span(parameters, n), Aligned.Span(gradients, n), 1f);
        void B() => guarded(optimizer, Aligned.Span(parameters, n), Aligned.Span(gradients, n), 1f);

        // Warm up past tiered compilation, then size a round to about 1 ms.
        var clock = Stopwatch.StartNew();
        long calls = 0;
        while (clock.ElapsedMilliseconds < 500) { A(); B(); calls++; }
        int perRound = (int)Math.Max(1, calls / 500);
        double bestA = double.MaxValue, bestB = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            clock.Restart();
            for (int i = 0; i < perRound; i++) A();
            bestA = Math.Min(bestA, clock.Elapsed.TotalNanoseconds / perRound);
            clock.Restart();
            for (int i = 0; i < perRound; i++) B();
            bestB = Math.Min(bestB, clock.Elapsed.TotalNanoseconds / perRound);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-10} {n,10:N0} {bestA,13:F1} {bestB,10:F1} {(bestB / bestA - 1) * 100,7:+0.0;-0.0}%"));
    }
}
return 0;

internal delegate void StepFunction(Optimizer optimizer, Span<float> parameters, ReadOnlySpan<float> gradients, float scale);
