using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// <c>[Conv2D(filters, kernelSize, activation, Stride = …, Padding = …)]</c> or <c>[Conv1D(…, Dilation = …)]</c> (Dilation 1 for
/// Conv2D), with <c>NegativeSlope</c>; null values could not be read.
/// </summary>
internal sealed class ConvolutionDeclaration : ActivationLayerDeclaration
{
    private readonly LayerRule _rule;

    public ConvolutionDeclaration(AttributeData attribute, int number, LayerRule rule, string kindName, int? filters, int? kernelSize, ActivationKind? activation,
        bool activationGiven, float? negativeSlope, int stride, int padding, int dilation)
        : base(attribute, number, activation, activationGiven, 2, negativeSlope)
    {
        _rule = rule;
        KindName = kindName;
        Filters = filters;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
    }

    /// <summary>"Conv2D" or "Conv1D".</summary>
    public string KindName { get; }

    public int? Filters { get; }

    public int? KernelSize { get; }

    public int Stride { get; }

    public int Padding { get; }

    public int Dilation { get; }

    public override LayerRule Rule => _rule;

    /// <summary>Unknown to the analyzers (it depends on the input's shape).</summary>
    public override int? Width(int? incoming) => null;

    public override string Describe() =>
        base.Describe() + (Filters is { } f ? " (" + KindName + " " + f.ToString(CultureInfo.InvariantCulture) + ")" : " (" + KindName + ")");

    /// <summary>NG diagnostics for a filter count or kernel size ≤ 0.</summary>
    public void CheckSizes(List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (Filters is <= 0)
        {
            diagnostics.Add(LayerRule.Info(DiagnosticDescriptors.SizeNotPositive, AttributeLocations.Argument(Attribute, 0, cancellationToken), $"{KindName} layer {LayerRule.Int(Number)}", LayerRule.Int(Filters.Value)));
        }
        else if (KernelSize is <= 0)
        {
            diagnostics.Add(LayerRule.Info(DiagnosticDescriptors.SizeNotPositive, AttributeLocations.Argument(Attribute, 1, cancellationToken), $"{KindName} layer {LayerRule.Int(Number)}'s kernel", LayerRule.Int(KernelSize.Value)));
        }
    }
}

/// <summary><c>[MaxPool2D(size, Stride = …)]</c>, <c>[AvgPool2D(…)]</c>, <c>[MaxPool1D(…)]</c> or <c>[AvgPool1D(…)]</c>.</summary>
internal sealed class PoolDeclaration : LayerDeclaration
{
    private readonly LayerRule _rule;

    public PoolDeclaration(AttributeData attribute, int number, LayerRule rule, string kindName, bool max, int? size, int stride) : base(attribute, number)
    {
        _rule = rule;
        KindName = kindName;
        Max = max;
        Size = size;
        Stride = stride;
    }

    /// <summary>"MaxPool2D", "AvgPool2D", "MaxPool1D" or "AvgPool1D".</summary>
    public string KindName { get; }

    public bool Max { get; }

    public int? Size { get; }

    /// <summary>The stride as written (0: the size).</summary>
    public int Stride { get; }

    public override LayerRule Rule => _rule;

    public override int? Width(int? incoming) => null;

    public override string Describe() => base.Describe() + " (" + KindName + ")";

    /// <summary>NG diagnostic for a window size ≤ 0.</summary>
    public void CheckSize(List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (Size is <= 0)
        {
            diagnostics.Add(LayerRule.Info(DiagnosticDescriptors.SizeNotPositive, AttributeLocations.Argument(Attribute, 0, cancellationToken), $"{KindName} layer {LayerRule.Int(Number)}", LayerRule.Int(Size.Value)));
        }
    }
}

/// <summary><c>[Flatten]</c>: keeps the values.</summary>
internal sealed class FlattenDeclaration : LayerDeclaration
{
    public FlattenDeclaration(AttributeData attribute, int number) : base(attribute, number)
    {
    }

    public override LayerRule Rule => FlattenRule.Instance;

    public override string Describe() => base.Describe() + " (Flatten)";
}

