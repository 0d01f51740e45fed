using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen.Training;

/// <summary>What a <see cref="WorkerPool"/> runs: one call per shard.</summary>
internal interface IWorkItem
{
    /// <summary>Shard <paramref name="shard"/>'s part; it must depend on the shard only, not on the thread that runs it.</summary>
    void Run(int shard);
}

/// <summary>
/// A fixed set of threads that run the shards of an <see cref="IWorkItem"/> together with the calling thread, for
/// data-parallel training. <see cref="Run"/> opens the shards, wakes the worker threads (each waits on its own
/// <see cref="Signal"/>: a short spin, then a block) and claims shards itself too: each shard is run exactly
/// once, by whichever thread claims it first (worker thread k tries shard k first, the caller shard 0), so a worker thread
/// the scheduler has not woken yet delays nothing — the caller runs its shard. Which thread runs a shard does not change
/// what the shard computes. <see cref="Run"/> returns when every shard is done and rethrows the lowest shard's exception.
/// A run allocates nothing.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Signal[] _go;
    private readonly Signal _done = new();
    private readonly int[] _claims;
    private readonly Exception?[] _errors;
    private readonly long[] _allocated;
    private IWorkItem? _work;
    private int _shards, _completed;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="workers"/> − 1 background threads (the caller is the first worker).</summary>
    public WorkerPool(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        Workers = workers;
        _claims = new int[workers];
        Array.Fill(_claims, 1);   // closed until a run opens them
        _errors = new Exception?[workers];
        _allocated = new long[workers];
        _threads = new Thread[workers - 1];
        _go = new Signal[workers - 1];
        for (int k = 0; k < _threads.Length; k++)
        {
            _go[k] = new Signal();
            int worker = k + 1;
            _threads[k] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"NetGen worker {worker}" };
            _threads[k].Start();
        }
    }

    /// <summary>The number of workers, the calling thread included: the most shards a run takes.</summary>
    public int Workers { get; }

    /// <summary>Runs shards 0 … <paramref name="shards"/> − 1 of <paramref name="work"/> and waits for all; rethrows the lowest shard's exception.</summary>
    public void Run(IWorkItem work, int shards)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shards, Workers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        _work = work;
        _shards = shards;
        Array.Clear(_errors);
        _completed = 0;
        _done.Reset();
        for (int k = 0; k < shards; k++)
        {
            Volatile.Write(ref _claims[k], 0);   // after every field above: a thread that claims a shard sees them
        }
        for (int k = 0; k < shards - 1; k++)
        {
            _go[k].Set();
        }
        Claim(0);
        _done.Wait();
        _work = null;
        foreach (Exception? error in _errors)
        {
            if (error is not null)
            {
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
    }

    /// <summary>Claims and runs open shards, <paramref name="first"/> first.</summary>
    private void Claim(int first)
    {
        int count = _claims.Length;
        for (int i = 0; i < count; i++)
        {
            int shard = (first + i) % count;
            if (Interlocked.Exchange(ref _claims[shard], 1) != 0)
            {
                continue;
            }
            int shards = Volatile.Read(ref _shards);
            try
            {
                _work!.Run(shard);
            }
            catch (Exception e)
            {
                _errors[shard] = e;
            }
            if (Interlocked.Increment(ref _completed) == shards)
            {
                _done.Set();
            }
        }
    }

    /// <summary>Bytes the worker threads (not the caller) have allocated so far, as of their last pass (for tests).</summary>
    internal long AllocatedByWorkerThreads
    {
        get
        {
            long sum = 0;
            for (int k = 1; k < _allocated.Length; k++)
            {
                sum += Volatile.Read(ref _allocated[k]);
            }
            return sum;
        }
    }

    private void Loop(int worker)
    {
        Signal go = _go[worker - 1];
        while (true)
        {
            go.Wait();
            go.Reset();
            if (_stopping)
            {
                return;
            }
            Claim(worker);
            Volatile.Write(ref _allocated[worker], GC.GetAllocatedBytesForCurrentThread());
        }
    }

    /// <summary>Ends the threads and waits for them.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        foreach (Signal go in _go)
        {
            go.Set();
        }
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
    }
}

/// <summary>
/// A manual-reset event: <see cref="Wait"/> spins briefly, then blocks on a monitor. Its lock object is made with it, so that
/// no wait or set ever allocates (<see cref="ManualResetEventSlim"/> makes its lock at the first wait that blocks, which
/// would land in some step after warm-up).
/// </summary>
internal sealed class Signal
{
    private readonly object _lock = new();
    private volatile bool _set;

    public void Set()
    {
        _set = true;
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }

    public void Reset() => _set = false;

    public void Wait()
    {
        var spin = new SpinWait();
        while (!_set && !spin.NextSpinWillYield)
        {
            spin.SpinOnce();
        }
        if (_set)
        {
            return;
        }
        lock (_lock)
        {
            while (!_set)
            {
                Monitor.Wait(_lock);
            }
        }
    }
}
