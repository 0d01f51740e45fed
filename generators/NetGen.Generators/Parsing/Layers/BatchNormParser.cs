using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary><c>[BatchNorm(activation, Momentum = …, Epsilon = …, NegativeSlope = …)]</c>: keeps the width.</summary>
internal sealed class BatchNormDeclaration : ActivationLayerDeclaration
{
    public BatchNormDeclaration(AttributeData attribute, int number, ActivationKind? activation, bool activationGiven, float? negativeSlope, float momentum, float epsilon)
        : base(attribute, number, activation, activationGiven, 0, negativeSlope)
    {
        Momentum = momentum;
        Epsilon = epsilon;
    }

    public float Momentum { get; }

    public float Epsilon { get; }

    public override LayerRule Rule => BatchNormRule.Instance;

    public override string Describe() => base.Describe() + " (BatchNorm)";
}

/// <summary>The rule for <c>[BatchNorm]</c>: γ then β in θ, running mean and variance in the statistics.</summary>
internal sealed class BatchNormRule : LayerRule
{
    public static readonly BatchNormRule Instance = new();

    public override string AttributeName => "NetGen.BatchNormAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.BatchNorm;

    public override bool HasStatistics => true;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        HashSet<string> unbound = reader.CheckNamedArgumentsBound(attribute, "BatchNorm", cancellationToken);
        ActivationKind? activation = ActivationKind.Identity;
        bool activationGiven = attribute.ConstructorArguments.Length > 0 && AttributeLocations.HasArgument(attribute, 0, cancellationToken);
        if (attribute.AttributeConstructor is null)
        {
            activation = null;
            reader.Problem(AttributeLocations.Attribute(attribute, cancellationToken), "BatchNorm", "expected an optional Activation, as in [BatchNorm(Activation.ReLU)]");
        }
        else if (attribute.ConstructorArguments.Length > 0)
        {
            if (NetworkDeclaration.TryEnum(attribute.ConstructorArguments[0], "Activation", NetworkDeclaration.MaxActivation, out int a) && a != (int)ActivationKind.PReLU)
            {
                activation = (ActivationKind)a;
            }
            else
            {
                activation = null;
                reader.Problem(AttributeLocations.Argument(attribute, 0, cancellationToken), "BatchNorm", "the activation must be a known Activation value other than PReLU (a learnable slope belongs to a Dense layer: [Dense(n, Activation.PReLU)])");
            }
        }
        float momentum = 0.1f, epsilon = 1e-5f, slope = 0.01f;
        bool ok = true;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (unbound.Contains(named.Key))
            {
                continue;
            }
            bool read = NetworkDeclaration.TryFloat(named.Value, out float value);
            switch (named.Key)
            {
                case "Momentum": ok &= read && value >= 0f && value <= 1f; momentum = value; break;
                case "Epsilon": ok &= read && value > 0f && !float.IsInfinity(value); epsilon = value; break;
                case "NegativeSlope": ok &= read && !float.IsNaN(value) && !float.IsInfinity(value); slope = value; break;
            }
        }
        if (!ok)
        {
            reader.Problem(AttributeLocations.Attribute(attribute, cancellationToken), "BatchNorm",
                "Momentum must be in [0, 1], Epsilon a positive finite float and NegativeSlope a finite float");
        }
        return new BatchNormDeclaration(attribute, number, activation, activationGiven, ok ? slope : null, momentum, epsilon);
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var b = (BatchNormDeclaration)layer;
        if (builder.Shape.Rank > 1)
        {
            // After a convolution or pooling layer: per channel (BatchNorm2d on an image, BatchNorm1d on a signal).
            int channels = builder.Shape.Channels;
            if (builder.Fits(2L * channels, builder.Shape.Size) is not null)
            {
                diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(b.Attribute, cancellationToken), $"BatchNorm layer {Int(b.Number)}",
                    "the network would exceed NetGen's size limits"));
                return null;
            }
            return builder.Add(new ChannelBatchNormLayer(b.Number, builder.Shape, builder.ParameterOffset, new ActivationModel(b.Activation!.Value, b.NegativeSlope!.Value),
                b.Momentum, b.Epsilon, builder.StatisticsOffset), builder.Shape.Size);
        }
        int features = builder.Shape.Size;
        if (builder.Fits(2L * features, features) is not null)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(b.Attribute, cancellationToken), $"BatchNorm layer {Int(b.Number)}",
                "the network would exceed NetGen's size limits"));
            return null;
        }
        return builder.Add(new BatchNormLayer(b.Number, builder.Shape, builder.ParameterOffset, new ActivationModel(b.Activation!.Value, b.NegativeSlope!.Value),
            b.Momentum, b.Epsilon, builder.StatisticsOffset), features);
    }
}
