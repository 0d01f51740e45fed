using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// Standardises input features to mean 0 and standard deviation 1 (scikit-learn's <c>StandardScaler</c>):
/// <c>x′ = (x − μ) / σ</c> per feature, with μ and σ (the population standard deviation) measured on the training set only,
/// then applied unchanged to validation, test and new inputs. A constant feature (σ = 0) is only centred.
/// </summary>
/// <remarks>
/// Fit on the training split, never on all the data: the test set must not influence the preprocessing. Keep the scaler
/// (or its <see cref="Mean"/> and <see cref="Scale"/>) with the model: new inputs need the same transform.
/// </remarks>
public sealed class StandardScaler
{
    private readonly float[] _mean, _scale;

    private StandardScaler(float[] mean, float[] scale)
    {
        _mean = mean;
        _scale = scale;
    }

    /// <summary>Measures each input feature's mean and standard deviation on <paramref name="data"/> (in double precision).</summary>
    /// <exception cref="ArgumentException">The dataset is empty or holds NaN/∞ in its inputs.</exception>
    public static StandardScaler Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException("A scaler needs at least one sample to measure.", nameof(data));
        }
        int n = data.InputSize;
        var mean = new double[n];
        var variance = new double[n];
        if (!NetGen.Kernels.NormalizationKernels.TryMoments(data.Inputs, n, mean, variance, out int sample, out int input))
        {
            throw new ArgumentException($"data's sample {sample} has {data.Input(sample)[input]} at input {input}; a scaler measures finite values only.", nameof(data));
        }
        var m = new float[n];
        var s = new float[n];
        for (int j = 0; j < n; j++)
        {
            double sd = Math.Sqrt(variance[j]);
            m[j] = (float)mean[j];
            s[j] = sd > 0 ? (float)sd : 1f;
        }
        return new StandardScaler(m, s);
    }

    /// <summary>Creates a scaler from known means and standard deviations (for example saved with a model).</summary>
    /// <exception cref="ArgumentException">The lengths differ, or a value is not finite, or a scale is not positive.</exception>
    public static StandardScaler FromStatistics(ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        if (mean.Length != scale.Length || mean.Length == 0)
        {
            throw new ArgumentException($"mean has {mean.Length} values and scale {scale.Length}; they must be equal and positive.", nameof(scale));
        }
        for (int j = 0; j < mean.Length; j++)
        {
            if (!float.IsFinite(mean[j]) || !(scale[j] > 0f) || !float.IsFinite(scale[j]))
            {
                throw new ArgumentException($"feature {j}: mean {mean[j]} must be finite and scale {scale[j]} positive and finite.", nameof(scale));
            }
        }
        return new StandardScaler(mean.ToArray(), scale.ToArray());
    }

    /// <summary>The number of features.</summary>
    public int Features => _mean.Length;

    /// <summary>μ per feature.</summary>
    public ReadOnlySpan<float> Mean => _mean;

    /// <summary>σ per feature (1 for a constant feature).</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>A new dataset with standardised inputs and the same targets (copied); <paramref name="data"/> is unchanged.</summary>
    /// <exception cref="ArgumentException">The dataset's inputs have another number of features.</exception>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputSize != Features)
        {
            throw new ArgumentException($"data's inputs have {data.InputSize} features but the scaler was fitted on {Features}.", nameof(data));
        }
        return data.MapInputs(Transform);
    }

    /// <summary>Standardises one input vector: <c>output[j] = (input[j] − μⱼ) / σⱼ</c>. The spans may be the same. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span's length differs from <see cref="Features"/>.</exception>
    public void Transform(ReadOnlySpan<float> input, Span<float> output)
    {
        Guard.Length(input.Length, Features, nameof(input), nameof(StandardScaler), nameof(Features));
        Guard.Length(output.Length, Features, nameof(output), nameof(StandardScaler), nameof(Features));
        for (int j = 0; j < _mean.Length; j++)
        {
            output[j] = (input[j] - _mean[j]) / _scale[j];
        }
    }

    /// <summary>For example <c>StandardScaler(μ = [5.84, 3.05], σ = [0.825, 0.434])</c>.</summary>
    public override string ToString() =>
        $"StandardScaler(μ = [{string.Join(", ", Array.ConvertAll(_mean, v => v.ToString("G3", CultureInfo.InvariantCulture)))}], " +
        $"σ = [{string.Join(", ", Array.ConvertAll(_scale, v => v.ToString("G3", CultureInfo.InvariantCulture)))}])";
}
