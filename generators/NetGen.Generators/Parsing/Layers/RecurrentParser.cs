using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary><c>[GRU(hidden, Layers = K)]</c> or <c>[LSTM(hidden, Layers = K)]</c>; null values could not be read.</summary>
internal sealed class RecurrentDeclaration : LayerDeclaration
{
    public RecurrentDeclaration(AttributeData attribute, int number, bool gru, int? hidden, int? stacked) : base(attribute, number)
    {
        Gru = gru;
        Hidden = hidden;
        Stacked = stacked;
    }

    public bool Gru { get; }

    public int? Hidden { get; }

    /// <summary>The <c>Layers</c> argument (PyTorch's num_layers).</summary>
    public int? Stacked { get; }

    public string KindName => Gru ? "GRU" : "LSTM";

    public override LayerRule Rule => Gru ? RecurrentRule.GruInstance : RecurrentRule.LstmInstance;

    public override int? Width(int? incoming) => Hidden;

    public override Location? WidthLocation(CancellationToken cancellationToken) => AttributeLocations.ArgumentLocation(Attribute, 0, cancellationToken);

    public override string Describe() =>
        base.Describe() + (Hidden is { } h ? " (" + KindName + " " + h.ToString(CultureInfo.InvariantCulture) + ")" : " (" + KindName + ")");
}

/// <summary>
/// The rule for <c>[GRU]</c> and <c>[LSTM]</c>: hidden size H and stacked layers K (NG2201, NG2202), one vector per time step
/// coming in (NG2203); θ in PyTorch's state-dict order, the state and the packed weights at the builder's offsets.
/// </summary>
internal sealed class RecurrentRule : LayerRule
{
    public static readonly RecurrentRule GruInstance = new(gru: true);
    public static readonly RecurrentRule LstmInstance = new(gru: false);

    private readonly bool _gru;

    private RecurrentRule(bool gru) => _gru = gru;

    private string Name => _gru ? "GRU" : "LSTM";

    public override string AttributeName => _gru ? "NetGen.GRUAttribute" : "NetGen.LSTMAttribute";

    public override LayerKindSpec Kind => _gru ? LayerKindSpec.GRU : LayerKindSpec.LSTM;

    public override bool InSequences => true;

    public override bool Streams => true;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        HashSet<string> unbound = reader.CheckNamedArgumentsBound(attribute, Name, cancellationToken);
        int? hidden = reader.ReadInt(attribute, 0, Name, $"expected a constant int hidden size, as in [{Name}(8)]", cancellationToken);
        int? stacked = 1;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == "Layers" && !unbound.Contains(named.Key))
            {
                if (named.Value.Value is int k)
                {
                    stacked = k;
                }
                else
                {
                    stacked = null;
                    reader.Problem(AttributeLocations.Named(attribute, "Layers", cancellationToken), Name, $"Layers must be a constant int, as in [{Name}(8, Layers = 2)]");
                }
            }
        }
        return new RecurrentDeclaration(attribute, number, _gru, hidden, stacked);
    }

    public override void Check(LayerDeclaration layer, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var d = (RecurrentDeclaration)layer;
        if (d.Hidden is <= 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.RecurrentHiddenNotPositive, AttributeLocations.Argument(d.Attribute, 0, cancellationToken),
                $"{Name} layer {Int(d.Number)}", Int(d.Hidden.Value)));
        }
        if (d.Stacked is <= 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.RecurrentLayersNotPositive, AttributeLocations.Named(d.Attribute, "Layers", cancellationToken),
                $"{Name} layer {Int(d.Number)}", Int(d.Stacked.Value)));
        }
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var d = (RecurrentDeclaration)layer;
        if (builder.Shape.Rank > 1)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.RecurrentNeedsVector, AttributeLocations.Attribute(d.Attribute, cancellationToken),
                $"{Name} layer {Int(d.Number)}", builder.Shape + (builder.Shape.Rank == 3 ? " image" : " signal")));
            return null;
        }
        int hidden = d.Hidden!.Value, stacked = d.Stacked!.Value, gates = _gru ? 3 : 4;
        long parameters = 0;
        for (int k = 0; k < stacked; k++)
        {
            parameters += gates * (long)hidden * ((k == 0 ? builder.Shape.Size : hidden) + hidden + 2L);
        }
        // Every stacked layer's h (and c) is state; the training records keep them per step, so they count as width.
        if (builder.Fits(2 * parameters, (long)stacked * hidden * (_gru ? 1 : 2)) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Argument(d.Attribute, 0, cancellationToken), $"{Name} layer {Int(d.Number)}", reason));
            return null;
        }
        var model = new RecurrentLayer(d.Number, builder.Shape, Shape.Vector(hidden), builder.ParameterOffset, Kind, hidden, stacked,
            builder.StateOffset, builder.PackedOffset);
        return builder.Add(model, stacked * hidden);
    }
}

/// <summary>
/// NG2204: a network with a recurrent layer (or a causal Conv1D after [Input(n)]) runs every layer once per time step, so its
/// other layers must be kinds that do (<see cref="LayerRule.InSequences"/>: Dense, Conv1D). Dropout, batch norm, 2-D
/// convolutions, pooling and flatten are reported.
/// </summary>
internal static class SequenceRules
{
    /// <param name="frames">The network's [Input] is one vector: a Conv1D then streams too (issue 10b's causal form).</param>
    public static void Check(IEnumerable<LayerDeclaration> layers, bool frames, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        LayerDeclaration? recurrent = null;
        foreach (LayerDeclaration layer in layers)
        {
            recurrent ??= layer is RecurrentDeclaration || frames && layer is ConvolutionDeclaration { Rule: Conv1DRule } ? layer : null;
        }
        if (recurrent is null)
        {
            return;
        }
        foreach (LayerDeclaration layer in layers)
        {
            if (layer.Rule is { InSequences: false })
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.NotInSequence.Id, AttributeLocations.Attribute(layer.Attribute, cancellationToken),
                    new EquatableArray<string>(new[] { layer.Text(cancellationToken), recurrent.Text(cancellationToken) })));
            }
        }
    }
}
