using NetGen.Training;

namespace NetGen.Tests;

/// <summary>The data-parallel worker pool (issue 9): every shard runs exactly once per run, whoever claims it; errors by shard.</summary>
public sealed class WorkerPoolTests
{
    private sealed class Counting(int shards) : IWorkItem
    {
        public readonly int[] Runs = new int[shards];
        public int ThrowFrom = int.MaxValue;

        public void Run(int shard)
        {
            Interlocked.Increment(ref Runs[shard]);
            if (shard >= ThrowFrom)
            {
                throw new InvalidOperationException($"shard {shard}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryShard_RunsExactlyOnce_PerRun(int workers)
    {
        using var pool = new WorkerPool(workers);
        for (int shards = 1; shards <= workers; shards++)
        {
            var work = new Counting(workers);
            for (int run = 0; run < 500; run++)
            {
                pool.Run(work, shards);
                for (int k = 0; k < workers; k++)
                {
                    Assert.Equal(k < shards ? run + 1 : 0, Volatile.Read(ref work.Runs[k]));
                }
            }
        }
    }

    [Fact]
    public void AnException_IsTheLowestShards_AndThePoolGoesOn()
    {
        using var pool = new WorkerPool(3);
        var work = new Counting(3) { ThrowFrom = 1 };
        for (int run = 0; run < 50; run++)
        {
            Assert.Equal("shard 1", Assert.Throws<InvalidOperationException>(() => pool.Run(work, 3)).Message);
        }
        work.ThrowFrom = int.MaxValue;
        pool.Run(work, 3);
        Assert.Equal([51, 51, 51], work.Runs);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Run(work, 4));
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(work, 1));
    }
}
