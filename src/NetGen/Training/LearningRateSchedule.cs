using System;

namespace NetGen.Training;

/// <summary>
/// A learning-rate schedule with PyTorch's <c>torch.optim.lr_scheduler</c> semantics: <see cref="LearningRate"/> gives η for
/// epoch <c>e</c> (counted from 0, the value PyTorch's optimizer holds after <c>e</c> calls of <c>scheduler.step()</c>).
/// The <see cref="Trainer"/> sets the optimizer's learning rate from it at the start of every epoch.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>η during epoch <paramref name="epoch"/> (0-based), given the optimizer's initial rate η₀.</summary>
    public abstract float LearningRate(int epoch, float baseLearningRate);
}

/// <summary>Step decay (PyTorch <c>StepLR</c>): <c>η = η₀·γ^⌊e / stepSize⌋</c>.</summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs (PyTorch's default γ = 0.1).</summary>
    public StepDecay(int stepSize, float gamma = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma > 0f) || !float.IsFinite(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a positive finite number.");
        }
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>γ, the decay factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public override float LearningRate(int epoch, float baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return (float)(baseLearningRate * Math.Pow(Gamma, epoch / StepSize));
    }
}

/// <summary>Exponential decay (PyTorch <c>ExponentialLR</c>): <c>η = η₀·γᵉ</c>.</summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every epoch.</summary>
    public ExponentialDecay(float gamma)
    {
        if (!(gamma > 0f) || !float.IsFinite(gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be a positive finite number.");
        }
        Gamma = gamma;
    }

    /// <summary>γ, the decay factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public override float LearningRate(int epoch, float baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return (float)(baseLearningRate * Math.Pow(Gamma, epoch));
    }
}

/// <summary>
/// Cosine annealing (Loshchilov &amp; Hutter 2017, PyTorch <c>CosineAnnealingLR</c>):
/// <c>η = η_min + (η₀ − η_min)·(1 + cos(π·e / T_max)) / 2</c>. Past <c>T_max</c> the rate rises again along the same
/// cosine (period <c>2·T_max</c>), as PyTorch's does.
/// </summary>
public sealed class CosineAnnealing : LearningRateSchedule
{
    /// <summary>Anneals from η₀ to <paramref name="minLearningRate"/> over <paramref name="tMax"/> epochs (PyTorch's default η_min = 0).</summary>
    public CosineAnnealing(int tMax, float minLearningRate = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);
        if (!(minLearningRate >= 0f) || !float.IsFinite(minLearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, "The minimum learning rate must be a finite number ≥ 0.");
        }
        TMax = tMax;
        MinLearningRate = minLearningRate;
    }

    /// <summary>T_max, the epochs of one half-period.</summary>
    public int TMax { get; }

    /// <summary>η_min, the rate reached at <see cref="TMax"/>.</summary>
    public float MinLearningRate { get; }

    /// <inheritdoc/>
    public override float LearningRate(int epoch, float baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return (float)(MinLearningRate + (baseLearningRate - (double)MinLearningRate) * (1.0 + Math.Cos(Math.PI * epoch / TMax)) / 2.0);
    }
}
