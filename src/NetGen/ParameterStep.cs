using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen;

/// <summary>
/// What a generated network's backprop does with each parameter's ∂L/∂θ, so that one generated method serves both
/// <c>Backward</c> (<see cref="AddGradient"/>: ∂L/∂θ is added to the gradients) and <c>TrainStep</c> (<see cref="SgdStep"/>:
/// θ ← θ − η·∂L/∂θ, fused into backprop). The generated method is generic over the step, so the JIT compiles one copy per
/// step with the calls inlined: each is exactly the statement it stands for.
/// </summary>
public interface IParameterStep
{
    /// <summary>True for a fused SGD step (the target is θ), false for gradient accumulation (the target is ∂L/∂θ).</summary>
    bool IsSgd { get; }

    /// <summary>η of a fused SGD step as the caller gave it (kernels that take η and the batch size use this).</summary>
    float LearningRate { get; }

    /// <summary>Applies <paramref name="gradient"/> to one target value.</summary>
    void Apply(ref float target, float gradient);

    /// <summary>Applies four gradients to <c>target[0..4)</c>.</summary>
    void Apply(Span<float> target, Vector128<float> gradient);

    /// <summary>Applies eight gradients to <c>target[0..8)</c>.</summary>
    void Apply(Span<float> target, Vector256<float> gradient);

    /// <summary>Applies sixteen gradients to <c>target[0..16)</c>.</summary>
    void Apply(Span<float> target, Vector512<float> gradient);
}

/// <summary>∂L/∂θ += g: what <c>Backward</c> does with each gradient.</summary>
public readonly struct AddGradient : IParameterStep
{
    /// <inheritdoc/>
    public bool IsSgd => false;

    /// <inheritdoc/>
    public float LearningRate => 0f;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref float target, float gradient) => target += gradient;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Span<float> target, Vector128<float> gradient) => Vector128.CopyTo(Vector128.Create<float>(target) + gradient, target);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Span<float> target, Vector256<float> gradient) => Vector256.CopyTo(Vector256.Create<float>(target) + gradient, target);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Span<float> target, Vector512<float> gradient) => Vector512.CopyTo(Vector512.Create<float>(target) + gradient, target);
}

/// <summary>θ ← θ − (η/B)·g: plain SGD fused into backprop (<c>TrainStep</c> with B = 1, <c>TrainStepBatch</c> with the batch size).</summary>
public readonly struct SgdStep : IParameterStep
{
    private readonly float _rate;

    /// <summary>A step of η/B per gradient term: each of a batch's B samples contributes its own term.</summary>
    /// <param name="learningRate">η, a positive finite number.</param>
    /// <param name="batchSize">B, at least 1: the step is the mean over the batch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not a positive finite number, or <paramref name="batchSize"/> is not positive.</exception>
    public SgdStep(float learningRate, int batchSize = 1)
    {
        Guard.LearningRate(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        LearningRate = learningRate;
        _rate = learningRate / batchSize;
    }

    /// <inheritdoc/>
    public bool IsSgd => true;

    /// <inheritdoc/>
    public float LearningRate { get; }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref float target, float gradient) => target -= _rate * gradient;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Span<float> target, Vector128<float> gradient) => Vector128.CopyTo(Vector128.Create<float>(target) - _rate * gradient, target);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Span<float> target, Vector256<float> gradient) => Vector256.CopyTo(Vector256.Create<float>(target) - _rate * gradient, target);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(Span<float> target, Vector512<float> gradient) => Vector512.CopyTo(Vector512.Create<float>(target) - _rate * gradient, target);
}
