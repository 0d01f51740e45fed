using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary><c>[Normalization]</c>: keeps the width; no arguments.</summary>
internal sealed class NormalizationDeclaration : LayerDeclaration
{
    public NormalizationDeclaration(AttributeData attribute, int number) : base(attribute, number)
    {
    }

    public override LayerRule Rule => NormalizationRule.Instance;

    public override string Describe() => base.Describe() + " (Normalization)";
}

/// <summary>
/// The rule for <c>[Normalization]</c> (issue 13): the first layer (NG1201), after a vector input (NG1202); no parameters,
/// a mean and a variance per feature in the running statistics.
/// </summary>
internal sealed class NormalizationRule : LayerRule
{
    public static readonly NormalizationRule Instance = new();

    public override string AttributeName => "NetGen.NormalizationAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.Normalization;

    public override bool HasStatistics => true;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        if (attribute.AttributeConstructor is null)
        {
            reader.Problem(AttributeLocations.Attribute(attribute, cancellationToken), "Normalization",
                "it takes no arguments (Adapt measures the mean and variance): write [Normalization]");
        }
        return new NormalizationDeclaration(attribute, number);
    }

    /// <summary>NG1201: Adapt measures the raw input, so the layer must be the first.</summary>
    public override void Check(LayerDeclaration layer, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (layer.Number != 1)
        {
            string previous = layer.Number == 2 ? "layer 1" : $"layers 1–{Int(layer.Number - 1)}";
            diagnostics.Add(Info(DiagnosticDescriptors.NormalizationNotFirst, AttributeLocations.Attribute(layer.Attribute, cancellationToken), Int(layer.Number), previous));
        }
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (builder.Shape.Rank > 1)
        {
            string what = (builder.Shape.Rank == 3 ? "an image of " : "a signal of ") + builder.Shape.ToString();
            diagnostics.Add(Info(DiagnosticDescriptors.NormalizationNeedsVector, AttributeLocations.Attribute(layer.Attribute, cancellationToken), Int(layer.Number), what));
            return null;
        }
        int features = builder.Shape.Size;
        if (builder.Fits(0, features) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(layer.Attribute, cancellationToken), $"Normalization layer {Int(layer.Number)}", reason));
            return null;
        }
        return builder.Add(new NormalizationLayer(layer.Number, builder.Shape, builder.ParameterOffset, builder.StatisticsOffset), features);
    }
}
