using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

using NetGen.IO;

namespace NetGen.Training;

/// <summary>
/// Trains a generated network the way Keras's <c>fit</c> does: epochs of seeded, shuffled mini-batches, an optimizer step per
/// batch with the batch's mean gradient, optional L1/L2 penalties and gradient clipping, validation after every epoch, the
/// textbook's stopping criteria (gradient-norm threshold, maximum iterations), early stopping, progress and cancellation.
/// </summary>
/// <remarks>
/// <para>Each step: <c>BackwardBatch</c> (training mode) → gradient ← gradient / batch size → + ∂Ω/∂θ → NaN/∞ guard →
/// clip → optimizer step → zero the gradients. A step allocates nothing; the trainer allocates its batch buffers once per
/// <see cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/> and one <see cref="EpochResult"/> per epoch.</para>
/// <para>Bad data is rejected before the first step: wrong sizes or NaN/∞ in inputs or targets throw
/// <see cref="ArgumentException"/> naming the sample. A NaN/∞ loss or gradient during training throws
/// <see cref="NonFiniteException"/> naming the sample or the layer, before the failing step is applied.</para>
/// <para>With <see cref="TrainerOptions.Workers"/> above 1 (every core unless set) each batch's <c>BackwardBatch</c> runs as
/// <see cref="DataParallel"/> shards on that many cores; the rest of the step runs on the calling thread.</para>
/// <para>Like the network's training state, a trainer belongs to one thread.</para>
/// </remarks>
public sealed class Trainer
{
    /// <summary>Creates a trainer for <paramref name="network"/> with <paramref name="optimizer"/> and <paramref name="options"/> (defaults when null).</summary>
    public Trainer(ITrainableNetwork network, IOptimizer optimizer, TrainerOptions? options = null)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Options = options ?? new TrainerOptions();
    }

    /// <summary>The network being trained.</summary>
    public ITrainableNetwork Network { get; }

    /// <summary>The optimizer that takes the steps.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>How training runs.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Trains on <paramref name="training"/>, validating on <paramref name="validation"/> after every epoch.</summary>
    /// <param name="training">The training samples.</param>
    /// <param name="validation">Optional validation samples (needed for early stopping).</param>
    /// <param name="progress">
    /// Receives reports within epochs and at every epoch's end. <see cref="IProgress{T}.Report"/> is called synchronously, in
    /// order, on the thread that runs <c>Fit</c>. Note that <see cref="Progress{T}"/> does not run its handler there: it posts
    /// each report to the captured <see cref="SynchronizationContext"/> or the thread pool, so in a console app its reports can
    /// arrive late, out of order and after <c>Fit</c> returned. Pass a lambda to the <see cref="Fit(Dataset, Dataset?, Action{TrainingProgress}, CancellationToken)"/>
    /// overload to print progress as it happens.
    /// </param>
    /// <param name="cancellationToken">Checked before every batch; cancellation throws <see cref="OperationCanceledException"/> between steps.</param>
    /// <returns>The per-epoch history and why training stopped.</returns>
    /// <exception cref="ArgumentException">Sizes do not match the network, the data holds NaN/∞, or the options cannot work together.</exception>
    /// <exception cref="NonFiniteException">A loss or gradient became NaN/∞.</exception>
    /// <exception cref="InvalidOperationException">The network starts with a <see cref="NormalizationAttribute"/> layer that is not adapted (<see cref="IAdaptableNetwork.IsAdapted"/>).</exception>
    /// <exception cref="WeightFileException">Resuming from <see cref="TrainerOptions.Checkpoint"/> failed: the file is damaged or was made for another network, optimizer, data or settings. Nothing was trained or changed.</exception>
    public TrainingHistory Fit(Dataset training, Dataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(training, validation, progress is null ? null : progress.Report, cancellationToken);

    /// <summary>
    /// Trains as <see cref="Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>, calling
    /// <paramref name="progress"/> synchronously, in order, on this thread: every report has been handled before the next
    /// training step, and all of them before <c>Fit</c> returns (<c>trainer.Fit(train, validation, p => Console.WriteLine(p))</c>).
    /// </summary>
    /// <param name="training">The training samples.</param>
    /// <param name="validation">Optional validation samples (needed for early stopping).</param>
    /// <param name="progress">Called within epochs and at every epoch's end; an exception it throws ends training.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    public TrainingHistory Fit(Dataset training, Dataset? validation, Action<TrainingProgress> progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return Run(training, validation, progress, cancellationToken);
    }

    private TrainingHistory Run(Dataset training, Dataset? validation, Action<TrainingProgress>? report, CancellationToken cancellationToken)
    {
        TrainerOptions o = Options;
        o.Validate();
        ITrainableNetwork net = Network;
        Metrics.CheckShapes(net, training, nameof(training));
        if (training.Count == 0)
        {
            throw new ArgumentException("The training set is empty.", nameof(training));
        }
        CheckFinite(training, nameof(training));
        if (validation is not null)
        {
            Metrics.CheckShapes(net, validation, nameof(validation));
            CheckFinite(validation, nameof(validation));
        }
        if (o.EarlyStopping is { } early)
        {
            if (validation is null || validation.Count == 0)
            {
                throw new ArgumentException("Early stopping watches the validation loss: pass validation data.", nameof(validation));
            }
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(early.Patience, "EarlyStopping.Patience");
            if (!(early.MinDelta >= 0f) || !float.IsFinite(early.MinDelta))
            {
                throw new ArgumentOutOfRangeException("EarlyStopping.MinDelta", early.MinDelta, "MinDelta must be a finite number ≥ 0.");
            }
        }

        int count = training.Count, batch = Math.Min(o.BatchSize, count);
        int rest = count % batch;
        int batches = count / batch + (rest > 0 && !o.DropLast ? 1 : 0);
        IReadOnlyList<LayerInfo> layers = net.Layers;
        if (net.Training && HasBatchNorm(layers) && (batch < 2 || (rest == 1 && !o.DropLast)))
        {
            throw new ArgumentException(
                $"{net.GetType().Name} has batch norm, which needs at least 2 samples per batch in training mode, but a batch of 1 would occur " +
                $"({count} samples, BatchSize {o.BatchSize}); change BatchSize or set DropLast = true.", nameof(training));
        }
        Optimizer? checkpointed = null;
        if (o.Checkpoint is not null)
        {
            checkpointed = Optimizer as Optimizer ?? throw new ArgumentException(
                $"Checkpoints hold the state of NetGen's optimizers (Sgd, RmsProp, Adam, AdamW); {Optimizer.GetType().Name} is not one.", nameof(TrainerOptions.Checkpoint));
        }

        int workers = Workers(net, o.Workers, batch);
        using DataParallel? parallel = workers > 1 ? new DataParallel(net, workers) : null;   // issue 9: the batch's shards on every core
        int inSize = net.InputSize, outSize = net.OutputSize;
        var inputs = new float[batch * inSize];
        var targets = new float[batch * outSize];
        var losses = new float[batch];
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        var random = new SeededRandom(o.Seed);
        var state = new RunState
        {
            Seed = o.Seed, BatchSize = o.BatchSize, Shuffle = o.Shuffle, DropLast = o.DropLast, Samples = count,
            BaseRate = Optimizer.LearningRate, BestLoss = float.PositiveInfinity,
            BestParameters = o.EarlyStopping is { RestoreBestParameters: true } ? new float[net.ParameterCount] : null,
            BestStatistics = o.EarlyStopping is { RestoreBestParameters: true } ? new float[net.RunningStatistics.Length] : null,
        };
        if (o.Checkpoint is { } checkpoint)
        {
            state.DataHash = RunState.Hash(training);
            if (checkpoint.Resume && File.Exists(checkpoint.Path))
            {
                state = Resume(checkpoint.Path, state, net, checkpointed!);
                if (o.Shuffle)
                {
                    for (int e = 0; e < state.Epoch; e++)
                    {
                        Dataset.Shuffle(order, ref random);        // the same permutations as the interrupted run
                    }
                }
            }
        }
        if (net is IAdaptableNetwork { IsAdapted: false })
        {
            // issue 13: a [Normalization] layer that was never adapted is the identity; training on unscaled data by mistake is refused.
            // (After the resume: a checkpoint restores the mean and variance; before it nothing has been changed yet.)
            throw new InvalidOperationException(
                $"{net.GetType().Name} starts with a [Normalization] layer that has not been adapted, so it would pass the inputs through unscaled " +
                "(mean 0, variance 1): call net.Adapt(training) first (or load saved weights); if the inputs are already standardised, set IsAdapted = true.");
        }
        float baseRate = state.BaseRate;
        int interval = o.ProgressInterval > 0 ? o.ProgressInterval : Math.Max(1, batches / 50);
        List<EpochResult> history = state.History;
        net.ZeroGradients();

        for (int epoch = state.Epoch + 1; epoch <= o.Epochs && state.Reason == StopReason.Completed; epoch++)
        {
            long started = Stopwatch.GetTimestamp();
            if (o.Schedule is { } schedule)
            {
                Optimizer.LearningRate = schedule.LearningRate(epoch - 1, baseRate);
            }
            if (o.Shuffle)
            {
                Dataset.Shuffle(order, ref random);
            }
            double lossSum = 0;
            int seen = 0;
            float norm = 0f;
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = b * batch, n = Math.Min(batch, count - start);
                ReadOnlyMemory<float> x, y;
                if (o.Shuffle)
                {
                    for (int k = 0; k < n; k++)
                    {
                        training.Input(order[start + k]).CopyTo(inputs.AsSpan(k * inSize));
                        training.Target(order[start + k]).CopyTo(targets.AsSpan(k * outSize));
                    }
                    x = inputs.AsMemory(0, n * inSize);
                    y = targets.AsMemory(0, n * outSize);
                }
                else
                {
                    x = training.InputMemory.Slice(start * inSize, n * inSize);
                    y = training.TargetMemory.Slice(start * outSize, n * outSize);
                }

                float loss = parallel is null
                    ? net.BackwardBatch(x.Span, y.Span, n, losses.AsSpan(0, n))
                    : parallel.BackwardBatch(x, y, n, losses.AsMemory(0, n));
                state.Iterations++;
                if (!float.IsFinite(loss))
                {
                    net.ZeroGradients();
                    throw NonFiniteLoss(losses.AsSpan(0, n), order.AsSpan(start, n), loss, epoch, state.Iterations, history, state.BestEpoch);
                }

                Span<float> gradients = net.Gradients;
                GradientClipping.Scale(gradients, 1f / n);
                if (o.L1 != 0f || o.L2 != 0f)
                {
                    Regularization.AddGradient(net.Parameters, gradients, layers, o.L1, o.L2);
                }
                norm = MathF.Sqrt(GradientClipping.SumOfSquares(gradients));
                if (!float.IsFinite(norm))
                {
                    throw NonFiniteGradient(net, layers, epoch, state.Iterations, history, state.BestEpoch);
                }
                if (o.ClipNorm is { } maxNorm && maxNorm / (norm + 1e-6f) < 1f)
                {
                    GradientClipping.Scale(gradients, maxNorm / (norm + 1e-6f));
                }
                if (o.ClipValue is { } clip)
                {
                    GradientClipping.ClipByValue(gradients, clip);
                }
                if (Optimizer is Optimizer own)
                {
                    own.StepCheckedAndZero(net.Parameters, gradients, 1f);   // the norm above has checked every value; zeroes them
                }
                else
                {
                    Optimizer.Step(net.Parameters, gradients, 1f);
                    net.ZeroGradients();
                }
                lossSum += loss;
                seen += n;

                if (o.GradientNormThreshold is { } threshold && norm < threshold)
                {
                    state.Reason = StopReason.GradientNormBelowThreshold;
                }
                else if (o.MaxIterations is { } max && state.Iterations >= max)
                {
                    state.Reason = StopReason.MaxIterations;
                }
                if (state.Reason != StopReason.Completed)
                {
                    break;
                }
                if (report is not null && (b + 1) % interval == 0 && b + 1 < batches)
                {
                    report(new TrainingProgress(epoch, o.Epochs, b + 1, batches, state.Iterations, (float)(lossSum / seen), null));
                }
            }

            float? trainAccuracy = null, validationLoss = null, validationAccuracy = null;
            if (o.EvaluateTrainingSet)
            {
                trainAccuracy = Metrics.Evaluate(net, training).AccuracyOrNull;
            }
            if (validation is not null && validation.Count > 0)
            {
                Evaluation v = Metrics.Evaluate(net, validation);
                validationLoss = v.Loss;
                validationAccuracy = v.AccuracyOrNull;
            }
            float penalty = o.L1 != 0f || o.L2 != 0f ? Regularization.Penalty(net.Parameters, layers, o.L1, o.L2) : 0f;
            var result = new EpochResult(epoch, (float)(lossSum / Math.Max(seen, 1)), trainAccuracy, validationLoss, validationAccuracy, penalty,
                Optimizer.LearningRate, norm, state.Iterations, Stopwatch.GetElapsedTime(started));
            history.Add(result);

            if (o.EarlyStopping is { } stopping)
            {
                float current = validationLoss!.Value;
                if (current < state.BestLoss - stopping.MinDelta)
                {
                    state.BestLoss = current;
                    state.BestEpoch = epoch;
                    state.Wait = 0;
                    if (state.BestParameters is not null)
                    {
                        net.Parameters.CopyTo(state.BestParameters);
                        net.RunningStatistics.CopyTo(state.BestStatistics);
                    }
                }
                else if (++state.Wait >= stopping.Patience && state.Reason == StopReason.Completed)
                {
                    state.Reason = StopReason.EarlyStopping;
                }
            }
            else
            {
                state.BestEpoch = epoch;
            }
            state.Epoch = epoch;
            if (o.Checkpoint is { } c && (epoch % c.Interval == 0 || epoch == o.Epochs || state.Reason != StopReason.Completed))
            {
                Checkpoint.Write(c.Path, net, checkpointed!, state);
            }
            report?.Invoke(new TrainingProgress(epoch, o.Epochs, batches, batches, state.Iterations, result.TrainLoss, result));
        }

        if (state.BestParameters is not null && state.BestEpoch > 0 && state.BestEpoch != history.Count)
        {
            state.BestParameters.CopyTo(net.Parameters);
            state.BestStatistics.CopyTo(net.RunningStatistics);
        }
        return new TrainingHistory(history.ToArray(), state.Reason, state.BestEpoch);
    }

    /// <summary>Reads, checks and applies a trainer checkpoint; returns the run state to continue from.</summary>
    private static RunState Resume(string path, RunState fresh, ITrainableNetwork net, Optimizer optimizer)
    {
        CheckpointData data = Checkpoint.Read(path);
        data.CheckFits(net, optimizer);
        RunState saved = data.Run ?? throw new CheckpointMismatchException(path,
            "the checkpoint was written by Checkpoint.Save and holds no training run to resume; load it with Checkpoint.Load, or delete it to start afresh.");
        saved.CheckSameRun(fresh, path);
        data.Apply(net, optimizer);
        return saved;
    }

    /// <summary>
    /// The batch's summed loss is NaN or ±∞: either a sample's loss is (that sample is named), or every sample's loss is
    /// finite and only their float32 sum overflowed (the cause is said, with the largest loss's sample).
    /// </summary>
    private static NonFiniteException NonFiniteLoss(ReadOnlySpan<float> losses, ReadOnlySpan<int> samples, float sum, int epoch, long iteration, List<EpochResult> history, int bestEpoch)
    {
        var before = new TrainingHistory(history.ToArray(), StopReason.Completed, bestEpoch);
        for (int k = 0; k < losses.Length; k++)
        {
            if (!float.IsFinite(losses[k]))
            {
                return new NonFiniteException(
                    $"The loss of training sample {samples[k]} is {losses[k]} (epoch {epoch}, step {iteration}); the parameters are those before this step. " +
                    "The inputs were finite, so the network diverged: lower the learning rate, clip the gradients or scale the inputs.",
                    epoch, iteration, samples[k], null, null, before);
            }
        }
        int largest = 0;
        for (int k = 1; k < losses.Length; k++)
        {
            if (losses[k] > losses[largest])
            {
                largest = k;
            }
        }
        return new NonFiniteException(
            $"Every loss in the batch of {losses.Length} is finite, but their float32 sum overflows to {sum} (epoch {epoch}, step {iteration}); " +
            $"the largest is {losses[largest]}, of training sample {samples[largest]}. Losses this large mean the network diverged or the targets " +
            "are far out of scale: lower the learning rate, clip the gradients, or scale the inputs and targets. The parameters are those before this step.",
            epoch, iteration, samples[largest], null, null, before);
    }

    private static NonFiniteException NonFiniteGradient(ITrainableNetwork net, IReadOnlyList<LayerInfo> layers, int epoch, long iteration, List<EpochResult> history, int bestEpoch)
    {
        Span<float> gradients = net.Gradients;
        int index = -1;
        for (int i = 0; i < gradients.Length; i++)
        {
            if (!float.IsFinite(gradients[i]))
            {
                index = i;
                break;
            }
        }
        string what;
        if (index >= 0)
        {
            what = $"is {gradients[index]}";
        }
        else
        {
            // Every value is finite but the sum of squares overflowed: name the largest.
            index = 0;
            for (int i = 1; i < gradients.Length; i++)
            {
                if (Math.Abs(gradients[i]) > Math.Abs(gradients[index]))
                {
                    index = i;
                }
            }
            what = $"is {gradients[index]}, so large that the gradient norm overflows";
        }
        LayerInfo? layer = LayerInfo.Containing(layers, index);
        string where = layer is null ? $"parameter {index}" : $"{layer.DescribeParameter(index)} (parameter {index}) in {layer}";
        net.ZeroGradients();
        return new NonFiniteException(
            $"The gradient of {where} {what} (epoch {epoch}, step {iteration}); the parameters are those before this step. " +
            "Lower the learning rate, clip the gradients (ClipNorm) or scale the inputs.",
            epoch, iteration, null, layer, index, new TrainingHistory(history.ToArray(), StopReason.Completed, bestEpoch));
    }

    /// <summary>
    /// The worker count of <see cref="TrainerOptions.Workers"/>: as set (refused above 1 for a network that cannot be split), or
    /// every core for a network that can, else 1; never more than the batch size.
    /// </summary>
    private static int Workers(ITrainableNetwork net, int? requested, int batch)
    {
        string? why = net is not IDataParallelNetwork
            ? $"{net.GetType().Name} cannot make data-parallel workers (recurrent and sequence networks train on one core)"
            : net.Training && HasBatchNorm(net.Layers)
                ? $"{net.GetType().Name} has batch norm, which in training mode normalises with the statistics of the whole batch, which shards on separate cores do not have"
                : null;
        if (requested is > 1 && why is not null)
        {
            throw new ArgumentException($"{why}: set Workers = 1 (or leave it unset, which uses one core for such networks).", nameof(TrainerOptions.Workers));
        }
        int workers = requested ?? (why is null ? Environment.ProcessorCount : 1);
        return Math.Min(workers, batch);
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

    private static void CheckFinite(Dataset data, string name)
    {
        if (data.FindNonFinite() is { } bad)
        {
            throw new ArgumentException(
                $"The {name} data's sample {bad.Sample} has {bad.Found} in its {(bad.InTarget ? "target" : "input")} at value {bad.Value}; " +
                "NaN and ±∞ cannot be trained on. Nothing was trained.", name);
        }
    }
}
