using System;

namespace NetGen.Training;

/// <summary>
/// An optimizer: updates a parameter buffer from its gradient buffer, in place. The <see cref="Trainer"/> takes any
/// implementation; NetGen's own (<see cref="Sgd"/>, <see cref="RmsProp"/>, <see cref="Adam"/>, <see cref="AdamW"/>) derive
/// from <see cref="Optimizer"/> and follow PyTorch's update rules and defaults.
/// </summary>
public interface IOptimizer
{
    /// <summary>η, the step size. Learning-rate schedules set it between epochs.</summary>
    float LearningRate { get; set; }

    /// <summary>
    /// One update of <paramref name="parameters"/> with the gradient <c>g = gradientScale · gradients</c> (the scale turns
    /// accumulated per-sample gradients into their mean: 1/batch size). Must allocate nothing after the first call.
    /// </summary>
    void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale = 1f);

    /// <summary>Forgets the optimizer's state (moments, step count), as a freshly constructed optimizer.</summary>
    void Reset();
}

/// <summary>
/// Base class of NetGen's optimizers: argument checks, the step count, lazily created state buffers (one allocation, on
/// the first step) and the <see cref="Step(ITrainableNetwork, int)"/> convenience. Subclasses write one fused SIMD loop.
/// </summary>
/// <remarks>An optimizer's state belongs to one parameter buffer and one thread, like the network's training state.</remarks>
public abstract class Optimizer : IOptimizer
{
    private float _learningRate;
    private int _stateLength = -1;

    /// <summary>Validates and stores the learning rate.</summary>
    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive finite number.");
        }
        _learningRate = learningRate;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite (0 is allowed: schedules may reach it).</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0f) || float.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a finite number ≥ 0.");
            }
            _learningRate = value;
        }
    }

    /// <summary>How many steps were taken since construction or <see cref="Reset"/> (PyTorch's <c>state['step']</c>).</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The buffers differ in length, or the scale is not finite.</exception>
    /// <exception cref="InvalidOperationException">The optimizer already holds state for a buffer of another length.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale = 1f)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"gradients has length {gradients.Length} but parameters has length {parameters.Length}.", nameof(gradients));
        }
        if (!float.IsFinite(gradientScale))
        {
            throw new ArgumentException($"gradientScale must be finite, not {gradientScale}.", nameof(gradientScale));
        }
        if (_stateLength != parameters.Length)
        {
            if (_stateLength >= 0 && HasState)
            {
                throw new InvalidOperationException(
                    $"{GetType().Name} holds state for {_stateLength} parameters and was given {parameters.Length}; use one optimizer per network, or call Reset() first.");
            }
            _stateLength = parameters.Length;
            CreateState(parameters.Length);
        }
        StepCount++;
        Update(parameters, gradients, gradientScale);
    }

    /// <summary>
    /// Updates the network with the mean gradient of the last <paramref name="batchSize"/> samples' <c>Backward</c> calls
    /// (or one <c>BackwardBatch</c> of that size), then zeroes the gradients for the next batch.
    /// </summary>
    public void Step(ITrainableNetwork network, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Step(network.Parameters, network.Gradients, 1f / batchSize);
        network.ZeroGradients();
    }

    /// <inheritdoc/>
    public void Reset()
    {
        StepCount = 0;
        _stateLength = -1;
        CreateState(0);
    }

    /// <summary>Whether this optimizer keeps per-parameter state (moments); stateless optimizers accept any buffer length.</summary>
    protected abstract bool HasState { get; }

    /// <summary>Allocates (or, for 0, drops) the per-parameter state for a buffer of <paramref name="length"/> values.</summary>
    protected abstract void CreateState(int length);

    /// <summary>The fused update over the whole buffer; <see cref="StepCount"/> is already the number of this step (1 for the first).</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale);

    /// <summary>Throws unless <paramref name="value"/> is finite and in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    private protected static float Check(float value, float min, float max, string name)
    {
        if (!(value >= min && value < max))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}).");
        }
        return value;
    }
}
