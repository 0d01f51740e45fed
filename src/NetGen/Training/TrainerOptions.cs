using System;
using System.Collections.Generic;
using System.Threading;

namespace NetGen.Training;

/// <summary>How <see cref="Trainer.Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/> trains: Keras's <c>fit</c> arguments plus the textbook's stopping criteria.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training data (Keras's <c>epochs</c>); 10 unless set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Samples per optimizer step; 32 (Keras's default) unless set. 1 is stochastic gradient descent, the dataset's size is
    /// batch gradient descent, anything between is mini-batch descent. The gradient of a step is the batch's mean.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Shuffle the samples before every epoch (seeded with <see cref="Seed"/>); true unless set.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The shuffling seed: the same seed, data and network seed give bit-identical training on one machine (with the same <see cref="Workers"/>).</summary>
    public long Seed { get; init; }

    /// <summary>Skip an incomplete last batch (PyTorch's <c>drop_last</c>); false unless set.</summary>
    public bool DropLast { get; init; }

    /// <summary>A learning-rate schedule applied at the start of each epoch, from the optimizer's rate when training starts.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>λ₁ of the L1 penalty <c>λ₁·Σ|w|</c> on dense and recurrent weights (see <see cref="Regularization"/>); 0 unless set.</summary>
    public float L1 { get; init; }

    /// <summary>λ₂ of the L2 penalty <c>λ₂·Σw²</c> on dense and recurrent weights (see <see cref="Regularization"/>); 0 unless set.</summary>
    public float L2 { get; init; }

    /// <summary>Clip each step's gradient to this 2-norm (<see cref="GradientClipping.ClipByNorm"/>); off unless set.</summary>
    public float? ClipNorm { get; init; }

    /// <summary>Clamp each gradient value into ±this (<see cref="GradientClipping.ClipByValue"/>); off unless set.</summary>
    public float? ClipValue { get; init; }

    /// <summary>Stop after this many optimizer steps (the textbook's maximum iteration count); off unless set.</summary>
    public long? MaxIterations { get; init; }

    /// <summary>
    /// Stop once a step's gradient 2-norm ‖∇θL‖ (mean over the batch, with the penalty, before clipping) falls below this
    /// (the textbook's convergence threshold); off unless set.
    /// </summary>
    public float? GradientNormThreshold { get; init; }

    /// <summary>Stop when the validation loss stops improving; needs validation data. Off unless set.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>Progress reports within an epoch every this many batches (0: about 50 per epoch); a report also ends every epoch.</summary>
    public int ProgressInterval { get; init; }

    /// <summary>
    /// Also evaluate the training set in inference mode after every epoch (train accuracy and inference-mode loss), at the
    /// cost of one forward pass over it; false unless set.
    /// </summary>
    public bool EvaluateTrainingSet { get; init; }

    /// <summary>
    /// Write a checkpoint (parameters, optimizer state, the run's position and history) every few epochs, and resume from it
    /// when <see cref="Trainer.Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/> starts and finds it
    /// (Keras's <c>BackupAndRestore</c>); off unless set. See <see cref="CheckpointOptions"/>.
    /// </summary>
    public CheckpointOptions? Checkpoint { get; init; }

    /// <summary>
    /// How many cores a step uses (data-parallel shards of each batch, <see cref="DataParallel"/>); null (the default): every
    /// core (<see cref="Environment.ProcessorCount"/>), except that networks which cannot be split — batch norm in training
    /// mode, recurrent (sequence) networks — use one. 1 is the one-core path exactly. The same seed, data and worker count
    /// give bit-identical parameters; another worker count agrees up to float rounding (the gradient's sum is grouped by shard).
    /// More than 1 for a network that cannot be split is refused (<see cref="ArgumentException"/>).
    /// </summary>
    public int? Workers { get; init; }

    internal void Validate()
    {
        if (Workers is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, "Workers must be at least 1 (the number of cores a step uses), or null for every core.");
        }
        if (Checkpoint is { } checkpoint)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(checkpoint.Path, "Checkpoint.Path");
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkpoint.Interval, "Checkpoint.Interval");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(ProgressInterval, nameof(ProgressInterval));
        Positive(ClipNorm, nameof(ClipNorm));
        Positive(ClipValue, nameof(ClipValue));
        Positive(GradientNormThreshold, nameof(GradientNormThreshold));
        if (MaxIterations is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be positive.");
        }
        if (!(L1 >= 0f) || !float.IsFinite(L1) || !(L2 >= 0f) || !float.IsFinite(L2))
        {
            throw new ArgumentOutOfRangeException(nameof(L1), "L1 and L2 must be finite numbers ≥ 0.");
        }
    }

    private static void Positive(float? value, string name)
    {
        if (value is { } v && (!(v > 0f) || !float.IsFinite(v)))
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be a positive finite number.");
        }
    }
}

