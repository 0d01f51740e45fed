using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary><c>[Dense(units, activation, NegativeSlope = …, Init = …, InitScale = …)]</c>; null values could not be read.</summary>
internal sealed class DenseDeclaration : ActivationLayerDeclaration
{
    public DenseDeclaration(AttributeData attribute, int number, int? units, ActivationKind? activation, bool activationGiven, float? negativeSlope)
        : base(attribute, number, activation, activationGiven, 1, negativeSlope) => Units = units;

    public int? Units { get; }

    public WeightInitKind Init { get; init; }

    public float InitScale { get; init; } = 0.05f;

    public override LayerRule Rule => DenseRule.Instance;

    public override int? Width(int? incoming) => Units;

    public override Location? WidthLocation(CancellationToken cancellationToken) => AttributeLocations.ArgumentLocation(Attribute, 0, cancellationToken);

    public override string Describe() =>
        base.Describe() + (Units is { } u ? " (Dense " + u.ToString(CultureInfo.InvariantCulture) + ")" : " (Dense)");
}

/// <summary>The rule for <c>[Dense]</c>: units, activation, initialisation; W (units × inputs) then b in θ.</summary>
internal sealed class DenseRule : LayerRule
{
    public static readonly DenseRule Instance = new();

    public override string AttributeName => "NetGen.DenseAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.Dense;

    /// <summary>After (or before) a recurrent layer a Dense layer is applied at every time step, as nn.Linear on [steps, in].</summary>
    public override bool InSequences => true;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        HashSet<string> unbound = reader.CheckNamedArgumentsBound(attribute, "Dense", cancellationToken);
        int? units = reader.ReadInt(attribute, 0, "Dense", "expected a constant int unit count, as in [Dense(32, Activation.ReLU)]", cancellationToken);
        ActivationKind? activation = ActivationKind.Identity;
        bool activationGiven = attribute.ConstructorArguments.Length > 1 && AttributeLocations.HasArgument(attribute, 1, cancellationToken);
        if (attribute.ConstructorArguments.Length > 1)
        {
            if (NetworkDeclaration.TryEnum(attribute.ConstructorArguments[1], "Activation", NetworkDeclaration.MaxActivation, out int a))
            {
                activation = (ActivationKind)a;
            }
            else
            {
                activation = null;
                reader.Problem(AttributeLocations.Argument(attribute, 1, cancellationToken), "Dense", "the activation is not a known Activation value");
            }
        }
        float? slope = reader.ReadSlope(attribute, unbound, "Dense", cancellationToken);
        WeightInitKind init = WeightInitKind.Default;
        float initScale = 0.05f;
        bool initOk = true;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (unbound.Contains(named.Key))
            {
                continue;
            }
            if (named.Key == "Init")
            {
                initOk &= NetworkDeclaration.TryEnum(named.Value, "WeightInit", (int)WeightInitKind.Normal, out int i);
                init = (WeightInitKind)i;
            }
            else if (named.Key == "InitScale")
            {
                bool ok = NetworkDeclaration.TryFloat(named.Value, out float f) && f > 0f && !float.IsInfinity(f);
                initOk &= ok;
                initScale = ok ? f : initScale;
            }
        }
        if (!initOk)
        {
            reader.Problem(AttributeLocations.Attribute(attribute, cancellationToken), "Dense", "Init must be a WeightInit value and InitScale a positive finite float");
        }
        return new DenseDeclaration(attribute, number, units, activation, activationGiven, slope) { Init = init, InitScale = initScale };
    }

    public override void Check(LayerDeclaration layer, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var d = (DenseDeclaration)layer;
        if (d.Units is <= 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.SizeNotPositive, AttributeLocations.Argument(d.Attribute, 0, cancellationToken), $"Dense layer {Int(d.Number)}", Int(d.Units.Value)));
        }
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var d = (DenseDeclaration)layer;
        int units = d.Units!.Value;
        if (builder.Shape.Rank > 1)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.DenseNeedsFlatten, AttributeLocations.Attribute(d.Attribute, cancellationToken), $"Dense layer {Int(d.Number)}",
                builder.Shape + (builder.Shape.Rank == 3 ? " image" : " signal")));
            return null;
        }
        long weights = (long)builder.Shape.Size * units;
        if (builder.Fits(weights + units, units) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Argument(d.Attribute, 0, cancellationToken), $"Dense layer {Int(d.Number)}", reason));
            return null;
        }
        return builder.Add(new DenseLayer(d.Number, builder.Shape, Shape.Vector(units), builder.ParameterOffset,
            new ActivationModel(d.Activation!.Value, d.NegativeSlope!.Value), d.Init, d.InitScale), units);
    }
}
