using System;
using System.Runtime.InteropServices;
using NetGen.Kernels;

namespace NetGen.Training;

/// <summary>
/// Plain gradient descent, the textbook's update <c>θ ← θ − η·∇θL</c>. Used for batch, stochastic and mini-batch
/// descent alike: what differs is how many samples' gradients were accumulated before <see cref="Step(ITrainableNetwork, int)"/>.
/// </summary>
public sealed class Sgd
{
    /// <summary>Creates the optimizer with learning rate η.</summary>
    public Sgd(float learningRate)
    {
        if (!(learningRate > 0f) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive finite number.");
        }
        LearningRate = learningRate;
    }

    /// <summary>η, the step size.</summary>
    public float LearningRate { get; set; }

    /// <summary>
    /// <c>θ ← θ − η·s·g</c> over the whole buffer (vectorised, allocation-free), where <paramref name="gradientScale"/> = s
    /// turns accumulated gradients into a mean (1/batch size).
    /// </summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale = 1f)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"gradients has length {gradients.Length} but parameters has length {parameters.Length}.", nameof(gradients));
        }
        Simd.MultiplyAdd(-LearningRate * gradientScale, ref MemoryMarshal.GetReference(gradients), ref MemoryMarshal.GetReference(parameters), parameters.Length);
    }

    /// <summary>
    /// Updates the network with the mean gradient of the last <paramref name="batchSize"/> <c>Backward</c> calls, then zeroes
    /// the gradients for the next batch.
    /// </summary>
    public void Step(ITrainableNetwork network, int batchSize = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Step(network.Parameters, network.Gradients, 1f / batchSize);
        network.ZeroGradients();
    }
}
