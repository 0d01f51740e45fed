using System;
using System.Collections.Generic;

namespace NetGen.Training;

/// <summary>
/// Data-parallel mini-batch training on several cores: <see cref="BackwardBatch"/> and <see cref="TrainStepBatch"/> of a
/// generated network, with the batch split into contiguous shards, one per worker, each backpropagated by its own worker
/// (a <see cref="IDataParallelNetwork.CreateWorker"/> replica: θ shared read-only, its own gradient buffer and workspace).
/// The shards' gradients are then added in worker order, 0, 1, 2, …, so the result does not depend on scheduling: the same
/// network seed, data and worker count give bit-identical parameters. <see cref="Trainer"/> uses this when
/// <see cref="TrainerOptions.Workers"/> is more than 1.
/// </summary>
/// <remarks>
/// <para>Shards: with B samples and W workers (at most B are used), worker k takes samples ⌊kB/W⌋ … ⌊(k+1)B/W⌋ − 1.
/// The losses (each sample's, and their sum in sample order) are bit-identical to the one-core methods'. The gradient is the
/// same sum of per-sample terms grouped differently (each shard's sum, then the shards' sums in worker order), so it agrees
/// with one core up to float rounding of that regrouping, not bit for bit. With one worker (or a batch of one sample) the
/// calls are the network's own, exactly.</para>
/// <para>Dropout: before each parallel call every worker's mask generator is set from a stream derived from the network's
/// generator (<see cref="IRandomStateNetwork"/>), which advances once per call, so the masks too depend only on the seed,
/// the data and the worker count (and a checkpoint, which saves the network's generator, resumes them).</para>
/// <para>Not split: batch norm in training mode (it normalises with the whole batch's statistics, which shards do not
/// have): such a network is refused with more than one worker (it trains in parallel with <c>Training = false</c>).
/// Recurrent (sequence) networks do not implement <see cref="IDataParallelNetwork"/> and train on one core.</para>
/// <para>The worker threads are made once, in the constructor; after the first call with the largest batch, a call allocates
/// nothing. Dispose the object to end its threads. Like a network's training state, it belongs to one thread at a time.</para>
/// </remarks>
public sealed class DataParallel : IDisposable
{
    private readonly ITrainableNetwork _network;
    private readonly ITrainableNetwork[] _workers;
    private readonly WorkerPool? _pool;
    private readonly Work _work;
    private readonly bool _hasBatchNorm;
    private float[] _losses = [];

