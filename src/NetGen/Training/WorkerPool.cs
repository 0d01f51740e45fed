using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen.Training;

/// <summary>What a <see cref="WorkerPool"/> runs: one call per worker index, all at once.</summary>
internal interface IWorkItem
{
    /// <summary>Worker <paramref name="worker"/>'s part (0 runs on the calling thread).</summary>
    void Run(int worker);
}

/// <summary>
/// A fixed set of threads that run one <see cref="IWorkItem"/> together with the calling thread, for data-parallel training:
/// <see cref="Run"/> wakes worker threads 1…n−1, runs worker 0's part itself, and returns when every part is done. Each
/// thread waits on its own <see cref="ManualResetEventSlim"/> (a short spin, then a block), so a run allocates nothing.
/// An exception in any part is rethrown by <see cref="Run"/> after all parts finished — the lowest worker's first, so that
/// which one is reported does not depend on scheduling.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _go;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Exception?[] _errors;
    private readonly long[] _allocated;
    private IWorkItem? _work;
    private int _pending;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="workers"/> − 1 background threads (the caller is worker 0).</summary>
    public WorkerPool(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        Workers = workers;
        _errors = new Exception?[workers];
        _allocated = new long[workers];
        _threads = new Thread[workers - 1];
        _go = new ManualResetEventSlim[workers - 1];
        for (int k = 0; k < _threads.Length; k++)
        {
            _go[k] = new ManualResetEventSlim(false);
            int worker = k + 1;
            _threads[k] = new Thread(() => Loop(worker)) { IsBackground = true, Name = $"NetGen worker {worker}" };
            _threads[k].Start();
        }
    }

    /// <summary>The number of workers, the calling thread included.</summary>
    public int Workers { get; }

    /// <summary>Runs <paramref name="work"/> on every worker and waits for all; rethrows the lowest worker's exception.</summary>
    public void Run(IWorkItem work)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _work = work;
        Array.Clear(_errors);
        _pending = _threads.Length;
        _done.Reset();
        for (int k = 0; k < _go.Length; k++)
        {
            _go[k].Set();
        }
        try
        {
            work.Run(0);
        }
        catch (Exception e)
        {
            _errors[0] = e;
        }
        if (_threads.Length > 0)
        {
            _done.Wait();
        }
        _work = null;
        foreach (Exception? error in _errors)
        {
            if (error is not null)
            {
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
    }

    /// <summary>Bytes the worker threads (not the caller) have allocated so far, as of their last finished part (for tests).</summary>
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
        ManualResetEventSlim go = _go[worker - 1];
        while (true)
        {
            go.Wait();
            go.Reset();
            if (_stopping)
            {
                return;
            }
            try
            {
                _work!.Run(worker);
            }
            catch (Exception e)
            {
                _errors[worker] = e;
            }
            _allocated[worker] = GC.GetAllocatedBytesForCurrentThread();
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.Set();
            }
        }
    }

    /// <summary>Ends the threads (after any run in progress) and waits for them.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        foreach (ManualResetEventSlim go in _go)
        {
            go.Set();
        }
        foreach (Thread thread in _threads)
        {
            thread.Join();
        }
        foreach (ManualResetEventSlim go in _go)
        {
            go.Dispose();
        }
        _done.Dispose();
    }
}
