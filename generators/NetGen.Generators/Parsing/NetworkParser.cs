using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>The result of parsing one [Network] class: the spec (null when it cannot be generated) and the diagnostics.</summary>
/// <remarks><paramref name="Weights"/> is the <c>Weights = "…"</c> argument, resolved against the additional files in a later stage.</remarks>
internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, WeightsReference? Weights = null);

/// <summary>
/// Turns the attributes on a [Network] class into a <see cref="NetworkSpec"/>. The only stage that touches symbols and
/// syntax; it never throws on malformed input — whatever stops generation becomes a diagnostic.
/// </summary>
internal static partial class NetworkParser
{
    public const string NetworkAttributeName = "NetGen.NetworkAttribute";
    public const string InputAttributeName = "NetGen.InputAttribute";
    public const string DenseAttributeName = "NetGen.DenseAttribute";

    /// <summary>Largest sum of hidden widths: Forward keeps every layer's activations on the stack (4 bytes each).</summary>
    public const int MaxTotalWidth = 32768;

    /// <summary>Largest parameter count NetGen generates (400 MB of float32).</summary>
    public const long MaxParameters = 100_000_000;

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
        {
            return new ParseResult(null, default);
        }

        LocationInfo? nameLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NotPartial, nameLocation, type.Name));
            return Result(null, diagnostics);
        }
        if (type.ContainingType is not null)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NestedNotSupported, nameLocation, type.Name, type.ContainingType.Name));
        }
        if (type.TypeParameters.Length > 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.GenericNotSupported, nameLocation, type.Name));
        }

        // [Network(Loss = …, Reduction = …)]: a loss makes the network trainable.
        LossKind? loss = null;
        ReductionKind reduction = ReductionKind.Mean;
        WeightsReference? weightsFile = null;
        foreach (AttributeData attribute in context.Attributes)
        {
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == "Weights")
                {
                    if (named.Value.Value is string path && path.Trim().Length > 0)
                    {
                        weightsFile = new WeightsReference(path.Trim(), NamedArgumentLocation(attribute, "Weights", cancellationToken));
                    }
                    else if (named.Value.Kind != TypedConstantKind.Error && named.Value.Value is not null)
                    {
                        diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, NamedArgumentLocation(attribute, "Weights", cancellationToken), "Network", "Weights must name a weight file, as in Weights = \"digits.weights.json\""));
                    }
                }
                else if (named.Key == "Loss" && TryEnum(named.Value, 5, out int l))
                {
                    loss = (LossKind)l;
                }
                else if (named.Key == "Reduction" && TryEnum(named.Value, 1, out int r))
                {
                    reduction = (ReductionKind)r;
                }
                else if (named.Key is "Loss" or "Reduction")
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, LocationOf(attribute, cancellationToken), "Network", $"{named.Key} is not a known value"));
                }
            }
        }

        int? inputSize = null;
        var layers = new List<LayerSpec>();
        long offset = 0;
        long totalWidth = 0;
        int statistics = 0;
        int previous = 0;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name == InputAttributeName)
            {
                if (!TryInt(attribute, 0, out int size))
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, LocationOf(attribute, cancellationToken), "Input", "expected a constant int size, as in [Input(64)]"));
                    return Result(null, diagnostics);
                }
                if (size <= 0)
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.SizeNotPositive, ArgumentLocation(attribute, 0, cancellationToken), "[Input]", size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    return Result(null, diagnostics);
                }
                inputSize ??= size;
                previous = inputSize.Value;
            }
            else if (name == DenseAttributeName)
            {
                int index = layers.Count + 1;
                if (!TryInt(attribute, 0, out int units))
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, LocationOf(attribute, cancellationToken), "Dense", "expected a constant int unit count, as in [Dense(32, Activation.ReLU)]"));
                    return Result(null, diagnostics);
                }
                if (units <= 0)
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.SizeNotPositive, ArgumentLocation(attribute, 0, cancellationToken), $"Dense layer {index}", units.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    return Result(null, diagnostics);
                }
                int activation = 0;
                if (attribute.ConstructorArguments.Length > 1 && !TryEnum(attribute.ConstructorArguments[1], 8, out activation))
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, 1, cancellationToken), "Dense", "the activation is not a known Activation value"));
                    return Result(null, diagnostics);
                }
                float slope = 0.01f;
                WeightInitKind init = WeightInitKind.Default;
                float initScale = 0.05f;
                foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
                {
                    if (named.Key is "Init" or "InitScale")
                    {
                        if (!TryInit(named, ref init, ref initScale))
                        {
                            diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, LocationOf(attribute, cancellationToken), "Dense", "Init must be a WeightInit value and InitScale a positive finite float"));
                            return Result(null, diagnostics);
                        }
                    }
                    else if (named.Key == "NegativeSlope" && named.Value.Value is float s && !float.IsNaN(s) && !float.IsInfinity(s))
                    {
                        slope = s;
                    }
                    else if (named.Key == "NegativeSlope")
                    {
                        diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, LocationOf(attribute, cancellationToken), "Dense", "NegativeSlope must be a finite float"));
                        return Result(null, diagnostics);
                    }
                }
                if (inputSize is null)
                {
                    // A layer before [Input]: the input size is unknown, so nothing can be generated.
                    break;
                }
                long weights = (long)previous * units;
                if (offset + weights + units > MaxParameters)
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, ArgumentLocation(attribute, 0, cancellationToken), $"Dense layer {index}",
                        $"the network would have more than {MaxParameters:N0} parameters"));
                    return Result(null, diagnostics);
                }
                if (totalWidth + units > MaxTotalWidth)
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, ArgumentLocation(attribute, 0, cancellationToken), $"Dense layer {index}",
                        $"the layers' widths would add up to more than {MaxTotalWidth:N0} values, which Forward keeps on the stack"));
                    return Result(null, diagnostics);
                }
                layers.Add(new LayerSpec(index, previous, units, (ActivationKind)activation, slope, (int)offset, (int)(offset + weights), Init: init, InitScale: initScale));
                offset += weights + units;
                totalWidth += units;
                previous = units;
            }
            else if (name is DropoutAttributeName or BatchNormAttributeName)
            {
                if (inputSize is null)
                {
                    break;
                }
                if (!TryParseLayer(attribute, name, layers, diagnostics, ref offset, ref totalWidth, ref statistics, previous, cancellationToken))
                {
                    return Result(null, diagnostics);
                }
            }
        }

        if (inputSize is null)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.MissingInput, nameLocation, type.Name));
        }
        else if (layers.Count == 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NoLayers, nameLocation, type.Name));
        }
        if (diagnostics.Count > 0)
        {
            return Result(null, diagnostics);
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        string fullName = ns is null ? type.Name : ns + "." + type.Name;
        var spec = new NetworkSpec(ns, type.Name, fullName, inputSize!.Value, new EquatableArray<LayerSpec>(layers.ToArray()), loss, reduction, fullName + ".g.cs");
        return new ParseResult(spec, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), weightsFile);
    }

    private static ParseResult Result(NetworkSpec? spec, List<DiagnosticInfo> diagnostics) =>
        new(spec, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

    private static DiagnosticInfo Info(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, new EquatableArray<string>(arguments));

    private static bool TryInt(AttributeData attribute, int index, out int value)
    {
        value = 0;
        ImmutableArray<TypedConstant> args = attribute.ConstructorArguments;
        if (index >= args.Length || args[index].Kind == TypedConstantKind.Error || args[index].Value is not int v)
        {
            return false;
        }
        value = v;
        return true;
    }

    private static bool TryEnum(TypedConstant constant, int max, out int value)
    {
        value = 0;
        if (constant.Kind == TypedConstantKind.Error || constant.Value is not int v || v < 0 || v > max)
        {
            return false;
        }
        value = v;
        return true;
    }

    private static LocationInfo? LocationOf(AttributeData attribute, CancellationToken cancellationToken) =>
        LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation());

    private static LocationInfo? NamedArgumentLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list } syntax)
        {
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return LocationInfo.From(argument.Expression.GetLocation());
                }
            }
            return LocationInfo.From(syntax.GetLocation());
        }
        return null;
    }

    private static LocationInfo? ArgumentLocation(AttributeData attribute, int index, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
        {
            if (syntax.ArgumentList is { } list && index < list.Arguments.Count)
            {
                return LocationInfo.From(list.Arguments[index].GetLocation());
            }
            return LocationInfo.From(syntax.GetLocation());
        }
        return null;
    }
}
