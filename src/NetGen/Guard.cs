using System;
using System.Diagnostics.CodeAnalysis;

namespace NetGen;

/// <summary>Argument checks shared by generated networks, optimizers and trainers. Cold paths live in no-inline throw helpers.</summary>
public static class Guard
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <param name="actual">The span's length.</param>
    /// <param name="expected">The length the network needs.</param>
    /// <param name="paramName">The argument's name, reported in the exception.</param>
    /// <param name="network">The network's name, for the message.</param>
    /// <param name="sizeName">The constant that gives the expected length (<c>InputSize</c>, <c>OutputSize</c>, …).</param>
    public static void Length(int actual, int expected, string paramName, string network, string sizeName)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, paramName, network, sizeName);
        }
    }

    /// <summary>
    /// Throws when <paramref name="output"/> shares memory with <paramref name="input"/>: a single-layer network writes its
    /// outputs while it still reads its inputs, so in-place use would silently corrupt the result.
    /// </summary>
    public static void NoOverlap(ReadOnlySpan<float> input, ReadOnlySpan<float> output, string network)
    {
        if (input.Overlaps(output))
        {
            throw new ArgumentException($"output overlaps input; {network} reads its input while it writes its output, so pass separate buffers.", nameof(output));
        }
    }

    /// <summary>
    /// The checks of a mini-batch method (BackwardBatch, TrainStepBatch): at least one sample, <paramref name="inputs"/> and
    /// <paramref name="targets"/> values for exactly <paramref name="batchSize"/> samples, and no losses span or one value per sample.
    /// </summary>
    /// <param name="inputs">The inputs span's length.</param>
    /// <param name="targets">The targets span's length.</param>
    /// <param name="losses">The losses span's length (0: not wanted).</param>
    /// <param name="batchSize">The number of samples.</param>
    /// <param name="inputSize">The network's InputSize.</param>
    /// <param name="outputSize">The network's OutputSize.</param>
    /// <param name="network">The network's name, for the messages.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A length does not match (the exception names the span).</exception>
    public static void Batch(int inputs, int targets, int losses, int batchSize, int inputSize, int outputSize, string network)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        Length(inputs, batchSize * inputSize, nameof(inputs), network, "InputSize × batchSize");
        Length(targets, batchSize * outputSize, nameof(targets), network, "OutputSize × batchSize");
        if (losses != 0)
        {
            Length(losses, batchSize, nameof(losses), network, nameof(batchSize));
        }
    }

    /// <summary>Throws the <see cref="ArgumentException"/> that <see cref="Length"/> describes.</summary>
    /// <remarks>
    /// Only a call and a throw, so the JIT sees at every call site that it never returns: the check's failing branch becomes
    /// cold code, nothing has to stay in a callee-saved register across it (no pushes and pops on every call of a tiny
    /// network's Forward), and the lengths it checked remove the bounds checks of later constant indices.
    /// </remarks>
    [DoesNotReturn]
    public static void ThrowLength(int actual, int expected, string paramName, string network, string sizeName) =>
        throw LengthException(actual, expected, paramName, network, sizeName);

    private static ArgumentException LengthException(int actual, int expected, string paramName, string network, string sizeName) =>
        new($"{paramName} has length {actual}, but {network} needs exactly {expected} {(expected == 1 ? "value" : "values")} ({network}.{sizeName} = {expected}).",
            paramName);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="learningRate"/> is a positive finite number.</summary>
    public static void LearningRate(float learningRate)
    {
        if (!(learningRate > 0f) || float.IsInfinity(learningRate))
        {
            ThrowLearningRate(learningRate);
        }
    }

    [DoesNotReturn]
    private static void ThrowLearningRate(float learningRate) =>
        throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a positive finite number.");

    // issue 10: sequences

    /// <summary>
    /// The checks of a sequence method (ForwardSequence, BackwardSequence): <paramref name="steps"/> at least
    /// <paramref name="minimumSteps"/>, and two spans of exactly <c>steps × size</c> values.
    /// </summary>
    /// <param name="inputs">The inputs span's length.</param>
    /// <param name="second">The outputs' or targets' span length.</param>
    /// <param name="secondName">That span's name.</param>
    /// <param name="steps">The number of time steps.</param>
    /// <param name="minimumSteps">0 for inference, 1 for a loss.</param>
    /// <param name="inputSize">The network's InputSize.</param>
    /// <param name="outputSize">The network's OutputSize.</param>
    /// <param name="network">The network's name, for the messages.</param>
    public static void Sequence(int inputs, int second, string secondName, int steps, int minimumSteps, int inputSize, int outputSize, string network)
    {
        if (steps < minimumSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{network} needs at least {minimumSteps} time step{(minimumSteps == 1 ? "" : "s")} here.");
        }
        Length(inputs, steps * inputSize, nameof(inputs), network, "InputSize × steps");
        Length(second, steps * outputSize, secondName, network, "OutputSize × steps");
    }
}