    /// <summary>Makes <paramref name="workers"/> − 1 worker threads and <paramref name="workers"/> replicas of <paramref name="network"/>.</summary>
    /// <param name="network">The network to train; its parameters are the ones trained.</param>
    /// <param name="workers">How many cores to use, at least 1; null: <see cref="Environment.ProcessorCount"/>. 1 makes every call the network's own.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workers"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">More than one worker for a network that cannot be split: a sequence (recurrent) network, or one with batch norm in training mode.</exception>
    public DataParallel(ITrainableNetwork network, int? workers = null)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        int count = workers ?? Environment.ProcessorCount;
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(workers), count, "workers must be at least 1 (the number of cores to train on).");
        }
        _hasBatchNorm = HasBatchNorm(network.Layers);
        Workers = count;
        if (count > 1)
        {
            if (network is not IDataParallelNetwork parallel)
            {
                throw new ArgumentException(
                    $"{network.GetType().Name} cannot make data-parallel workers (recurrent and sequence networks train on one core): use workers = 1.", nameof(workers));
            }
            CheckBatchNorm(nameof(workers));
            _workers = new ITrainableNetwork[count];
            for (int k = 0; k < count; k++)
            {
                _workers[k] = parallel.CreateWorker();
            }
            _pool = new WorkerPool(count);
        }
        else
        {
            _workers = [];
        }
        _work = new Work(this);
    }

    /// <summary>The network being trained.</summary>
    public ITrainableNetwork Network => _network;

    /// <summary>The number of workers (cores) a call splits its batch over, at most; a batch of B samples uses min(B, Workers).</summary>
    public int Workers { get; }

    /// <summary>
    /// As <see cref="ITrainableNetwork.BackwardBatch"/>, over the workers: <b>adds</b> the gradient of the summed loss to the
    /// network's <see cref="ITrainableNetwork.Gradients"/> (the shards' gradients in worker order) and returns the summed loss.
    /// </summary>
    /// <param name="inputs">batchSize × InputSize values, row-major.</param>
    /// <param name="targets">batchSize × OutputSize values.</param>
    /// <param name="batchSize">The number of samples, at least 1.</param>
    /// <param name="losses">Empty, or batchSize values that receive each sample's loss.</param>
    /// <exception cref="ArgumentException">A length does not match the batch size.</exception>
    /// <exception cref="InvalidOperationException">The network has batch norm and is in training mode, and more than one worker would run.</exception>
    public float BackwardBatch(ReadOnlyMemory<float> inputs, ReadOnlyMemory<float> targets, int batchSize, Memory<float> losses = default)
    {
        int shards = Prepare(inputs.Length, targets.Length, losses.Length, batchSize);
        if (shards == 1)
        {
            return _network.BackwardBatch(inputs.Span, targets.Span, batchSize, losses.Span);
        }
        Span<float> perSample = Backprop(inputs, targets, batchSize, losses, shards);
        _work.Reduce(step: null);
        return Sum(perSample);
    }

    /// <summary>
    /// As <see cref="ITrainableNetwork.TrainStepBatch"/>, over the workers: θ ← θ − (η/B)·g with g the shards' gradients added
    /// in worker order; the network's <see cref="ITrainableNetwork.Gradients"/> are neither read nor written. The step goes
    /// through the non-finite guard: if it would make a finite parameter NaN or ±∞ (a NaN/∞ gradient from any shard), nothing
    /// is applied — the parameters and the dropout generator are as they were — and a <see cref="NonFiniteException"/> names
    /// the parameter.
    /// </summary>
    /// <param name="inputs">batchSize × InputSize values, row-major.</param>
    /// <param name="targets">batchSize × OutputSize values.</param>
    /// <param name="batchSize">The number of samples, at least 1.</param>
    /// <param name="learningRate">η, a positive finite number.</param>
    /// <param name="losses">Empty, or batchSize values that receive each sample's loss.</param>
    /// <returns>The sum of the samples' losses before the step.</returns>
    /// <exception cref="ArgumentException">A length does not match the batch size.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not a positive finite number.</exception>
    /// <exception cref="InvalidOperationException">The network has batch norm and is in training mode, and more than one worker would run.</exception>
    /// <exception cref="NonFiniteException">The step would make a parameter NaN or ±∞; nothing was applied.</exception>
    public float TrainStepBatch(ReadOnlyMemory<float> inputs, ReadOnlyMemory<float> targets, int batchSize, float learningRate, Memory<float> losses = default)
    {
        Guard.LearningRate(learningRate);
        int shards = Prepare(inputs.Length, targets.Length, losses.Length, batchSize);
        if (shards == 1)
        {
            return _network.TrainStepBatch(inputs.Span, targets.Span, batchSize, learningRate, losses.Span);
        }
        ulong random = _network is IRandomStateNetwork r ? r.RandomState : 0;
        Span<float> perSample = Backprop(inputs, targets, batchSize, losses, shards);
        // θ − (η/B)·(g₀ + g₁ + …) for every parameter, into worker 0's buffer with a finiteness check, as StepGuard.Descend
        // does on one core; copied into θ only when every new value is finite.
        bool finite = _work.Reduce(step: learningRate / batchSize);
        Span<float> after = _workers[0].Gradients;
        float total = Sum(perSample);
        if (!finite)
        {
            try
            {
                StepGuard.CheckDescent(_network, nameof(TrainStepBatch), _network.Parameters, after, total);
            }
            catch (NonFiniteException)
            {
                if (_network is IRandomStateNetwork restore)
                {
                    restore.RandomState = random;
                }
                throw;
            }
        }
        after.CopyTo(_network.Parameters);
        return total;
    }

    /// <summary>Bytes allocated so far by the worker threads (the calling thread's are measured by the caller); for tests.</summary>
    internal long AllocatedByWorkerThreads => _pool?.AllocatedByWorkerThreads ?? 0;

    /// <summary>Ends the worker threads.</summary>
    public void Dispose() => _pool?.Dispose();

    /// <summary>Checks the arguments; returns how many shards the batch is split into (1: the network's own method).</summary>
    private int Prepare(int inputs, int targets, int losses, int batchSize)
    {
        Guard.Batch(inputs, targets, losses, batchSize, _network.InputSize, _network.OutputSize, _network.GetType().Name);
        int shards = Math.Min(Workers, batchSize);
        if (shards > 1)
        {
            CheckBatchNorm(null);
        }
        return shards;
    }

    /// <summary>Runs every shard's backward pass on its worker; returns the per-sample losses.</summary>
    private Span<float> Backprop(ReadOnlyMemory<float> inputs, ReadOnlyMemory<float> targets, int batchSize, Memory<float> losses, int shards)
    {
        if (losses.IsEmpty)
        {
            if (_losses.Length < batchSize)
            {
                _losses = new float[batchSize];
            }
            losses = _losses.AsMemory(0, batchSize);
        }
        bool training = _network.Training;
        if (_network is IRandomStateNetwork main)
        {
            // One draw of the network's generator per call seeds every worker's stream for it.
            var random = new SeededRandom(0) { State = main.RandomState };
            ulong seed = random.NextUInt64();
            main.RandomState = random.State;
            for (int k = 0; k < shards; k++)
            {
                ((IRandomStateNetwork)_workers[k]).RandomState = new SeededRandom(unchecked((long)(seed + (ulong)k * 0xD1B54A32D192ED03UL))).State;
            }
        }
        for (int k = 0; k < shards; k++)
        {
            _workers[k].Training = training;
        }
        _work.Start(inputs, targets, batchSize, losses, shards);
        _pool!.Run(_work, shards);
        return losses.Span;
    }

    private static float Sum(ReadOnlySpan<float> losses)
    {
        float total = 0f;
        foreach (float loss in losses)
        {
            total += loss;
        }
        return total;
    }

    private void CheckBatchNorm(string? parameter)
    {
        if (_hasBatchNorm && _network.Training)
        {
            string message = $"{_network.GetType().Name} has batch norm, which in training mode normalises with the statistics of the whole batch; " +
                "shards on separate cores do not have them, so it trains on one core: use 1 worker (or Training = false).";
            throw parameter is null ? new InvalidOperationException(message) : new ArgumentException(message, parameter);
        }
    }

    private static bool HasBatchNorm(IReadOnlyList<LayerInfo> layers)
    {
        foreach (LayerInfo layer in layers)
        {
            if (layer.Kind == LayerKind.BatchNorm)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>One call's shards (a backward pass per worker) and the reduction that follows them.</summary>
    private sealed class Work(DataParallel owner) : IWorkItem
    {
        private ReadOnlyMemory<float> _inputs, _targets;
        private Memory<float> _losses;
        private int _batchSize, _shards;

        public void Start(ReadOnlyMemory<float> inputs, ReadOnlyMemory<float> targets, int batchSize, Memory<float> losses, int shards)
        {
            (_inputs, _targets, _batchSize, _losses, _shards) = (inputs, targets, batchSize, losses, shards);
        }

        /// <summary>
        /// On the calling thread, after the shards: without <paramref name="step"/>, G[i] ← ((G[i] + g₀[i]) + g₁[i]) + … into
        /// the network's gradients; with it (η/B), g₀[i] ← θ[i] − step·(g₀[i] + g₁[i] + …), the new parameter. Block by block
        /// (each stays in the L1 cache through its additions and step); every element's additions are in worker order.
        /// Returns whether every new parameter is finite (always true without a step). One thread: a second hand-off to the
        /// workers costs more than these passes save (on a busy machine, a wait for the scheduler).
        /// </summary>
        public bool Reduce(float? step)
        {
            const int Block = 2048;
            int count = owner._network.ParameterCount;
            bool finite = true;
            for (int from = 0; from < count; from += Block)
            {
                int length = Math.Min(Block, count - from);
                if (step is { } rate)
                {
                    Span<float> sum = owner._workers[0].Gradients.Slice(from, length);
                    for (int k = 1; k < _shards; k++)
                    {
                        Add(sum, owner._workers[k].Gradients.Slice(from, length));
                    }
                    finite &= Descend(owner._network.Parameters.Slice(from, length), sum, rate);
                }
                else
                {
                    Span<float> sum = owner._network.Gradients.Slice(from, length);
                    for (int k = 0; k < _shards; k++)
                    {
                        Add(sum, owner._workers[k].Gradients.Slice(from, length));
                    }
                }
            }
            return finite;
        }

        /// <summary>Worker <paramref name="worker"/>'s shard: its rows of the batch, backpropagated into its own gradients.</summary>
        public void Run(int worker)
        {
            if (worker >= _shards)
            {
                return;
            }
            int start = (int)((long)worker * _batchSize / _shards), end = (int)((long)(worker + 1) * _batchSize / _shards);
            ITrainableNetwork net = owner._workers[worker];
            int inSize = net.InputSize, outSize = net.OutputSize;
            net.ZeroGradients();
            net.BackwardBatch(_inputs.Span.Slice(start * inSize, (end - start) * inSize), _targets.Span.Slice(start * outSize, (end - start) * outSize),
                end - start, _losses.Span.Slice(start, end - start));
        }

        /// <summary>g ← θ − η·g (a product, then a difference, as StepGuard.Descend); whether every result is finite.</summary>
        private static bool Descend(ReadOnlySpan<float> theta, Span<float> g, float rate)
        {
            int i = 0;
            float check = 0f;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                int w = System.Numerics.Vector<float>.Count;
                var eta = new System.Numerics.Vector<float>(rate);
                System.Numerics.Vector<float> checks = System.Numerics.Vector<float>.Zero;
                for (; i <= g.Length - w; i += w)
                {
                    System.Numerics.Vector<float> after = new System.Numerics.Vector<float>(theta.Slice(i)) - eta * new System.Numerics.Vector<float>(g.Slice(i));
                    after.CopyTo(g.Slice(i));
                    checks += after * System.Numerics.Vector<float>.Zero;   // ±0 for a finite value, NaN for NaN/±∞
                }
                check = System.Numerics.Vector.Sum(checks);
            }
            for (; i < g.Length; i++)
            {
                float after = theta[i] - rate * g[i];
                g[i] = after;
                check += after * 0f;
            }
            return check == 0f;
        }

        private static void Add(Span<float> sum, ReadOnlySpan<float> g)
        {
            int i = 0;
            if (System.Numerics.Vector.IsHardwareAccelerated)
            {
                int w = System.Numerics.Vector<float>.Count;
                for (; i <= sum.Length - w; i += w)
                {
                    (new System.Numerics.Vector<float>(sum.Slice(i)) + new System.Numerics.Vector<float>(g.Slice(i))).CopyTo(sum.Slice(i));
                }
            }
            for (; i < sum.Length; i++)
            {
                sum[i] += g[i];
            }
        }
    }
}
