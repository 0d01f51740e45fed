using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary><c>[Dropout(p)]</c>: keeps the width; <see cref="Rate"/> is null when it cannot be read.</summary>
internal sealed class DropoutDeclaration : LayerDeclaration
{
    public DropoutDeclaration(AttributeData attribute, int number, double? rate) : base(attribute, number) => Rate = rate;

    public double? Rate { get; }

    public override LayerRule Rule => DropoutRule.Instance;

    public override string Describe() => base.Describe() + " (Dropout)";
}

/// <summary>The rule for <c>[Dropout(p)]</c>: 0 ≤ p &lt; 1; no parameters; the network keeps its random generator.</summary>
internal sealed class DropoutRule : LayerRule
{
    public static readonly DropoutRule Instance = new();

    public override string AttributeName => "NetGen.DropoutAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.Dropout;

    public override bool UsesRandom => true;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        ImmutableArray<TypedConstant> args = attribute.ConstructorArguments;
        double? rate = null;
        if (attribute.AttributeConstructor is not null && args.Length > 0 && args[0].Kind == TypedConstantKind.Primitive
            && args[0].Value is double p && p >= 0 && p < 1 && (float)p < 1f)
        {
            rate = p;
        }
        else
        {
            reader.Problem(AttributeLocations.Argument(attribute, 0, cancellationToken), "Dropout", "the rate p must be a constant with 0 ≤ p < 1, as in [Dropout(0.5)]");
        }
        return new DropoutDeclaration(attribute, number, rate);
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken) =>
        builder.Add(new DropoutLayer(layer.Number, builder.Shape, builder.ParameterOffset, (float)((DropoutDeclaration)layer).Rate!.Value), 0);
}