/// <summary>Shared pieces of the convolution and pooling rules: named int arguments and the image-input rule (NG2102).</summary>
internal static class SpatialRules
{
    /// <summary>Reads the named int arguments in <paramref name="names"/> (each must be ≥ its minimum); false with an NG1004 otherwise.</summary>
    public static Dictionary<string, int> ReadNamedInts(NetworkDeclaration reader, AttributeData attribute, HashSet<string> unbound, string kind,
        CancellationToken cancellationToken, params (string Name, int Minimum, int Default)[] names)
    {
        var values = new Dictionary<string, int>();
        foreach ((string name, _, int value) in names)
        {
            values[name] = value;
        }
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (unbound.Contains(named.Key))
            {
                continue;
            }
            foreach ((string name, int minimum, _) in names)
            {
                if (named.Key != name)
                {
                    continue;
                }
                if (named.Value.Value is int v && v >= minimum)
                {
                    values[name] = v;
                }
                else
                {
                    reader.Problem(AttributeLocations.Attribute(attribute, cancellationToken), kind,
                        $"{name} must be a constant int ≥ {minimum.ToString(CultureInfo.InvariantCulture)}");
                }
            }
        }
        return values;
    }

    /// <summary>NG2102 when the layer's input is not an image (a vector: [Input(n)], a Dense layer or [Flatten] before it).</summary>
    public static bool NeedsImage(LayerDeclaration layer, string kind, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (builder.Shape.Rank == 3)
        {
            return true;
        }
        string what = builder.Shape.Rank == 1 ? "a vector of " + builder.Shape + " values (after [Input(n)], a Dense layer or [Flatten])" : "a signal of " + builder.Shape;
        diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.ConvNeedsImage.Id, AttributeLocations.Attribute(layer.Attribute, cancellationToken),
            new EquatableArray<string>(new[] { kind + " layer " + layer.Number.ToString(CultureInfo.InvariantCulture), what })));
        return false;
    }
}

/// <summary>The rule for <c>[Conv2D]</c>: filters, square kernel, stride, padding; W (filters × C × k × k) then b in θ.</summary>
internal sealed class Conv2DRule : LayerRule
{
    public static readonly Conv2DRule Instance = new();

    public override string AttributeName => "NetGen.Conv2DAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.Conv2D;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        HashSet<string> unbound = reader.CheckNamedArgumentsBound(attribute, "Conv2D", cancellationToken);
        int? filters = reader.ReadInt(attribute, 0, "Conv2D", "expected a constant int filter count, as in [Conv2D(6, 5, Activation.ReLU)]", cancellationToken);
        int? kernel = filters is null ? null : reader.ReadInt(attribute, 1, "Conv2D", "expected a constant int kernel size, as in [Conv2D(6, 5, Activation.ReLU)]", cancellationToken);
        ActivationKind? activation = ActivationKind.Identity;
        bool activationGiven = attribute.ConstructorArguments.Length > 2 && AttributeLocations.HasArgument(attribute, 2, cancellationToken);
        if (attribute.ConstructorArguments.Length > 2)
        {
            if (NetworkDeclaration.TryEnum(attribute.ConstructorArguments[2], "Activation", NetworkDeclaration.MaxActivation, out int a) && a is not ((int)ActivationKind.Softmax or (int)ActivationKind.LogSoftmax or (int)ActivationKind.PReLU))
            {
                activation = (ActivationKind)a;
            }
            else
            {
                activation = null;
                reader.Problem(AttributeLocations.Argument(attribute, 2, cancellationToken), "Conv2D", "the activation must be a known Activation value other than Softmax, LogSoftmax (they belong to a Dense output layer) or PReLU (a Dense layer's learnable slope)");
            }
        }
        float? slope = reader.ReadSlope(attribute, unbound, "Conv2D", cancellationToken);
        Dictionary<string, int> named = SpatialRules.ReadNamedInts(reader, attribute, unbound, "Conv2D", cancellationToken, ("Stride", 1, 1), ("Padding", 0, 0));
        return new ConvolutionDeclaration(attribute, number, this, "Conv2D", filters, kernel, activation, activationGiven, slope, named["Stride"], named["Padding"], 1);
    }

    public override void Check(LayerDeclaration layer, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        ((ConvolutionDeclaration)layer).CheckSizes(diagnostics, cancellationToken);
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var c = (ConvolutionDeclaration)layer;
        if (!SpatialRules.NeedsImage(c, "Conv2D", builder, diagnostics, cancellationToken))
        {
            return null;
        }
        Shape input = builder.Shape;
        int k = c.KernelSize!.Value, filters = c.Filters!.Value;
        int ho = Conv2DLayer.OutputLength(input.Height, k, c.Stride, c.Padding), wo = Conv2DLayer.OutputLength(input.Width, k, c.Stride, c.Padding);
        if (ho <= 0 || wo <= 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.OutputSizeNotPositive, AttributeLocations.Argument(c.Attribute, 1, cancellationToken), $"Conv2D layer {Int(c.Number)}",
                $"a {Int(k)}×{Int(k)} kernel with padding {Int(c.Padding)} does not fit its {Int(input.Height)}×{Int(input.Width)} input"));
            return null;
        }
        long parameters = (long)filters * input.Channels * k * k + filters;
        long width = (long)filters * ho * wo;
        if (builder.Fits(parameters, width) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Argument(c.Attribute, 0, cancellationToken), $"Conv2D layer {Int(c.Number)}", reason));
            return null;
        }
        DropRule.Report2D(diagnostics, c.Attribute, $"Conv2D layer {Int(c.Number)}", input, k, c.Stride, c.Padding, ho, wo, cancellationToken);
        return builder.Add(new Conv2DLayer(c.Number, input, Shape.Image(filters, ho, wo), builder.ParameterOffset,
            new ActivationModel(c.Activation!.Value, c.NegativeSlope!.Value), k, c.Stride, c.Padding), (int)width);
    }
}

