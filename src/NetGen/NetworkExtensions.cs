using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

using NetGen.Training;

namespace NetGen;

/// <summary>Everyday helpers on any generated network: a Keras-like <see cref="Summary"/> and, for classifiers, <see cref="PredictClass"/>.</summary>
public static class NetworkExtensions
{
    /// <summary>
    /// A table of the layers as Keras's <c>model.summary()</c> prints it: each layer with its output shape (<c>None</c> is the
    /// batch dimension) and parameter count, then the totals; batch norm's running mean and variance and a normalisation's adapted mean and variance count as non-trainable.
    /// </summary>
    /// <example><code>
    /// IrisNet
    /// Layer (type)               Output shape      Param #
    /// ════════════════════════════════════════════════════
    /// input (Input)              (None, 4)               0
    /// dense_1 (Dense, Tanh)      (None, 16)             80
    /// dense_2 (Dense, Softmax)   (None, 3)              51
    /// ════════════════════════════════════════════════════
    /// Total params: 131
    /// Trainable params: 131
    /// Non-trainable params: 0
    /// </code></example>
    public static string Summary(this INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyList<LayerInfo> layers = network.Layers;
        var rows = new List<(string Name, string Shape, string Count)> { ("input (Input)", Shape(network.InputSize), "0") };
        var seen = new Dictionary<LayerKind, int>();
        int statistics = 0;
        foreach (LayerInfo layer in layers)
        {
            seen[layer.Kind] = seen.GetValueOrDefault(layer.Kind) + 1;
            string kind = layer.Kind switch
            {
                LayerKind.Dense => "dense",
                LayerKind.Dropout => "dropout",
                LayerKind.BatchNorm => "batch_normalization",
                LayerKind.Normalization => "normalization",
                _ => layer.Kind.ToString().ToLowerInvariant(),
            };
            string type = layer.Activation == Activation.Identity || layer.Kind == LayerKind.Dropout
                ? layer.Kind.ToString()
                : $"{layer.Kind}, {layer.Activation}";
            int count = layer.ParameterCount;
            if (layer.Kind == LayerKind.BatchNorm)
            {
                count += 2 * layer.WeightCount; // running mean and variance: one per feature, or per channel after a convolution
                statistics += 2 * layer.WeightCount;
            }
            if (layer.Kind == LayerKind.Normalization)
            {
                count += 2 * layer.Outputs; // issue 13: the adapted mean and variance, one of each per feature
                statistics += 2 * layer.Outputs;
            }
            rows.Add(($"{kind}_{seen[layer.Kind]} ({type})", Shape(layer.Outputs), count.ToString("N0", CultureInfo.InvariantCulture)));
        }
        const string Layer = "Layer (type)", OutputShape = "Output shape", Params = "Param #";
        int nameWidth = Layer.Length, shapeWidth = OutputShape.Length, countWidth = Params.Length;
        foreach ((string name, string shape, string count) in rows)
        {
            nameWidth = Math.Max(nameWidth, name.Length);
            shapeWidth = Math.Max(shapeWidth, shape.Length);
            countWidth = Math.Max(countWidth, count.Length);
        }
        int width = nameWidth + 3 + shapeWidth + 3 + countWidth;
        var text = new StringBuilder();
        text.AppendLine(network.GetType().Name);
        text.Append(Layer.PadRight(nameWidth + 3)).Append(OutputShape.PadRight(shapeWidth + 3)).AppendLine(Params.PadLeft(countWidth));
        text.AppendLine(new string('═', width));
        foreach ((string name, string shape, string count) in rows)
        {
            text.Append(name.PadRight(nameWidth + 3)).Append(shape.PadRight(shapeWidth + 3)).AppendLine(count.PadLeft(countWidth));
        }
        text.AppendLine(new string('═', width));
        CultureInfo c = CultureInfo.InvariantCulture;
        text.AppendLine(string.Create(c, $"Total params: {network.ParameterCount + statistics:N0}"));
        text.AppendLine(string.Create(c, $"Trainable params: {network.ParameterCount:N0}"));
        text.Append(string.Create(c, $"Non-trainable params: {statistics:N0}"));
        return text.ToString();
    }

    private static string Shape(int size) => string.Create(CultureInfo.InvariantCulture, $"(None, {size})");

    /// <summary>
    /// The class a classifier predicts for one input: the index of the largest output (softmax), or <c>ŷ &gt; threshold</c> for a
    /// single output (sigmoid: 0 or 1). Runs <see cref="INetwork.Forward"/> in inference mode; allocates nothing.
    /// </summary>
    /// <param name="network">A classifier (<see cref="Metrics.KindOf"/> is <see cref="ModelKind.Classification"/>).</param>
    /// <param name="input"><see cref="INetwork.InputSize"/> values.</param>
    /// <param name="threshold">For one output: the class is 1 when <c>ŷ &gt; threshold</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="input"/> has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The network is a regression model (its loss is MSE or MAE, or it has no classifier output).</exception>
    public static int PredictClass(this INetwork network, ReadOnlySpan<float> input, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (Metrics.KindOf(network) != ModelKind.Classification)
        {
            throw new InvalidOperationException(
                $"{network.GetType().Name} is a regression model ({(Metrics.LossOf(network) is { } loss ? $"its loss is {loss}" : "its output is not a softmax or sigmoid")}), " +
                "so it predicts values, not classes: call Forward. For a classifier trained with squared error, use Metrics.ClassOf on Forward's output.");
        }
        int n = network.OutputSize;
        float[]? rented = n > 256 ? ArrayPool<float>.Shared.Rent(n) : null;
        Span<float> output = rented is null ? stackalloc float[n] : rented.AsSpan(0, n);
        try
        {
            network.Forward(input, output);
            return Metrics.ClassOf(output, threshold);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }
}
