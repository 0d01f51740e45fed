namespace NetGen.Tests;

/// <summary>Measures managed allocation on the current thread.</summary>
internal static class Allocations
{
    /// <summary>
    /// Bytes the current thread allocates while running <paramref name="body"/>, the least over <paramref name="rounds"/>
    /// rounds. Code that allocates per call shows the allocation in every round; a one-off allocation by the runtime itself
    /// (tiered-JIT promotion, lazy type loading), which has been seen to land in a measured loop once in many runs, shows
    /// in at most one round and is not the code's.
    /// </summary>
    public static long Minimum(Action body, int rounds = 3)
    {
        long least = long.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            body();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
