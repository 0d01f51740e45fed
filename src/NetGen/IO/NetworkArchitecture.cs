using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.IO;

/// <summary>
/// The architecture of a network as NetGen declares it — the layer list with each layer's kind, sizes, activation and name —
/// written into a safetensors header's <c>__metadata__</c> under <see cref="MetadataKey"/> by <see cref="SafeTensors.Save"/>
/// and compared by <see cref="SafeTensors.Load"/>, so that weights saved from one architecture are not silently loaded into
/// another of the same tensor shapes (a tanh network's weights into a ReLU network, for example).
/// </summary>
/// <remarks>
/// <para>The text is one entry per layer, joined by <c>"; "</c>: <c>Dense(2-&gt;4, Tanh)</c>, <c>Dropout(4)</c>,
/// <c>BatchNorm(6, Tanh)</c>, with the layer's <see cref="LayerInfo.Name"/> in front when it has one
/// (<c>fc1:Dense(2-&gt;4, Tanh)</c>). For example <c>[Input(2)][Dense(4, Tanh)][Dense(1, Sigmoid)]</c> is
/// <c>Dense(2-&gt;4, Tanh); Dense(4-&gt;1, Sigmoid)</c>.</para>
/// <para>Not part of the text: settings that <see cref="LayerInfo"/> does not carry (LeakyReLU's slope, the dropout
/// probability, batch norm's ε and momentum), which do not change which tensors a file holds.</para>
/// </remarks>
public static class NetworkArchitecture
{
    /// <summary>The <c>__metadata__</c> key that holds the architecture text: <c>netgen.architecture</c>.</summary>
    public const string MetadataKey = "netgen.architecture";

    /// <summary>The separator between layers in the architecture text.</summary>
    public const string Separator = "; ";

    /// <summary>The architecture text of <paramref name="network"/> (see the class remarks).</summary>
    public static string Describe(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var text = new StringBuilder();
        foreach (LayerInfo layer in network.Layers)
        {
            if (text.Length > 0)
            {
                text.Append(Separator);
            }
            text.Append(Describe(layer));
        }
        return text.ToString();
    }

    /// <summary>One layer's entry: <c>Dense(2-&gt;4, Tanh)</c>, <c>Dropout(4)</c>, <c>BatchNorm(6, Tanh)</c>, prefixed by <c>name:</c> when named.</summary>
    public static string Describe(LayerInfo layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        string body = layer.Kind switch
        {
            LayerKind.Dense => string.Create(CultureInfo.InvariantCulture, $"Dense({layer.Inputs}->{layer.Outputs}, {layer.Activation})"),
            LayerKind.Dropout => string.Create(CultureInfo.InvariantCulture, $"Dropout({layer.Outputs})"),
            LayerKind.BatchNorm => string.Create(CultureInfo.InvariantCulture, $"BatchNorm({layer.Outputs}, {layer.Activation})"),
            LayerKind.Normalization => string.Create(CultureInfo.InvariantCulture, $"Normalization({layer.Outputs})"),
            LayerKind.GRU or LayerKind.LSTM => string.Create(CultureInfo.InvariantCulture, $"{layer.Kind}({layer.Inputs}->{layer.Outputs}, layers {layer.StackedLayers})"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{layer.Kind}({layer.Inputs}->{layer.Outputs}, {layer.Activation})"),
        };
        return layer.Name is null ? body : layer.Name + ":" + body;
    }

    /// <summary>
    /// Throws <see cref="ArchitectureMismatchException"/> when <paramref name="saved"/> (a file's architecture text) differs
    /// from <paramref name="network"/>'s; the message names the first layer that differs and shows both lists.
    /// </summary>
    internal static void Check(INetwork network, string saved, string file)
    {
        string expected = Describe(network);
        if (string.Equals(saved, expected, StringComparison.Ordinal))
        {
            return;
        }
        string networkName = network.GetType().Name;
        string[] ours = expected.Length == 0 ? [] : expected.Split(Separator);
        string[] theirs = saved.Length == 0 ? [] : saved.Split(Separator);
        string difference = $"the layer counts differ ({theirs.Length} in the file, {ours.Length} in {networkName})";
        for (int i = 0; i < Math.Max(ours.Length, theirs.Length); i++)
        {
            string? a = i < theirs.Length ? theirs[i] : null;
            string? b = i < ours.Length ? ours[i] : null;
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                difference = a is null
                    ? $"layer {i + 1} is {b} in {networkName} but the file has only {theirs.Length} layers"
                    : b is null
                        ? $"layer {i + 1} is {a} in the file but {networkName} has only {ours.Length} layers"
                        : $"layer {i + 1} is {a} in the file but {b} in {networkName}";
                break;
            }
        }
        throw new ArchitectureMismatchException(file, expected, saved,
            $"the file was saved from a different architecture: {difference}. File: [{saved}]. {networkName}: [{expected}]. " +
            $"Load it into the network it was saved from (its '{MetadataKey}' metadata records that network's layers).");
    }

    /// <summary>The parts of an architecture text, for tools: one entry per layer.</summary>
    public static IReadOnlyList<string> Layers(string architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture.Length == 0 ? [] : architecture.Split(Separator);
    }
}
