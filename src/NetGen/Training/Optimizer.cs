using System;
using System.Collections.Generic;

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
    /// <remarks>
    /// The gradient is checked first: a NaN or ±∞ throws <see cref="NonFiniteException"/> naming the parameter's index, and
    /// nothing is applied (parameters, state and <see cref="StepCount"/> unchanged). The check is one vectorised read of the
    /// gradient with no branch per value; <see cref="Step(ITrainableNetwork, int)"/> also names the layer.
    /// </remarks>
    /// <exception cref="ArgumentException">The buffers differ in length, or the scale is not finite.</exception>
    /// <exception cref="InvalidOperationException">The optimizer already holds state for a buffer of another length.</exception>
    /// <exception cref="NonFiniteException">A gradient is NaN or ±∞; nothing was applied.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale = 1f) =>
        Step(parameters, gradients, gradientScale, null, checkGradients: true);

    /// <summary>
    /// Updates the network with the mean gradient of the last <paramref name="batchSize"/> samples' <c>Backward</c> calls
    /// (or one <c>BackwardBatch</c> of that size), then zeroes the gradients for the next batch.
    /// </summary>
    /// <remarks>
    /// A NaN or ±∞ gradient (from a NaN input or target, or a diverging network) throws <see cref="NonFiniteException"/> naming
    /// the layer and the parameter (<see cref="NonFiniteException.Layer"/>, <see cref="NonFiniteException.ParameterIndex"/>)
    /// before anything is applied: the parameters, the optimizer's state and the gradients are left as they were.
    /// The update loop zeroes each gradient as it reads it (what <see cref="ITrainableNetwork.ZeroGradients"/> does: every value
    /// of <see cref="ITrainableNetwork.Gradients"/> set to 0), so the guarded step reads and writes the gradient no more often
    /// than an unchecked update followed by a separate zeroing pass; the results are the same bits as that sequence.
    /// </remarks>
    /// <exception cref="NonFiniteException">A gradient is NaN or ±∞; nothing was applied.</exception>
    public void Step(ITrainableNetwork network, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        StepAndZero(network.Parameters, network.Gradients, 1f / batchSize, network);
    }

    /// <summary>
    /// The checked step of <see cref="Step(ITrainableNetwork, int)"/> on buffers: refuses a NaN/±∞ gradient with nothing changed,
    /// else updates and sets every gradient to 0 in the same loop.
    /// </summary>
    internal void StepAndZero(Span<float> parameters, Span<float> gradients, float gradientScale, INetwork? network)
    {
        Prepare(parameters.Length, gradients, gradientScale, network, checkGradients: true);
        StepCount++;
        UpdateAndZero(parameters, gradients, gradientScale);
    }

    /// <summary>The trainer's step: it has already checked the gradient (through its norm), so the check is not repeated.</summary>
    internal void StepChecked(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale) =>
        Step(parameters, gradients, gradientScale, null, checkGradients: false);

    /// <summary>
    /// <see cref="StepChecked"/> that zeroes the gradient in the update loop (the trainer's step, which then needs no
    /// <c>ZeroGradients</c> pass): the same bits as <see cref="StepChecked"/> followed by clearing <paramref name="gradients"/>.
    /// </summary>
    internal void StepCheckedAndZero(Span<float> parameters, Span<float> gradients, float gradientScale)
    {
        Prepare(parameters.Length, gradients, gradientScale, null, checkGradients: false);
        StepCount++;
        UpdateAndZero(parameters, gradients, gradientScale);
    }

    private void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale, INetwork? network, bool checkGradients)
    {
        Prepare(parameters.Length, gradients, gradientScale, network, checkGradients);
        StepCount++;
        Update(parameters, gradients, gradientScale);
    }

    /// <summary>Every check of a step (each throws with nothing changed), then the state for the buffer's length.</summary>
    private void Prepare(int length, ReadOnlySpan<float> gradients, float gradientScale, INetwork? network, bool checkGradients)
    {
        if (length != gradients.Length)
        {
            throw new ArgumentException($"gradients has length {gradients.Length} but parameters has length {length}.", nameof(gradients));
        }
        if (!float.IsFinite(gradientScale))
        {
            throw new ArgumentException($"gradientScale must be finite, not {gradientScale}.", nameof(gradientScale));
        }
        if (checkGradients && !NonFinite.AllFinite(gradients))
        {
            throw NonFiniteGradient(gradients, network);
        }
        if (_stateLength != length)
        {
            if (_stateLength >= 0 && HasState)
            {
                throw new InvalidOperationException(
                    $"{GetType().Name} holds state for {_stateLength} parameters and was given {length}; use one optimizer per network, or call Reset() first.");
            }
            _stateLength = length;
            CreateState(length);
        }
    }

    private NonFiniteException NonFiniteGradient(ReadOnlySpan<float> gradients, INetwork? network)
    {
        int index = NonFinite.IndexOf(gradients);
        string where = NonFinite.Describe(network?.Layers, index, out LayerInfo? layer);
        string owner = network is null ? "The gradient" : $"{network.GetType().Name}'s gradient";
        long step = StepCount + 1;
        return new NonFiniteException(
            $"{owner} of {where} is {gradients[index]}; {GetType().Name}.Step did not apply step {step}: the parameters, the gradients " +
            "and the optimizer's state are unchanged. A NaN/∞ gradient comes from a NaN/∞ input or target (check the data) or from a " +
            "diverging network (lower the learning rate, clip the gradients or scale the inputs).",
            0, step, null, layer, index, TrainingHistory.Empty);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        StepCount = 0;
        _stateLength = -1;
        CreateState(0);
    }

    /// <summary>The number of parameters the state was made for, or −1 before the first step (and after <see cref="Reset"/>).</summary>
    internal int StateLength => _stateLength;

    /// <summary>
    /// The per-parameter state buffers this optimizer's configuration keeps, by their PyTorch names (<c>momentum_buffer</c>,
    /// <c>square_avg</c>, <c>grad_avg</c>, <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>), in a fixed order.
    /// </summary>
    internal string[] StateNames => StateBuffers().ConvertAll(static b => b.Name).ToArray();

    /// <summary>The state buffers (arrays from <see cref="Kernels.Aligned.Allocate"/>) with their names; empty arrays before the first step.</summary>
    private protected abstract List<(string Name, float[] Buffer)> StateBuffers();

    /// <summary>The values of state buffer <paramref name="name"/> (<see cref="StateLength"/> of them).</summary>
    internal ReadOnlySpan<float> State(string name)
    {
        foreach ((string n, float[] buffer) in StateBuffers())
        {
            if (n == name)
            {
                return buffer.Length == 0 ? ReadOnlySpan<float>.Empty : Kernels.Aligned.Span(buffer, _stateLength);
            }
        }
        throw new ArgumentException($"{GetType().Name} has no state '{name}'.", nameof(name));
    }

    /// <summary>
    /// Replaces the whole state (a checkpoint's): the step count, the learning rate and, for <paramref name="length"/> ≥ 0, the
    /// buffers, given in <see cref="StateNames"/> order. The caller has checked every length and value.
    /// </summary>
    internal void Restore(long stepCount, float learningRate, int length, IReadOnlyList<float[]> values)
    {
        LearningRate = learningRate;
        StepCount = stepCount;
        _stateLength = length;
        CreateState(Math.Max(length, 0));
        List<(string Name, float[] Buffer)> buffers = StateBuffers();
        for (int i = 0; i < buffers.Count && length > 0; i++)
        {
            values[i].AsSpan(0, length).CopyTo(Kernels.Aligned.Span(buffers[i].Buffer, length));
        }
    }

    /// <summary>Whether this optimizer keeps per-parameter state (moments); stateless optimizers accept any buffer length.</summary>
    protected abstract bool HasState { get; }

    /// <summary>Allocates (or, for 0, drops) the per-parameter state for a buffer of <paramref name="length"/> values.</summary>
    protected abstract void CreateState(int length);

    /// <summary>The fused update over the whole buffer; <see cref="StepCount"/> is already the number of this step (1 for the first).</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale);

    /// <summary>
    /// <see cref="Update"/> that also sets every gradient to 0 once read, in the same loop (the same bits as
    /// <see cref="Update"/> followed by clearing the gradients). The default is exactly that sequence; NetGen's optimizers fuse it.
    /// </summary>
    private protected virtual void UpdateAndZero(Span<float> parameters, Span<float> gradients, float gradientScale)
    {
        Update(parameters, gradients, gradientScale);
        gradients.Clear();
    }

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

/// <summary>
/// What an update kernel does with the gradient it has read, chosen at compile time (a generic argument of a struct type, so
/// the JIT compiles each kernel once per mode and the test disappears): <see cref="KeepGradients"/> leaves it,
/// <see cref="ClearGradients"/> stores 0 in its place.
/// </summary>
internal interface IGradientMode;

/// <summary>The update leaves the gradient as it is (the trainer's step and the public span step).</summary>
internal readonly struct KeepGradients : IGradientMode;

/// <summary>The update zeroes the gradient as it goes (<see cref="Optimizer.Step(ITrainableNetwork, int)"/>).</summary>
internal readonly struct ClearGradients : IGradientMode;
