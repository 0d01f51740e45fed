using System;

using NetGen.Training;

namespace NetGen;

/// <summary>
/// A network whose first layer is <see cref="NormalizationAttribute"/> (issue 13): its per-feature mean and variance are not
/// trained but measured on data by <see cref="Adapt(Dataset)"/>, as Keras's <c>layer.adapt(data)</c>.
/// </summary>
public interface IAdaptableNetwork : INetwork
{
    /// <summary>
    /// True once the normalisation's mean and variance were set on purpose: by <see cref="Adapt(Dataset)"/>, by loading saved
    /// state (<c>SafeTensors.Load</c>, <c>WeightsJson.Load</c>, a checkpoint) or, for embedded weights, by the parameterless
    /// constructor. False on a fresh network, whose normalisation is the identity (mean 0, variance 1): <c>Trainer</c> refuses
    /// to train it then. Set it to true yourself only to train on inputs that are already standardised.
    /// </summary>
    bool IsAdapted { get; set; }

    /// <summary>
    /// Measures each input feature's mean and population variance (in double precision, two passes) on
    /// <paramref name="data"/>'s inputs and stores them as the normalisation's state; sets <see cref="IsAdapted"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset's input size is not the network's, it is empty, or an input is NaN or ±∞
    /// (the message names the sample and the feature); the state is then unchanged.</exception>
    void Adapt(Dataset data);

    /// <summary>As <see cref="Adapt(Dataset)"/>, from row-major input rows (sample after sample, <see cref="INetwork.InputSize"/> values each).</summary>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is empty or not a whole number of rows, or holds NaN or ±∞; the
    /// state is then unchanged.</exception>
    void Adapt(ReadOnlySpan<float> rows);
}
