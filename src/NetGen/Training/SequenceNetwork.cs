using System;
using System.Collections.Generic;

namespace NetGen.Training;

/// <summary>
/// A network with recurrent layers seen as a network whose sample is a whole sequence of <see cref="Steps"/> time steps, so that
/// everything written for samples — <see cref="Trainer"/> (shuffling, mini-batches, gradient clipping, schedules, early
/// stopping, checkpoints), <see cref="Metrics"/>, the optimizers — trains and evaluates sequence models unchanged.
/// </summary>
/// <remarks>
/// <para>A sample's input is <c>Steps × network.InputSize</c> values (row-major, step after step) and its target
/// <c>Steps × network.OutputSize</c>; a <see cref="Dataset"/> of such rows is a set of sequences. <see cref="Backward"/> is
/// the network's <see cref="ISequenceTrainable.BackwardSequence"/> (backpropagation through time from the zero state, the loss
/// being the mean over the steps), <see cref="BackwardBatch"/> the sum over a mini-batch of sequences (the trainer then divides
/// by the batch size: the gradient of the mean over sequences).</para>
/// <para>For a long series, cut it into windows of <see cref="Steps"/> (truncated BPTT from the zero state per window); to carry
/// the state from one window to the next, call the generated <c>BackwardSequence(ref State, …)</c> directly.</para>
/// <para>The parameters, gradients and layers are the network's own: training through this view trains the network.</para>
/// </remarks>
public sealed class SequenceNetwork : ITrainableNetwork
{
    private readonly float[] _saved;

    /// <summary>Views <paramref name="network"/> as a network of sequences of <paramref name="steps"/> time steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is not positive.</exception>
    public SequenceNetwork(ISequenceTrainable network, int steps)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        Network = network;
        Steps = steps;
        InputSize = checked(steps * network.InputSize);
        OutputSize = checked(steps * network.OutputSize);
        _saved = new float[network.ParameterCount];
    }

    /// <summary>The recurrent network.</summary>
    public ISequenceTrainable Network { get; }

    /// <summary>Time steps per sequence.</summary>
    public int Steps { get; }

    /// <summary>Values of one sequence's inputs: Steps × the network's InputSize.</summary>
    public int InputSize { get; }

    /// <summary>Values of one sequence's outputs: Steps × the network's OutputSize.</summary>
    public int OutputSize { get; }

    /// <inheritdoc/>
    public int ParameterCount => Network.ParameterCount;

    /// <inheritdoc/>
    public Span<float> Parameters => Network.Parameters;

    /// <inheritdoc/>
    public IReadOnlyList<LayerInfo> Layers => Network.Layers;

    /// <inheritdoc/>
    public Span<float> RunningStatistics => Network.RunningStatistics;

    /// <inheritdoc/>
    public Loss Loss => Network.Loss;

    /// <inheritdoc/>
    public Span<float> Gradients => Network.Gradients;

    /// <inheritdoc/>
    public bool Training
    {
        get => Network.Training;
        set => Network.Training = value;
    }

    /// <inheritdoc/>
    public void ZeroGradients() => Network.ZeroGradients();

    /// <summary>The network's <see cref="IStreamingNetwork.ForwardSequence"/> over one sequence.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => Network.ForwardSequence(input, output, Steps);

    /// <inheritdoc/>
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Guard.Length(inputs.Length, batchSize * InputSize, nameof(inputs), nameof(SequenceNetwork), "InputSize × batchSize");
        Guard.Length(outputs.Length, batchSize * OutputSize, nameof(outputs), nameof(SequenceNetwork), "OutputSize × batchSize");
        for (int b = 0; b < batchSize; b++)
        {
            Network.ForwardSequence(inputs.Slice(b * InputSize, InputSize), outputs.Slice(b * OutputSize, OutputSize), Steps);
        }
    }

    /// <summary>The network's <see cref="ISequenceTrainable.BackwardSequence"/> over one sequence: adds ∂L/∂θ, returns L.</summary>
    public float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => Network.BackwardSequence(input, target, Steps);

    /// <summary>Backpropagation through time over each sequence of the batch: adds the sum of their ∂L/∂θ, returns the sum of their losses.</summary>
    public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, Span<float> losses = default)
    {
        Guard.Batch(inputs.Length, targets.Length, losses.Length, batchSize, InputSize, OutputSize, nameof(SequenceNetwork));
        float sum = 0f;
        for (int b = 0; b < batchSize; b++)
        {
            float loss = Network.BackwardSequence(inputs.Slice(b * InputSize, InputSize), targets.Slice(b * OutputSize, OutputSize), Steps);
            if (!losses.IsEmpty)
            {
                losses[b] = loss;
            }
            sum += loss;
        }
        return sum;
    }

    /// <inheritdoc/>
    public float Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> output) =>
        Network.EvaluateSequence(input, target, output, Steps);

    /// <summary>One SGD step on one sequence; <see cref="Gradients"/> is left as it was.</summary>
    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate)
    {
        Guard.LearningRate(learningRate);
        Guard.Length(input.Length, InputSize, nameof(input), nameof(SequenceNetwork), nameof(InputSize));
        Guard.Length(target.Length, OutputSize, nameof(target), nameof(SequenceNetwork), nameof(OutputSize));
        Span<float> gradients = Network.Gradients;
        gradients.CopyTo(_saved);
        gradients.Clear();
        float loss = Network.BackwardSequence(input, target, Steps);
        Apply(learningRate);
        return loss;
    }

    /// <summary>One SGD step of η/B on the summed gradients of a batch of B sequences; <see cref="Gradients"/> is left as it was.</summary>
    public float TrainStepBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float learningRate, Span<float> losses = default)
    {
        Guard.LearningRate(learningRate);
        Guard.Batch(inputs.Length, targets.Length, losses.Length, batchSize, InputSize, OutputSize, nameof(SequenceNetwork));
        Span<float> gradients = Network.Gradients;
        gradients.CopyTo(_saved);
        gradients.Clear();
        float sum = BackwardBatch(inputs, targets, batchSize, losses);
        Apply(learningRate / batchSize);
        return sum;
    }

    /// <summary>θ ← θ − η·g, then the gradients the caller had are put back.</summary>
    private void Apply(float rate)
    {
        Span<float> theta = Network.Parameters, gradients = Network.Gradients;
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] -= rate * gradients[i];
        }
        _saved.CopyTo(gradients);
    }
}
