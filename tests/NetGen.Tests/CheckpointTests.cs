using NetGen.IO;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>Checkpoints: optimizer state with the parameters, validated loading, and a trainer that resumes bit-identically.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static void Steps(OptimizerNet net, Optimizer optimizer, Dataset data, int from, int count)
    {
        for (int s = from; s < from + count; s++)
        {
            int i = s % data.Count;
            net.Backward(data.Input(i), data.Target(i));
            optimizer.Step(net, batchSize: 1);
        }
    }

    private static float[][] StateOf(Optimizer optimizer) =>
        optimizer.StateNames.Select(n => optimizer.State(n).ToArray()).ToArray();

    [Theory]
    [MemberData(nameof(EverydayUseTests.Optimizers), MemberType = typeof(EverydayUseTests))]
    public void SaveThenLoad_ContinuesBitIdentically(string name)
    {
        Dataset data = TrainerTests.Blobs(16, 1);
        var straight = new OptimizerNet(seed: 2);
        Optimizer straightOptimizer = EverydayUseTests.MakeOptimizer(name);
        Steps(straight, straightOptimizer, data, 0, 20);

        var first = new OptimizerNet(seed: 2);
        Optimizer firstOptimizer = EverydayUseTests.MakeOptimizer(name);
        Steps(first, firstOptimizer, data, 0, 9);
        firstOptimizer.LearningRate *= 0.5f;                      // the learning rate travels with the state…
        string path = PathOf("run.ckpt");
        Checkpoint.Save(path, first, firstOptimizer);
        firstOptimizer.LearningRate *= 2f;

        var resumed = new OptimizerNet(seed: 99);                 // different start: the checkpoint replaces it
        Optimizer resumedOptimizer = EverydayUseTests.MakeOptimizer(name);
        Checkpoint.Load(path, resumed, resumedOptimizer);
        Assert.Equal(first.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(9, resumedOptimizer.StepCount);
        Assert.Equal(firstOptimizer.LearningRate * 0.5f, resumedOptimizer.LearningRate);   // …as it was when saved
        Assert.Equal(StateOf(firstOptimizer), StateOf(resumedOptimizer));
        resumedOptimizer.LearningRate = firstOptimizer.LearningRate;

        Steps(resumed, resumedOptimizer, data, 9, 11);
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(StateOf(straightOptimizer), StateOf(resumedOptimizer));
    }

    [Fact]
    public void Load_RejectsDamagedTruncatedNaNAndMismatchedFiles_AndChangesNothing()
    {
        Dataset data = TrainerTests.Blobs(16, 1);
        var net = new OptimizerNet(seed: 2);
        var adam = new Adam(0.01f);
        Steps(net, adam, data, 0, 5);
        string good = PathOf("good.ckpt");
        Checkpoint.Save(good, net, adam);
        byte[] bytes = File.ReadAllBytes(good);

        var target = new OptimizerNet(seed: 7);
        var targetAdam = new Adam(0.01f);
        Steps(target, targetAdam, data, 0, 2);
        float[] parameters = target.Parameters.ToArray();
        float[][] state = StateOf(targetAdam);
        void Unchanged()
        {
            Assert.Equal(parameters, target.Parameters.ToArray());
            Assert.Equal(state, StateOf(targetAdam));
            Assert.Equal(2, targetAdam.StepCount);
        }

        string flipped = PathOf("flipped.ckpt");
        byte[] damaged = (byte[])bytes.Clone();
        damaged[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(flipped, damaged);
        var e1 = Assert.Throws<CorruptWeightFileException>(() => Checkpoint.Load(flipped, target, targetAdam));
        Assert.Contains("SHA-256 does not match", e1.Message);
        Assert.Equal(flipped, e1.FilePath);
        Unchanged();

        foreach (int length in new[] { 0, 5, 15, 100, bytes.Length - 1 })
        {
            string cut = PathOf($"cut{length}.ckpt");
            File.WriteAllBytes(cut, bytes[..length]);
            Assert.Throws<TruncatedWeightFileException>(() => Checkpoint.Load(cut, target, targetAdam));
            Unchanged();
        }

        string other = PathOf("other.bin");
        File.WriteAllBytes(other, [.. "not a checkpoint at all, just bytes"u8]);
        Assert.Contains("not a NetGen checkpoint", Assert.Throws<CorruptWeightFileException>(() => Checkpoint.Load(other, target, targetAdam)).Message);

        // A well-formed file (right checksum) with a NaN parameter.
        var poisoned = new OptimizerNet(seed: 2);
        poisoned.Parameters[3] = float.NaN;
        string nan = PathOf("nan.ckpt");
        Checkpoint.Save(nan, poisoned, new Adam(0.01f));
        var e2 = Assert.Throws<CorruptWeightFileException>(() => Checkpoint.Load(nan, target, targetAdam));
        Assert.Contains("value 3 of 'parameters' is NaN", e2.Message);
        Unchanged();

        var e3 = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(good, new BatchNormReluSoftmax(), new Adam()));
        Assert.Contains("made for OptimizerNet", e3.Message);
        var e4 = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(good, target, new Sgd(0.1f, momentum: 0.9f)));
        Assert.Contains("holds the state of Adam, but the optimizer is Sgd", e4.Message);
        var e5 = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(good, target, new Adam(amsGrad: true)));
        Assert.Contains("AMSGrad", e5.Message);
        Unchanged();

        Checkpoint.Load(good, target, targetAdam);
        Assert.Equal(net.Parameters.ToArray(), target.Parameters.ToArray());
    }

    private static TrainerOptions Options(string? checkpoint, int epochs = 12) => new()
    {
        Epochs = epochs, BatchSize = 8, Seed = 5, L2 = 1e-3f, ClipNorm = 2f,
        Schedule = new CosineAnnealing(tMax: 12),
        EarlyStopping = new EarlyStopping(Patience: 50),
        Checkpoint = checkpoint is null ? null : new CheckpointOptions(checkpoint),
    };

    [Fact]
    public void Trainer_ResumedHalfWay_ReachesBitIdenticalParameters()
    {
        Dataset train = TrainerTests.Blobs(60, 1), validation = TrainerTests.Blobs(20, 2);
        var straight = new BatchNormReluSoftmax(seed: 3);
        TrainingHistory whole = new Trainer(straight, new Adam(0.02f), Options(null)).Fit(train, validation);

        // The same run, stopped after epoch 6 (as a crash or Ctrl+C would), then started again by the same code.
        string path = PathOf("trainer.ckpt");
        var cts = new CancellationTokenSource();
        var interrupted = new BatchNormReluSoftmax(seed: 3);
        Assert.Throws<OperationCanceledException>(() => new Trainer(interrupted, new Adam(0.02f), Options(path))
            .Fit(train, validation, p => { if (p.Completed?.Epoch == 6) { cts.Cancel(); } }, cts.Token));

        var resumed = new BatchNormReluSoftmax(seed: 3);
        var epochs = new List<int>();
        TrainingHistory rest = new Trainer(resumed, new Adam(0.02f), Options(path)).Fit(train, validation, p => { if (p.Completed is { } e) { epochs.Add(e.Epoch); } });

        Assert.Equal(Enumerable.Range(7, 6), epochs);                                   // it continued with epoch 7
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());      // bit-identical
        Assert.Equal(straight.RunningStatistics.ToArray(), resumed.RunningStatistics.ToArray());
        Assert.Equal(whole.Epochs.Select(e => e with { Elapsed = default }), rest.Epochs.Select(e => e with { Elapsed = default }));
        Assert.Equal(whole.BestEpoch, rest.BestEpoch);

        // A finished run's checkpoint trains no further; more epochs continue it.
        var again = new BatchNormReluSoftmax(seed: 3);
        Assert.Equal(12, new Trainer(again, new Adam(0.02f), Options(path)).Fit(train, validation).Epochs.Count);
        Assert.Equal(straight.Parameters.ToArray(), again.Parameters.ToArray());
        Assert.Equal(14, new Trainer(again, new Adam(0.02f), Options(path, epochs: 14)).Fit(train, validation).Epochs.Count);
    }

    [Fact]
    public void Trainer_RefusesToResumeOnOtherDataOrSettings_AndTrainsNothing()
    {
        Dataset train = TrainerTests.Blobs(60, 1), validation = TrainerTests.Blobs(20, 2);
        string path = PathOf("refuse.ckpt");
        new Trainer(new BatchNormReluSoftmax(seed: 3), new Adam(0.02f), Options(path, epochs: 2)).Fit(train, validation);

        var net = new BatchNormReluSoftmax(seed: 3);
        float[] before = net.Parameters.ToArray();
        var e1 = Assert.Throws<CheckpointMismatchException>(() => new Trainer(net, new Adam(0.02f), Options(path) with { Seed = 6 }).Fit(train, validation));
        Assert.Contains("Seed 5", e1.Message);
        var e2 = Assert.Throws<CheckpointMismatchException>(() => new Trainer(net, new Adam(0.02f), Options(path)).Fit(TrainerTests.Blobs(60, 9), validation));
        Assert.Contains("other data", e2.Message);
        var e3 = Assert.Throws<CheckpointMismatchException>(() => new Trainer(net, new Sgd(0.1f), Options(path)).Fit(train, validation));
        Assert.Contains("holds the state of Adam", e3.Message);
        Assert.Equal(before, net.Parameters.ToArray());

        Checkpoint.Save(path, net, new Adam());                                          // no run in it
        Assert.Contains("holds no training run", Assert.Throws<CheckpointMismatchException>(() => new Trainer(net, new Adam(0.02f), Options(path)).Fit(train, validation)).Message);

        var resumeOff = Options(path) with { Checkpoint = new CheckpointOptions(path) { Resume = false, Interval = 3 } };
        Assert.Equal(12, new Trainer(net, new Adam(0.02f), resumeOff).Fit(train, validation).Epochs.Count);   // starts afresh and overwrites
    }

    [Fact]
    public void Trainer_WithDropout_ResumedHalfWay_DrawsTheSameMasks_BitIdentical()
    {
        // MixedTrainingNet has a [Dropout]: its generator's state is in the checkpoint (IRandomStateNetwork), so the resumed run
        // draws the masks the uninterrupted run drew after epoch 4, and every parameter matches bit for bit.
        Dataset train = Blobs5(48, 1), validation = Blobs5(16, 2);
        var options = Options(null, epochs: 8) with { EarlyStopping = null };
        var straight = new MixedTrainingNet(seed: 3);
        new Trainer(straight, new Adam(0.02f), options).Fit(train, validation);

        string path = PathOf("dropout.ckpt");
        var cts = new CancellationTokenSource();
        var interrupted = new MixedTrainingNet(seed: 3);
        Assert.Throws<OperationCanceledException>(() => new Trainer(interrupted, new Adam(0.02f), options with { Checkpoint = new CheckpointOptions(path) })
            .Fit(train, validation, p => { if (p.Completed?.Epoch == 4) { cts.Cancel(); } }, cts.Token));
        Assert.NotEqual(((IRandomStateNetwork)new MixedTrainingNet(seed: 3)).RandomState, ((IRandomStateNetwork)interrupted).RandomState);

        var resumed = new MixedTrainingNet(seed: 3);
        new Trainer(resumed, new Adam(0.02f), options with { Checkpoint = new CheckpointOptions(path) }).Fit(train, validation);
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(straight.RunningStatistics.ToArray(), resumed.RunningStatistics.ToArray());
        Assert.Equal(((IRandomStateNetwork)straight).RandomState, ((IRandomStateNetwork)resumed).RandomState);
    }

    [Fact]
    public void SaveThenLoad_RestoresTheDropoutGenerator()
    {
        var net = new MixedTrainingNet(seed: 8);
        var optimizer = new Sgd(0.1f);
        float[] inputs = [0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 1f, 0.5f, -0.25f, 0f, 2f];
        float[] targets = [1f, 0f, 0f, 0f, 0f, 0f, 1f, 0f];
        net.TrainStepBatch(inputs, targets, 2, 0.1f);
        string path = PathOf("generator.ckpt");
        Checkpoint.Save(path, net, optimizer);
        ulong saved = ((IRandomStateNetwork)net).RandomState;
        float next = net.TrainStepBatch(inputs, targets, 2, 0.1f);

        var loaded = new MixedTrainingNet(seed: 1);
        Checkpoint.Load(path, loaded, new Sgd(0.1f));
        Assert.Equal(saved, ((IRandomStateNetwork)loaded).RandomState);
        Assert.Equal(next, loaded.TrainStepBatch(inputs, targets, 2, 0.1f));
        Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
    }

    /// <summary>Three blobs in 5 dimensions (MixedTrainingNet's input), 4 classes one-hot (the fourth never used).</summary>
    private static Dataset Blobs5(int count, int seed)
    {
        var random = new SeededRandom(seed);
        float[] x = new float[count * 5], y = new float[count * 4];
        for (int i = 0; i < count; i++)
        {
            int c = i % 3;
            for (int j = 0; j < 5; j++)
            {
                x[i * 5 + j] = (j == c ? 1.5f : 0f) + (random.NextSingle() - 0.5f);
            }
            y[i * 4 + c] = 1f;
        }
        return new Dataset(x, y, 5, 4);
    }
}