/// <summary>
/// Early stopping on the validation loss (Keras's <c>EarlyStopping(monitor='val_loss')</c>): training stops after
/// <see cref="Patience"/> epochs without the loss falling below the best so far by more than <see cref="MinDelta"/>.
/// </summary>
/// <param name="Patience">Epochs without improvement to tolerate, ≥ 1.</param>
/// <param name="MinDelta">The smallest decrease that counts as an improvement, ≥ 0.</param>
/// <param name="RestoreBestParameters">Put back the parameters (and batch-norm running statistics) of the best epoch when stopping or finishing.</param>
public sealed record EarlyStopping(int Patience = 5, float MinDelta = 0f, bool RestoreBestParameters = true);

/// <summary>
/// Checkpointing for <see cref="Trainer"/>: after every <see cref="Interval"/> epochs (and after the last, or when training
/// stops early) the trainer writes <see cref="Path"/> atomically with <see cref="Training.Checkpoint"/>'s format, including
/// where the run stands. When <see cref="Resume"/> is on and the file exists as <c>Fit</c> starts, <c>Fit</c> loads it and
/// continues with the next epoch: with the same network seed, data and options the parameters at the end are bit-identical to
/// an uninterrupted run (for networks without dropout: the generated dropout mask generator's position is not saved yet).
/// The file is checked first (damaged, or made for another network, optimizer, data, seed or batch size: a
/// <see cref="IO.WeightFileException"/>, nothing trained). A checkpoint of a finished run makes <c>Fit</c> return its history
/// without training; raise <see cref="TrainerOptions.Epochs"/> to train on.
/// </summary>
/// <param name="Path">The checkpoint file.</param>
public sealed record CheckpointOptions(string Path)
{
    /// <summary>Write the checkpoint after every this many epochs; 1 unless set.</summary>
    public int Interval { get; init; } = 1;

    /// <summary>Continue from <see cref="Path"/> when it exists as training starts; true unless set.</summary>
    public bool Resume { get; init; } = true;
}

/// <summary>Why <see cref="Trainer.Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/> returned.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed = 0,
    /// <summary>A step's gradient norm fell below <see cref="TrainerOptions.GradientNormThreshold"/>.</summary>
    GradientNormBelowThreshold = 1,
    /// <summary><see cref="TrainerOptions.MaxIterations"/> steps were taken.</summary>
    MaxIterations = 2,
    /// <summary>The validation loss stopped improving (<see cref="TrainerOptions.EarlyStopping"/>).</summary>
    EarlyStopping = 3,
}

/// <summary>The metrics of one epoch.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="TrainLoss">The mean training loss over the epoch's samples, as computed during training (training mode; without the penalty).</param>
/// <param name="TrainAccuracy">Training-set accuracy in inference mode, when <see cref="TrainerOptions.EvaluateTrainingSet"/> is on.</param>
/// <param name="ValidationLoss">The mean validation loss (inference mode), when validation data was given.</param>
/// <param name="ValidationAccuracy">The validation accuracy, when validation data was given.</param>
/// <param name="Penalty">The regularisation penalty Ω(θ) at the epoch's end (0 without L1/L2).</param>
/// <param name="LearningRate">η during the epoch.</param>
/// <param name="GradientNorm">The last step's gradient 2-norm (before clipping).</param>
/// <param name="Iterations">Optimizer steps taken so far, in all epochs.</param>
/// <param name="Elapsed">The epoch's wall-clock time (training and evaluation).</param>
public sealed record EpochResult(
    int Epoch,
    float TrainLoss,
    float? TrainAccuracy,
    float? ValidationLoss,
    float? ValidationAccuracy,
    float Penalty,
    float LearningRate,
    float GradientNorm,
    long Iterations,
    TimeSpan Elapsed)
{
    /// <summary>
    /// One readable line, only with the values that exist, for example
    /// <c>epoch 12: loss 0.0831, validation loss 0.0912, validation accuracy 0.967, lr 0.001, gradient norm 0.21, 48 steps, 3 ms</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        System.Globalization.CultureInfo c = System.Globalization.CultureInfo.InvariantCulture;
        text.Append(c, $"epoch {Epoch}: loss {TrainLoss:G4}");
        if (TrainAccuracy is { } trainAccuracy)
        {
            text.Append(c, $", accuracy {trainAccuracy:0.000}");
        }
        if (ValidationLoss is { } validationLoss)
        {
            text.Append(c, $", validation loss {validationLoss:G4}");
        }
        if (ValidationAccuracy is { } validationAccuracy)
        {
            text.Append(c, $", validation accuracy {validationAccuracy:0.000}");
        }
        if (Penalty != 0f)
        {
            text.Append(c, $", penalty {Penalty:G4}");
        }
        text.Append(c, $", lr {LearningRate:G4}, gradient norm {GradientNorm:G3}, {Iterations} steps, {Elapsed.TotalMilliseconds:0} ms");
        return text.ToString();
    }
}

