using System;

namespace NetGen;

/// <summary>
/// A network with recurrent layers (<c>[GRU]</c>, <c>[LSTM]</c>), which keeps state from one time step to the next: it runs
/// on a stream sample by sample (<see cref="Step"/>) or on a whole sequence (<see cref="ForwardSequence"/>). The generated
/// class also has a caller-owned <c>State</c> value and a <c>Step(ref State, input, output)</c> overload, so that one network
/// (whose parameters those steps only read) serves many streams and threads.
/// </summary>
/// <remarks>
/// <see cref="INetwork.Forward"/> of such a network is one step from the zero state (a sequence of length 1), so
/// <see cref="INetwork"/> keeps its meaning: one sample in, one sample out, no state.
/// </remarks>
public interface IStreamingNetwork : INetwork
{
    /// <summary>Floats of one stream's state: every recurrent layer's h (and an LSTM's c), all zeros being the zero state.</summary>
    int StateCount { get; }

    /// <summary>
    /// Advances the instance's own stream by one time step: reads one input frame (<see cref="INetwork.InputSize"/> values),
    /// writes one output frame (<see cref="INetwork.OutputSize"/> values). Allocates nothing. One stream per instance: for
    /// several streams or threads use the generated <c>Step(ref State, …)</c> overload.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length differs from InputSize or OutputSize.</exception>
    void Step(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Sets the instance's own stream back to the zero state.</summary>
    void ResetState();

    /// <summary>
    /// Runs a whole sequence from the zero state (row-major, step after step: <c>steps × InputSize</c> in,
    /// <c>steps × OutputSize</c> out); equals <paramref name="steps"/> calls of <see cref="Step"/> after <see cref="ResetState"/>
    /// bit for bit, and leaves the instance's own state alone. Thread-safe, as Forward.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative.</exception>
    /// <exception cref="ArgumentException">A span's length differs from steps × InputSize or steps × OutputSize.</exception>
    void ForwardSequence(ReadOnlySpan<float> inputs, Span<float> outputs, int steps);
}

/// <summary>
/// A trainable network with recurrent layers: backpropagation through time over a sequence. <see cref="Training.SequenceNetwork"/>
/// lets <see cref="Training.Trainer"/> train it on a <see cref="Training.Dataset"/> whose samples are whole sequences.
/// </summary>
public interface ISequenceTrainable : IStreamingNetwork, ITrainableNetwork
{
    /// <summary>
    /// Backpropagation through time over one sequence from the zero state: adds ∂L/∂θ to <see cref="ITrainableNetwork.Gradients"/>
    /// and returns L, the mean over the steps of the per-step loss (PyTorch's <c>reduction='mean'</c> over a
    /// <c>[steps, OutputSize]</c> tensor for the element-wise losses; the sum with <c>Reduction.Sum</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span's length differs from steps × InputSize or steps × OutputSize.</exception>
    float BackwardSequence(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int steps);

    /// <summary>
    /// The loss of <see cref="BackwardSequence"/> without gradients: writes the outputs (as <see cref="IStreamingNetwork.ForwardSequence"/>)
    /// and returns L. Thread-safe.
    /// </summary>
    float EvaluateSequence(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> outputs, int steps);
}
