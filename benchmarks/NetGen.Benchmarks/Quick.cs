using System;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace NetGen.Benchmarks;

/// <summary>
/// <c>-- quick [filter]</c>: a fast in-process check while developing (not the published numbers): every benchmark method
/// runs in rounds after a warm-up and the fastest round is reported, which is robust to other processes on a shared machine.
/// </summary>
public static class Quick
{
    private static readonly int WarmupMilliseconds = int.TryParse(Environment.GetEnvironmentVariable("NETGEN_QUICK_WARMUP_MS"), out int ms) ? ms : 400;

    public static int Run(string[] args)
    {
        string? filter = args.Length > 0 ? args[0] : null;
        foreach (Type type in new[] { typeof(W1), typeof(W2), typeof(W3), typeof(W4) })
        {
            object instance = Activator.CreateInstance(type)!;
            type.GetMethod("Setup")!.Invoke(instance, null);
            foreach (MethodInfo method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                string name = $"{type.Name}.{method.Name}";
                if (filter is not null && !name.Contains(filter, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                int ops = method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
                var action = method.CreateDelegate<Action>(instance);
                double best = FastestNanoseconds(action, ops);
                Console.WriteLine($"{name,-40} {best,12:F1} ns");
            }
        }
        return 0;
    }

    /// <summary>
    /// Nanoseconds per operation of <paramref name="action"/> (which performs <paramref name="operations"/> operations): warm up
    /// past tiered compilation (tier-1 with PGO arrives after ~100 ms of calls), calibrate to ~2 ms per round, then keep the
    /// fastest of 100 rounds, which is robust to other processes on a shared machine.
    /// </summary>
    public static double FastestNanoseconds(Action action, int operations)
    {
        var sw = Stopwatch.StartNew();
        int calls = 0;
        while (sw.Elapsed.TotalMilliseconds < WarmupMilliseconds) { action(); calls++; }
        int perRound = Math.Max(1, calls / 200);
        double best = double.MaxValue;
        for (int r = 0; r < 100; r++)
        {
            sw.Restart();
            for (int i = 0; i < perRound; i++) action();
            best = Math.Min(best, sw.Elapsed.TotalNanoseconds / perRound / operations);
        }
        return best;
    }
}
