using System;
using System.Collections.Generic;

namespace NetGen;

/// <summary>
/// One layer of a generated network and where its parameters sit in <see cref="INetwork.Parameters"/>. Every generated
/// class lists its layers in a static <c>Layers</c> property (also <see cref="INetwork.Layers"/>), so that tools (the
/// trainer's NaN guard, regularisation, reports) can map a parameter index back to its layer.
/// </summary>
/// <param name="Index">The layer number l, counted from 1 in declaration order after <c>[Input]</c> (a⁽ˡ⁾ in the comments).</param>
/// <param name="Kind">Dense, dropout or batch normalisation.</param>
/// <param name="Inputs">Values coming in.</param>
/// <param name="Outputs">Values going out.</param>
/// <param name="Activation">The activation applied to the layer's output (identity for dropout).</param>
/// <param name="WeightOffset">Where the layer's weight starts: W (out × in, row-major) of a dense layer, γ of a batch norm.</param>
/// <param name="WeightCount">How many weights (0 for dropout).</param>
/// <param name="BiasOffset">Where the layer's bias starts: b of a dense layer, β of a batch norm.</param>
/// <param name="BiasCount">How many biases (0 for dropout).</param>
public sealed record LayerInfo(
    int Index,
    LayerKind Kind,
    int Inputs,
    int Outputs,
    Activation Activation,
    int WeightOffset,
    int WeightCount,
    int BiasOffset,
    int BiasCount)
{
    /// <summary>
    /// The layer's module name in weight files (<c>fc1</c> gives tensors <c>fc1.weight</c>, <c>fc1.bias</c>), or null for the
    /// index the layer's module has in the equivalent PyTorch <c>nn.Sequential</c> (see <see cref="IO.StateDict"/>).
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// A convolution's kernel size k (its W is <c>filters × channels × k × k</c> for Conv2D, <c>filters × channels × k</c> for
    /// Conv1D, filters = <see cref="BiasCount"/>); a pooling layer's window size; 0 for other kinds.
    /// </summary>
    public int KernelSize { get; init; }

    /// <summary>A recurrent layer's stacked layers (PyTorch's <c>num_layers</c>); 0 for other kinds (issue 10).</summary>
    public int StackedLayers { get; init; }

    /// <summary>
    /// A recurrent layer's parameters by state-dict tensor: for stacked layer k, where <c>weight_ih_l{k}</c> starts and its
    /// shape, then <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> follow it (PyTorch's order). Empty for other kinds.
    /// </summary>
    public IEnumerable<(string Name, int Offset, int Rows, int Columns)> RecurrentTensors()
    {
        int gates = Kind == LayerKind.GRU ? 3 : Kind == LayerKind.LSTM ? 4 : 0;
        int offset = WeightOffset, h = Outputs, rows = gates * h;
        for (int k = 0; gates > 0 && k < StackedLayers; k++)
        {
            int n = k == 0 ? Inputs : h;
            yield return ($"weight_ih_l{k}", offset, rows, n);
            offset += rows * n;
            yield return ($"weight_hh_l{k}", offset, rows, h);
            offset += rows * h;
            yield return ($"bias_ih_l{k}", offset, rows, 0);
            offset += rows;
            yield return ($"bias_hh_l{k}", offset, rows, 0);
            offset += rows;
        }
    }

    /// <summary>Where the layer's parameters start (its weight).</summary>
    public int ParameterOffset => WeightOffset;

    /// <summary>How many parameters the layer has (weights then biases, then a PReLU layer's slope, contiguous).</summary>
    public int ParameterCount => WeightCount + BiasCount + SlopeCount;

    /// <summary>1 for a dense layer with <see cref="Activation.PReLU"/> (its learnable slope, at <see cref="SlopeOffset"/>), else 0.</summary>
    public int SlopeCount => Kind == LayerKind.Dense && Activation == Activation.PReLU ? 1 : 0;

    /// <summary>Where a PReLU layer's slope sits: right after the bias.</summary>
    public int SlopeOffset => BiasOffset + BiasCount;

    /// <summary>Whether parameter <paramref name="parameterIndex"/> belongs to this layer.</summary>
    public bool Contains(int parameterIndex) => parameterIndex >= ParameterOffset && parameterIndex < ParameterOffset + ParameterCount;

    /// <summary>What the parameter at <paramref name="parameterIndex"/> is, e.g. <c>W⁽²⁾[3, 7]</c> or <c>b⁽²⁾[3]</c>.</summary>
    public string DescribeParameter(int parameterIndex)
    {
        if (!Contains(parameterIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(parameterIndex), parameterIndex, $"Parameter {parameterIndex} is not in {this}.");
        }
        int i = parameterIndex - WeightOffset;
        string l = Superscript(Index);
        if (Kind == LayerKind.BatchNorm)
        {
            return i < WeightCount ? $"γ{l}[{i}]" : $"β{l}[{i - WeightCount}]";
        }
        if (Kind == LayerKind.Conv2D)
        {
            if (i >= WeightCount)
            {
                return $"b{l}[{i - WeightCount}]";
            }
            int k = KernelSize, taps = WeightCount / BiasCount;
            int f = i / taps, t = i % taps;
            return $"W{l}[{f}, {t / (k * k)}, {t / k % k}, {t % k}]";
        }
        if (Kind == LayerKind.Conv1D)
        {
            if (i >= WeightCount)
            {
                return $"b{l}[{i - WeightCount}]";
            }
            int k = KernelSize, taps = WeightCount / BiasCount;
            int f = i / taps, t = i % taps;
            return $"W{l}[{f}, {t / k}, {t % k}]";
        }
        if (Kind is LayerKind.GRU or LayerKind.LSTM)
        {
            foreach ((string name, int offset, int rows, int columns) in RecurrentTensors())
            {
                int size = rows * Math.Max(columns, 1);
                if (parameterIndex < offset + size)
                {
                    int at = parameterIndex - offset;
                    return columns == 0 ? $"{name}{l}[{at}]" : $"{name}{l}[{at / columns}, {at % columns}]";
                }
            }
        }
        return i < WeightCount ? $"W{l}[{i / Inputs}, {i % Inputs}]" : i - WeightCount < BiasCount ? $"b{l}[{i - WeightCount}]" : $"α{l} (PReLU slope)";
    }

    private static string Superscript(int value)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var text = new System.Text.StringBuilder("⁽");
        foreach (char c in value.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            text.Append(digits[c - '0']);
        }
        return text.Append('⁾').ToString();
    }

    /// <summary>The layer holding parameter <paramref name="parameterIndex"/>, or null when no layer does.</summary>
    public static LayerInfo? Containing(IReadOnlyList<LayerInfo> layers, int parameterIndex)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Contains(parameterIndex))
            {
                return layers[i];
            }
        }
        return null;
    }

    /// <summary>For messages: <c>layer 2 (Dense 64 → 32, ReLU)</c>.</summary>
    public override string ToString() => Kind switch
    {
        LayerKind.Dense => $"layer {Index} (Dense {Inputs} → {Outputs}, {Activation})",
        LayerKind.Dropout => $"layer {Index} (Dropout, {Outputs} values)",
        LayerKind.Conv2D => $"layer {Index} (Conv2D {BiasCount} filters {KernelSize}×{KernelSize}, {Inputs} → {Outputs} values, {Activation})",
        LayerKind.MaxPool2D => $"layer {Index} (MaxPool2D {KernelSize}×{KernelSize}, {Inputs} → {Outputs} values)",
        LayerKind.AvgPool2D => $"layer {Index} (AvgPool2D {KernelSize}×{KernelSize}, {Inputs} → {Outputs} values)",
        LayerKind.Flatten => $"layer {Index} (Flatten, {Outputs} values)",
        LayerKind.Conv1D => $"layer {Index} (Conv1D {BiasCount} filters of {KernelSize}, {Inputs} → {Outputs} values, {Activation})",
        LayerKind.MaxPool1D => $"layer {Index} (MaxPool1D {KernelSize}, {Inputs} → {Outputs} values)",
        LayerKind.AvgPool1D => $"layer {Index} (AvgPool1D {KernelSize}, {Inputs} → {Outputs} values)",
        LayerKind.GlobalAvgPool => $"layer {Index} (GlobalAvgPool, {Inputs} → {Outputs} values)",
        LayerKind.GRU or LayerKind.LSTM => $"layer {Index} ({Kind} {Inputs} → {Outputs}{(StackedLayers > 1 ? $", {StackedLayers} stacked layers" : "")})",
        LayerKind.Normalization => $"layer {Index} (Normalization, {Outputs} features)",
        _ => (WeightCount == Outputs ? $"layer {Index} (BatchNorm, {Outputs} features" : $"layer {Index} (BatchNorm, {WeightCount} channels of {Outputs / WeightCount}")
            + (Activation == Activation.Identity ? ")" : $", {Activation})"),
    };
}