/// <summary>The rules for <c>[MaxPool2D]</c> and <c>[AvgPool2D]</c>: window size, stride (the size by default); no parameters.</summary>
internal sealed class Pool2DRule : LayerRule
{
    public static readonly Pool2DRule MaxInstance = new(true);

    public static readonly Pool2DRule AvgInstance = new(false);

    private readonly bool _max;

    private Pool2DRule(bool max) => _max = max;

    private string Name => _max ? "MaxPool2D" : "AvgPool2D";

    public override string AttributeName => "NetGen." + Name + "Attribute";

    public override LayerKindSpec Kind => _max ? LayerKindSpec.MaxPool2D : LayerKindSpec.AvgPool2D;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        HashSet<string> unbound = reader.CheckNamedArgumentsBound(attribute, Name, cancellationToken);
        int? size = reader.ReadInt(attribute, 0, Name, $"expected a constant int window size, as in [{Name}(2)]", cancellationToken);
        Dictionary<string, int> named = SpatialRules.ReadNamedInts(reader, attribute, unbound, Name, cancellationToken, ("Stride", 1, 0));
        return new PoolDeclaration(attribute, number, this, Name, _max, size, named["Stride"]);
    }

    public override void Check(LayerDeclaration layer, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        ((PoolDeclaration)layer).CheckSize(diagnostics, cancellationToken);
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var p = (PoolDeclaration)layer;
        if (!SpatialRules.NeedsImage(p, p.KindName, builder, diagnostics, cancellationToken))
        {
            return null;
        }
        Shape input = builder.Shape;
        int size = p.Size!.Value, stride = p.Stride == 0 ? size : p.Stride;
        int ho = Pool2DLayer.OutputLength(input.Height, size, stride), wo = Pool2DLayer.OutputLength(input.Width, size, stride);
        if (ho <= 0 || wo <= 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.OutputSizeNotPositive, AttributeLocations.Argument(p.Attribute, 0, cancellationToken), $"{p.KindName} layer {Int(p.Number)}",
                $"a {Int(size)}×{Int(size)} window does not fit its {Int(input.Height)}×{Int(input.Width)} input"));
            return null;
        }
        int width = input.Channels * ho * wo;
        if (builder.Fits(0, width) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(p.Attribute, cancellationToken), $"{p.KindName} layer {Int(p.Number)}", reason));
            return null;
        }
        DropRule.Report2D(diagnostics, p.Attribute, $"{p.KindName} layer {Int(p.Number)}", input, size, stride, 0, ho, wo, cancellationToken);
        return builder.Add(new Pool2DLayer(p.Number, input, Shape.Image(input.Channels, ho, wo), builder.ParameterOffset, _max, size, stride), width);
    }
}

/// <summary>The rule for <c>[Flatten]</c>: no arguments, no parameters, the same values as a vector.</summary>
internal sealed class FlattenRule : LayerRule
{
    public static readonly FlattenRule Instance = new();

    public override string AttributeName => "NetGen.FlattenAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.Flatten;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken) =>
        new FlattenDeclaration(attribute, number);

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (builder.Fits(0, builder.Shape.Size) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(layer.Attribute, cancellationToken), $"Flatten layer {Int(layer.Number)}", reason));
            return null;
        }
        return builder.Add(new FlattenLayer(layer.Number, builder.Shape, builder.ParameterOffset), builder.Shape.Size);
    }
}
