using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// Data-parallel mini-batch training (issue 9, "Training on every core"): <see cref="DataParallel"/> and
/// <see cref="TrainerOptions.Workers"/>. Shards in fixed contiguous ranges, gradients added in worker order.
/// </summary>
public sealed class DataParallelTests
{
    private const float U = 1f / (1 << 24);   // float32's unit round-off

    /// <summary>Inputs in [−1, 1); targets one-hot (cross-entropy) or in [−1, 1) (mean squared error).</summary>
    private static (float[] Inputs, float[] Targets) Data(ITrainableNetwork net, int samples, int seed)
    {
        var random = new SeededRandom(seed);
        var inputs = new float[samples * net.InputSize];
        var targets = new float[samples * net.OutputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = 2f * random.NextSingle() - 1f;
        }
        for (int b = 0; b < samples; b++)
        {
            if (net.Loss == Loss.CrossEntropy)
            {
                targets[b * net.OutputSize + random.NextInt(net.OutputSize)] = 1f;
            }
            else
            {
                for (int j = 0; j < net.OutputSize; j++)
                {
                    targets[b * net.OutputSize + j] = 2f * random.NextSingle() - 1f;
                }
            }
        }
        return (inputs, targets);
    }

    private static ITrainableNetwork Make(string name, int seed = 3) => name switch
    {
        nameof(ParallelMlp) => new ParallelMlp(seed),
        nameof(ParallelCnn) => new ParallelCnn(seed),
        nameof(ParallelDropoutMlp) => new ParallelDropoutMlp(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown network"),
    };

    [Theory]
    [InlineData(nameof(ParallelMlp))]
    [InlineData(nameof(ParallelCnn))]
    [InlineData(nameof(ParallelDropoutMlp))]
    public void OneWorker_IsTheNetworksOwnPath_BitForBit(string name)
    {
        ITrainableNetwork own = Make(name), wrapped = Make(name);
        (float[] x, float[] y) = Data(own, 12, 1);
        using var parallel = new DataParallel(wrapped, workers: 1);
        for (int step = 0; step < 3; step++)
        {
            float a = own.TrainStepBatch(x, y, 12, 0.05f);
            float b = parallel.TrainStepBatch(x, y, 12, 0.05f);
            Assert.Equal(BitConverter.SingleToInt32Bits(a), BitConverter.SingleToInt32Bits(b));
        }
        Assert.True(own.Parameters.SequenceEqual(wrapped.Parameters));
        float c = own.BackwardBatch(x, y, 12), d = parallel.BackwardBatch(x, y, 12);
        Assert.Equal(c, d);
        Assert.True(own.Gradients.SequenceEqual(wrapped.Gradients));
    }

    [Theory]
    [InlineData(nameof(ParallelMlp), 2)]
    [InlineData(nameof(ParallelMlp), 3)]
    [InlineData(nameof(ParallelCnn), 2)]
    [InlineData(nameof(ParallelCnn), 3)]
    [InlineData(nameof(ParallelDropoutMlp), 2)]
    [InlineData(nameof(ParallelDropoutMlp), 3)]
    public void SameWorkerCount_GivesBitIdenticalParameters_RunAfterRun(string name, int workers)
    {
        float[] first = Train(name, workers), second = Train(name, workers);
        Assert.Equal(first, second);   // float[] equality: every value, NaN-aware, bit for bit on these finite values

        static float[] Train(string name, int workers)
        {
            ITrainableNetwork net = Make(name);
            (float[] x, float[] y) = Data(net, 23, 2);   // 23 samples: shards of unequal size
            using var parallel = new DataParallel(net, workers);
            for (int step = 0; step < 4; step++)
            {
                parallel.TrainStepBatch(x, y, 23, 0.05f);
            }
            return net.Parameters.ToArray();
        }
    }

    /// <summary>
    /// Against one core: the per-sample losses and their sum are bit-identical (each sample's forward pass is the same
    /// arithmetic, and the sum is taken in sample order). The gradient is the same sum of per-sample terms t_b grouped
    /// differently ((Σ over shard 0) + (Σ over shard 1) + … instead of one running sum), so each value may differ by float
    /// rounding only: for two orders of summing B terms, |Δ| ≤ 2(B−1)·u·Σ_b |t_b| (Higham's bound for recursive summation,
    /// u = 2⁻²⁴), with t_b each sample's own gradient from Backward.
    /// </summary>
    [Theory]
    [InlineData(nameof(ParallelMlp), 2)]
    [InlineData(nameof(ParallelMlp), 3)]
    [InlineData(nameof(ParallelCnn), 2)]
    [InlineData(nameof(ParallelCnn), 3)]
    public void Gradient_EqualsOneCore_WithinTheRegroupingBound_AndLossesExactly(string name, int workers)
    {
        const int batch = 17;
        ITrainableNetwork one = Make(name), many = Make(name), single = Make(name);
        (float[] x, float[] y) = Data(one, batch, 4);
        float[] lossesOne = new float[batch], lossesMany = new float[batch];
        float totalOne = one.BackwardBatch(x, y, batch, lossesOne);
        using var parallel = new DataParallel(many, workers);
        float totalMany = parallel.BackwardBatch(x, y, batch, lossesMany);
        Assert.Equal(BitConverter.SingleToInt32Bits(totalOne), BitConverter.SingleToInt32Bits(totalMany));
        Assert.Equal(lossesOne, lossesMany);

        var magnitude = new double[one.ParameterCount];
        for (int b = 0; b < batch; b++)
        {
            single.ZeroGradients();
            single.Backward(x.AsSpan(b * one.InputSize, one.InputSize), y.AsSpan(b * one.OutputSize, one.OutputSize));
            ReadOnlySpan<float> t = single.Gradients;
            for (int i = 0; i < t.Length; i++)
            {
                magnitude[i] += Math.Abs(t[i]);
            }
        }
        ReadOnlySpan<float> g1 = one.Gradients, gw = many.Gradients;
        int differing = 0;
        for (int i = 0; i < g1.Length; i++)
        {
            double bound = 2.0 * (batch - 1) * U * magnitude[i];
            Assert.True(Math.Abs((double)g1[i] - gw[i]) <= bound,
                $"{name}, {workers} workers: gradient {i} is {gw[i]:R}, one core {g1[i]:R}; bound {bound:R}");
            differing += g1[i] != gw[i] ? 1 : 0;
        }
        Assert.True(differing < g1.Length);   // most terms agree exactly; the bound is for those whose grouping rounds
    }

    [Fact]
    public void TrainStepBatch_EqualsBackwardBatchThenTheSgdStep()
    {
        // θ − (η/B)·g, g the workers' sum: the same bits as BackwardBatch over the same workers followed by that step.
        ITrainableNetwork a = new ParallelMlp(5), b = new ParallelMlp(5);
        (float[] x, float[] y) = Data(a, 10, 6);
        using var pa = new DataParallel(a, 2);
        using var pb = new DataParallel(b, 2);
        pa.TrainStepBatch(x, y, 10, 0.1f);
        b.ZeroGradients();
        pb.BackwardBatch(x, y, 10);
        Span<float> theta = b.Parameters, g = b.Gradients;
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] -= 0.1f / 10 * g[i];
        }
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
    }

    [Fact]
    public void NaNInOneShard_NeverReachesTheParameters()
    {
        var net = new ParallelDropoutMlp(7);
        (float[] x, float[] y) = Data(net, 8, 8);
        x[6 * ParallelDropoutMlp.InputSize + 2] = float.NaN;   // sample 6: in worker 1's shard (4…7)
        float[] before = net.Parameters.ToArray();
        ulong random = ((IRandomStateNetwork)net).RandomState;
        using var parallel = new DataParallel(net, 2);
        var e = Assert.Throws<NonFiniteException>(() => parallel.TrainStepBatch(x, y, 8, 0.1f));
        Assert.Contains("ParallelDropoutMlp.TrainStepBatch", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(random, ((IRandomStateNetwork)net).RandomState);

        // The same batch without the NaN then trains.
        x[6 * ParallelDropoutMlp.InputSize + 2] = 0.5f;
        parallel.TrainStepBatch(x, y, 8, 0.1f);
        Assert.NotEqual(before, net.Parameters.ToArray());
    }

    [Theory]
    [InlineData(nameof(ParallelMlp))]
    [InlineData(nameof(ParallelCnn))]
    public void AStep_AllocatesNothing_OnAnyThread_AfterWarmUp(string name)
    {
        ITrainableNetwork net = Make(name);
        (float[] x, float[] y) = Data(net, 32, 9);
        float[] losses = new float[32];
        using var parallel = new DataParallel(net, 2);
        parallel.TrainStepBatch(x, y, 32, 0.01f);
        parallel.BackwardBatch(x, y, 32, losses);
        long workersBefore = parallel.AllocatedByWorkerThreads;
        long caller = Allocations.Minimum(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                parallel.TrainStepBatch(x, y, 32, 0.01f);
                parallel.BackwardBatch(x, y, 32, losses);
                parallel.BackwardBatch(x.AsMemory(0, 16 * net.InputSize), y.AsMemory(0, 16 * net.OutputSize), 16);
            }
        });
        Assert.Equal(0, caller);
        Assert.Equal(0, parallel.AllocatedByWorkerThreads - workersBefore);
    }

    [Fact]
    public void BadArguments_AreRefused_AndChangeNothing()
    {
        var net = new ParallelMlp(1);
        Assert.Equal("workers", Assert.Throws<ArgumentOutOfRangeException>(() => new DataParallel(net, 0)).ParamName);
        Assert.Equal("workers", Assert.Throws<ArgumentOutOfRangeException>(() => new DataParallel(net, -2)).ParamName);
        Assert.Throws<ArgumentNullException>(() => new DataParallel(null!, 2));
        (float[] x, float[] y) = Data(net, 4, 1);
        float[] before = net.Parameters.ToArray();
        using var parallel = new DataParallel(net, 2);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => parallel.TrainStepBatch(x.AsMemory(1), y, 4, 0.1f)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => parallel.BackwardBatch(x, y.AsMemory(1), 4)).ParamName);
        Assert.Equal("losses", Assert.Throws<ArgumentException>(() => parallel.BackwardBatch(x, y, 4, new float[3])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => parallel.TrainStepBatch(x, y, 4, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => parallel.TrainStepBatch(x, y, 0, 0.1f));
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.All(net.Gradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.Equal(2, parallel.Workers);
    }

    [Fact]
    public void BatchNormInTrainingMode_IsRefused_ButSplitsInInferenceMode()
    {
        var net = new ParallelBatchNormMlp(2);
        var e = Assert.Throws<ArgumentException>(() => new DataParallel(net, 2));
        Assert.Equal("workers", e.ParamName);
        Assert.Contains("batch norm", e.Message, StringComparison.Ordinal);

        // Training = false: batch norm uses its running statistics, so shards are exact; switching back is refused per call.
        net.Training = false;
        var twin = new ParallelBatchNormMlp(2) { Training = false };
        (float[] x, float[] y) = Data(net, 8, 3);
        using var parallel = new DataParallel(net, 2);
        float[] losses = new float[8], twinLosses = new float[8];
        parallel.BackwardBatch(x, y, 8, losses);
        twin.BackwardBatch(x, y, 8, twinLosses);
        Assert.Equal(twinLosses, losses);
        net.Training = true;
        Assert.Throws<InvalidOperationException>(() => parallel.BackwardBatch(x, y, 8));
    }

    [Fact]
    public void Normalization_WorkersShareTheAdaptedStatistics()
    {
        // [Normalization]'s μ and σ² live in RunningStatistics, which workers share: shards normalise as one core does.
        var one = new NormalizedWideNet(3);
        var many = new NormalizedWideNet(3);
        (float[] x, float[] y) = Data(one, 12, 5);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = 5f + 3f * x[i];   // far from mean 0, variance 1: an unadapted worker would give other losses
        }
        one.Adapt(x);
        many.Adapt(x);
        using var parallel = new DataParallel(many, 2);
        float[] lossesOne = new float[12], lossesMany = new float[12];
        one.BackwardBatch(x, y, 12, lossesOne);
        parallel.BackwardBatch(x, y, 12, lossesMany);
        Assert.Equal(lossesOne, lossesMany);
        one.Adapt(x.AsSpan(0, 6 * NormalizedWideNet.InputSize));   // adapted again after the workers were made: still shared
        many.Adapt(x.AsSpan(0, 6 * NormalizedWideNet.InputSize));
        one.BackwardBatch(x, y, 12, lossesOne);
        parallel.BackwardBatch(x, y, 12, lossesMany);
        Assert.Equal(lossesOne, lossesMany);
    }

    [Fact]
    public void TrainerWorkers_BadValues_AndNetworksThatCannotSplit()
    {
        var net = new ParallelMlp(1);
        (float[] x, float[] y) = Data(net, 8, 1);
        var data = new Dataset(x, y, ParallelMlp.InputSize, ParallelMlp.OutputSize);
        foreach (int bad in new[] { 0, -1 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(net, new Sgd(0.1f), new TrainerOptions { Workers = bad }).Fit(data));
            Assert.Equal("Workers", e.ParamName);
        }

        var norm = new ParallelBatchNormMlp(1);
        (float[] bx, float[] by) = Data(norm, 8, 1);
        var normData = new Dataset(bx, by, ParallelBatchNormMlp.InputSize, ParallelBatchNormMlp.OutputSize);
        var refused = Assert.Throws<ArgumentException>(() => new Trainer(norm, new Sgd(0.1f), new TrainerOptions { Workers = 2, BatchSize = 4 }).Fit(normData));
        Assert.Equal("Workers", refused.ParamName);
        Assert.Contains("batch norm", refused.Message, StringComparison.Ordinal);
        // Unset, a batch-norm network trains on one core: bit-identical to Workers = 1.
        var twin = new ParallelBatchNormMlp(1);
        new Trainer(norm, new Sgd(0.1f), new TrainerOptions { Epochs = 2, BatchSize = 4 }).Fit(normData);
        new Trainer(twin, new Sgd(0.1f), new TrainerOptions { Epochs = 2, BatchSize = 4, Workers = 1 }).Fit(normData);
        Assert.True(norm.Parameters.SequenceEqual(twin.Parameters));

        // A sequence (recurrent) network trains on one core: refused with 2, fine unset.
        const int steps = 3;
        var recurrent = new LstmDenseDense(seed: 2);
        var sequences = new Dataset(new float[4 * steps * 3], new float[4 * steps * 2], steps * 3, steps * 2);
        var noSplit = Assert.Throws<ArgumentException>(() =>
            new Trainer(new SequenceNetwork(recurrent, steps), new Sgd(0.1f), new TrainerOptions { Workers = 2, BatchSize = 2 }).Fit(sequences));
        Assert.Equal("Workers", noSplit.ParamName);
        Assert.Contains("one core", noSplit.Message, StringComparison.Ordinal);
        new Trainer(new SequenceNetwork(recurrent, steps), new Sgd(0.1f), new TrainerOptions { Epochs = 1, BatchSize = 2 }).Fit(sequences);
    }

    [Fact]
    public void Trainer_WorkersOne_IsTheOneCoreLoop_BitForBit()
    {
        // Workers = 1: BackwardBatch, mean, SGD step, zero — the trainer's one-core step, written out.
        var trained = new ParallelCnn(4);
        var manual = new ParallelCnn(4);
        (float[] x, float[] y) = Data(trained, 20, 5);
        new Trainer(trained, new Sgd(0.05f), new TrainerOptions { Epochs = 2, BatchSize = 8, Shuffle = false, Workers = 1 })
            .Fit(new Dataset(x, y, ParallelCnn.InputSize, ParallelCnn.OutputSize));
        var sgd = new Sgd(0.05f);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            for (int start = 0; start < 20; start += 8)
            {
                int n = Math.Min(8, 20 - start);
                manual.BackwardBatch(x.AsSpan(start * ParallelCnn.InputSize, n * ParallelCnn.InputSize), y.AsSpan(start * ParallelCnn.OutputSize, n * ParallelCnn.OutputSize), n);
                GradientClipping.Scale(manual.Gradients, 1f / n);
                sgd.Step(manual.Parameters, manual.Gradients);
                manual.ZeroGradients();
            }
        }
        Assert.True(trained.Parameters.SequenceEqual(manual.Parameters));
    }

    [Theory]
    [InlineData(nameof(ParallelCnn))]
    [InlineData(nameof(ParallelDropoutMlp))]
    public void Trainer_TwoWorkers_Reproducible_CloseToOneCore_AndLearns(string name)
    {
        (ITrainableNetwork net, TrainingHistory history) Fit(int workers)
        {
            ITrainableNetwork net = Make(name, seed: 6);
            (float[] x, float[] y) = Data(net, 60, 7);
            var data = new Dataset(x, y, net.InputSize, net.OutputSize);
            TrainingHistory history = new Trainer(net, new Adam(0.01f), new TrainerOptions { Epochs = 4, BatchSize = 16, Seed = 3, Workers = workers }).Fit(data);
            return (net, history);
        }
        (ITrainableNetwork a, TrainingHistory ha) = Fit(2);
        (ITrainableNetwork b, TrainingHistory hb) = Fit(2);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.Equal(ha.Epochs.Select(e => e.TrainLoss), hb.Epochs.Select(e => e.TrainLoss));
        Assert.True(ha.Epochs[^1].TrainLoss < ha.Epochs[0].TrainLoss, $"loss {ha.Epochs[0].TrainLoss} → {ha.Epochs[^1].TrainLoss}");
        if (name == nameof(ParallelCnn))
        {
            // No dropout: one core takes the same steps up to the regrouping's rounding, which Adam's 4·4 steps barely move.
            (ITrainableNetwork c, TrainingHistory hc) = Fit(1);
            Assert.Equal(hc.Epochs[0].TrainLoss, ha.Epochs[0].TrainLoss, 1e-4f);
            float[] pa = a.Parameters.ToArray(), pc = c.Parameters.ToArray();
            for (int i = 0; i < pa.Length; i++)
            {
                Assert.True(Math.Abs(pa[i] - pc[i]) <= 1e-3f, $"parameter {i}: {pa[i]} with 2 workers, {pc[i]} with 1");
            }
        }
    }
}