/// <summary>What <see cref="Trainer.Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/> returns: one <see cref="EpochResult"/> per epoch run, and why it stopped.</summary>
/// <param name="Epochs">The epochs, in order (the last may be partial when a step-level criterion stopped training).</param>
/// <param name="StopReason">Why training ended.</param>
/// <param name="BestEpoch">With early stopping, the epoch with the lowest validation loss; otherwise the last epoch.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochResult> Epochs, StopReason StopReason, int BestEpoch)
{
    /// <summary>No epochs (what an optimizer's <see cref="NonFiniteException"/> carries: it was not thrown by a trainer).</summary>
    public static TrainingHistory Empty { get; } = new([], StopReason.Completed, 0);

    /// <summary>Optimizer steps taken in all.</summary>
    public long Iterations => Epochs.Count == 0 ? 0 : Epochs[^1].Iterations;
}

/// <summary>A progress report from <see cref="Trainer.Fit(Dataset, Dataset?, IProgress{TrainingProgress}?, CancellationToken)"/>: within an epoch every few batches, and at its end with <see cref="Completed"/>.</summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in one epoch.</param>
/// <param name="Iterations">Optimizer steps so far.</param>
/// <param name="Loss">The mean training loss of this epoch's samples so far.</param>
/// <param name="Completed">The epoch's metrics, on the report that ends it; otherwise null.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, long Iterations, float Loss, EpochResult? Completed)
{
    /// <summary>
    /// One readable line: the epoch's <see cref="EpochResult"/> line on the report that ends an epoch, otherwise for example
    /// <c>epoch 3/40, batch 20/45: loss 0.2134</c>.
    /// </summary>
    public override string ToString() => Completed is { } done
        ? done.ToString()
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"epoch {Epoch}/{Epochs}, batch {Batch}/{Batches}: loss {Loss:G4}");
}

/// <summary>
/// Training met NaN or ±∞ in a loss or a gradient (or a batch's losses summed beyond float32's range). The parameters are
/// those before the failing step (it is not applied); <see cref="History"/> holds the epochs completed before. Thrown by
/// <see cref="Trainer"/> and by every <see cref="Optimizer"/>'s <c>Step</c>.
/// </summary>
public sealed class NonFiniteException : ArithmeticException
{
    internal NonFiniteException(string message, int epoch, long iteration, int? sample, LayerInfo? layer, int? parameterIndex, TrainingHistory history)
        : base(message)
    {
        Epoch = epoch;
        Iteration = iteration;
        Sample = sample;
        Layer = layer;
        ParameterIndex = parameterIndex;
        History = history;
    }

    /// <summary>The epoch (from 1) in which it happened; 0 when an optimizer's <c>Step</c> threw it outside a <see cref="Trainer"/>.</summary>
    public int Epoch { get; }

    /// <summary>The step (from 1) that failed: the trainer's iteration, or the optimizer's step number (<see cref="Optimizer.StepCount"/> + 1).</summary>
    public long Iteration { get; }

    /// <summary>The training sample (its index in the dataset) whose loss was not finite, if that was the cause.</summary>
    public int? Sample { get; }

    /// <summary>The layer holding the first non-finite gradient, if that was the cause.</summary>
    public LayerInfo? Layer { get; }

    /// <summary>The first non-finite gradient's index in the parameter buffer, if that was the cause.</summary>
    public int? ParameterIndex { get; }

    /// <summary>The epochs completed before the failure.</summary>
    public TrainingHistory History { get; }
}
