using System;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using NetGen;
using NetGen.Kernels;
using NetGen.Training;

// What the optimizers' NaN/∞ guard costs in `optimizer.Step(net, batchSize)`, on aligned buffers of W1's, W2's and W3's
// parameter counts (17, 2,410, 109,386) and of 1,048,576. Each call first refills the gradient from a source buffer (as
// Backward would write it: the gradient is in cache, as in a real loop), then runs one of:
//   unguarded  the internal StepChecked (update, no check: what the trainer runs after its gradient norm), then Clear:
//              update + zeroing, the cost of a step with no guard;
//   old        the public span Step (check pass, then update), then Clear: what Step(net) did before (3 passes over g);
//   new        the internal StepAndZero that Step(net) now runs: check pass, then the update loop zeroing g as it reads it
//              (2 passes over g, the unguarded sequence's memory traffic).
// "refill" alone is timed too, so the step's own time is the difference. On a shared machine the variants are measured in
// alternating rounds and each keeps its fastest round: load that comes and goes hits all alike, and noise only adds time.
// Usage: dotnet run -c Release --project benchmarks/OptimizerGuard [rounds]   (default 200)

Step guarded = (optimizer, p, g, s) => optimizer.Step(p, g, s);
Step unguarded = typeof(Optimizer).GetMethod("StepChecked", BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate<Step>();
FusedStep fused = typeof(Optimizer).GetMethod("StepAndZero", BindingFlags.Instance | BindingFlags.NonPublic)!.CreateDelegate<FusedStep>();
int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;

Console.WriteLine($"{"optimizer",-8} {"parameters",10} {"refill",10} {"unguarded",10} {"old",10} {"new",10}   {"old/ung.",8} {"new/ung.",8}   step only: {"old",7} {"new",7}   (ns, fastest round)");
foreach (string name in new[] { "Sgd", "Sgd+mom", "Adam" })
{
    foreach (int n in new[] { 17, 2410, 109386, 1 << 20 })
    {
        float[] parameters = Aligned.Allocate(n), gradients = Aligned.Allocate(n), source = Aligned.Allocate(n);
        var random = new Random(1);
        for (int i = 0; i < n; i++)
        {
            Aligned.Span(parameters, n)[i] = (float)(random.NextDouble() - 0.5);
            Aligned.Span(source, n)[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
        }
        Optimizer optimizer = name switch { "Adam" => new Adam(1e-4f), "Sgd+mom" => new Sgd(1e-6f, momentum: 0.9f), _ => new Sgd(1e-6f) };
        void Refill() => Aligned.Span(source, n).CopyTo(Aligned.Span(gradients, n));
        void Unguarded()
        {
            Refill();
            unguarded(optimizer, Aligned.Span(parameters, n), Aligned.Span(gradients, n), 1f);
            Aligned.Span(gradients, n).Clear();
        }
        void Old()
        {
            Refill();
            guarded(optimizer, Aligned.Span(parameters, n), Aligned.Span(gradients, n), 1f);
            Aligned.Span(gradients, n).Clear();
        }
        void New()
        {
            Refill();
            fused(optimizer, Aligned.Span(parameters, n), Aligned.Span(gradients, n), 1f, null);
        }
        Action[] variants = [Refill, Unguarded, Old, New];

        // Warm up past tiered compilation, then size a round to about 1 ms.
        var clock = Stopwatch.StartNew();
        long calls = 0;
        while (clock.ElapsedMilliseconds < 500)
        {
            foreach (Action v in variants)
            {
                v();
            }
            calls++;
        }
        int perRound = (int)Math.Max(1, calls / 500);
        double[] best = [double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue];
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < variants.Length; k++)
            {
                Action v = variants[k];
                clock.Restart();
                for (int i = 0; i < perRound; i++)
                {
                    v();
                }
                best[k] = Math.Min(best[k], clock.Elapsed.TotalNanoseconds / perRound);
            }
        }
        double refill = best[0], baseline = best[1], old = best[2], now = best[3];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-8} {n,10:N0} {refill,10:F1} {baseline,10:F1} {old,10:F1} {now,10:F1}   {old / baseline,8:F3} {now / baseline,8:F3}   step only: {(old - refill) / (baseline - refill),7:F3} {(now - refill) / (baseline - refill),7:F3}"));
    }
}
return 0;

internal delegate void Step(Optimizer optimizer, Span<float> parameters, ReadOnlySpan<float> gradients, float scale);

internal delegate void FusedStep(Optimizer optimizer, Span<float> parameters, Span<float> gradients, float scale, INetwork? network);
