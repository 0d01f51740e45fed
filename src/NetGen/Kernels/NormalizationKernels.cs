using System;
using System.Globalization;

using NetGen.Training;

namespace NetGen.Kernels;

/// <summary>
/// Keras's <c>Normalization</c> layer for generated networks (issue 13): <c>y = (x − μ) / max(√σ², ε)</c> per feature, and
/// <see cref="Adapt(ReadOnlySpan{float}, int, Span{float}, Span{float}, string, string)"/>, which measures μ and σ² on data.
/// </summary>
public static class NormalizationKernels
{
    /// <summary>ε = 1e-7, Keras's <c>backend.epsilon()</c>: the smallest standard deviation a feature is divided by.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>
    /// <c>yᵢ = (xᵢ − meanᵢ) / max(√varianceᵢ, ε)</c>, in float, in this order (Keras's and the generated PyTorch module's arithmetic).
    /// <paramref name="y"/> may be <paramref name="x"/>'s memory.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y)
    {
        int n = x.Length;
        if (mean.Length != n || variance.Length != n || y.Length != n)
        {
            throw new ArgumentException("Normalization spans differ in length.");
        }
        for (int i = 0; i < n; i++)
        {
            y[i] = (x[i] - mean[i]) / MathF.Max(MathF.Sqrt(variance[i]), Epsilon);
        }
    }

    /// <summary><see cref="Forward"/> for each of <paramref name="rows"/> rows of a row-major batch (the same bits per row).</summary>
    public static void ForwardRows(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, Span<float> y)
    {
        int n = mean.Length;
        for (int b = 0; b < rows; b++)
        {
            Forward(x.Slice(b * n, n), mean, variance, y.Slice(b * n, n));
        }
    }

    /// <summary>
    /// Measures the mean and the population variance (divided by the sample count, as Keras's <c>adapt</c>) of each of
    /// <paramref name="features"/> features over the row-major <paramref name="rows"/>, in double precision and two passes
    /// (the mean, then the squared deviations from it), and writes them into <paramref name="mean"/> and
    /// <paramref name="variance"/> only when every value was finite.
    /// </summary>
    /// <param name="rows">Sample after sample, <paramref name="features"/> values each.</param>
    /// <param name="features">Values per sample.</param>
    /// <param name="mean">Written: μ per feature.</param>
    /// <param name="variance">Written: σ² per feature.</param>
    /// <param name="network">The network's name, for messages.</param>
    /// <param name="parameterName">The caller's parameter, for messages.</param>
    /// <exception cref="ArgumentException">No rows, not a whole number of rows, or a NaN/∞ (named by row and feature); nothing is written.</exception>
    public static void Adapt(ReadOnlySpan<float> rows, int features, Span<float> mean, Span<float> variance, string network, string parameterName)
    {
        if (features <= 0 || mean.Length != features || variance.Length != features)
        {
            throw new ArgumentException("Normalization spans differ in length.");
        }
        if (rows.Length == 0 || rows.Length % features != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{network}.Adapt needs whole rows of {features} values (InputSize), at least one; {parameterName} has {rows.Length} values."), parameterName);
        }
        Span<double> means = features <= 256 ? stackalloc double[features] : new double[features];
        Span<double> variances = features <= 256 ? stackalloc double[features] : new double[features];
        if (!TryMoments(rows, features, means, variances, out int r, out int f))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{network}.Adapt: {parameterName}'s row {r} has {rows[r * features + f]} at feature {f}; the normalisation measures finite values only, so its mean and variance were left unchanged."),
                parameterName);
        }
        for (int j = 0; j < features; j++)
        {
            mean[j] = (float)means[j];
            variance[j] = (float)variances[j];
        }
    }

    /// <summary>
    /// Each feature's mean and population variance over whole rows, in double precision and two passes (the mean, then the
    /// squared deviations from it); false, with the first NaN/∞'s row and feature, when a value is not finite. Shared by
    /// <c>Adapt</c> and <see cref="StandardScaler.Fit"/>.
    /// </summary>
    internal static bool TryMoments(ReadOnlySpan<float> rows, int features, Span<double> mean, Span<double> variance, out int row, out int feature)
    {
        int count = rows.Length / features;
        mean.Clear();
        variance.Clear();
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<float> x = rows.Slice(r * features, features);
            for (int j = 0; j < features; j++)
            {
                if (!float.IsFinite(x[j]))
                {
                    (row, feature) = (r, j);
                    return false;
                }
                mean[j] += x[j];
            }
        }
        for (int j = 0; j < features; j++)
        {
            mean[j] /= count;
        }
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<float> x = rows.Slice(r * features, features);
            for (int j = 0; j < features; j++)
            {
                double d = x[j] - mean[j];
                variance[j] += d * d;
            }
        }
        for (int j = 0; j < features; j++)
        {
            variance[j] /= count;
        }
        (row, feature) = (-1, -1);
        return true;
    }

    /// <summary><see cref="Adapt(ReadOnlySpan{float}, int, Span{float}, Span{float}, string, string)"/> on a dataset's inputs.</summary>
    /// <exception cref="ArgumentException">The dataset's <see cref="Dataset.InputSize"/> is not <paramref name="features"/>, or as the span form.</exception>
    public static void Adapt(Dataset data, int features, Span<float> mean, Span<float> variance, string network, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(data, parameterName);
        if (data.InputSize != features)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{network}.Adapt needs inputs of {features} values (InputSize); {parameterName} has inputs of {data.InputSize}."), parameterName);
        }
        Adapt(data.Inputs, features, mean, variance, network, parameterName);
    }
}
