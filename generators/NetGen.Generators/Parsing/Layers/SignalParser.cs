using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary><c>[GlobalAvgPool]</c>: one value per channel.</summary>
internal sealed class GlobalAvgPoolDeclaration : LayerDeclaration
{
    public GlobalAvgPoolDeclaration(AttributeData attribute, int number) : base(attribute, number)
    {
    }

    public override LayerRule Rule => GlobalAvgPoolRule.Instance;

    public override int? Width(int? incoming) => null;

    public override string Describe() => base.Describe() + " (GlobalAvgPool)";
}

/// <summary>The signal-input rule (NG2105) of the 1-D kinds.</summary>
internal static class SignalRules
{
    /// <summary>NG2105 when the layer's input is not a signal (channels × length).</summary>
    public static bool NeedsSignal(LayerDeclaration layer, string kind, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (builder.Shape.Rank == 2)
        {
            return true;
        }
        string what = builder.Shape.Rank == 3
            ? "an image of " + builder.Shape + " (use the 2-D kinds for images)"
            : layer.Number == 1
                ? $"a frame of {builder.Shape} values from [Input({builder.Shape})]; {kind} has no streaming form (pooling over time needs the whole signal; only Conv1D streams over frames): for a fixed-length signal declare [Input(1, {builder.Shape})]"
                : builder.NetworkInput.Rank == 1
                    ? $"a vector of {builder.Shape} values (after a Dense layer; over [Input({builder.NetworkInput})]'s frames {kind} has no streaming form: pooling over time needs the whole signal)"
                    : "a vector of " + builder.Shape + " values (after a Dense layer or [Flatten])";
        diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.NeedsSignal.Id, AttributeLocations.Attribute(layer.Attribute, cancellationToken),
            new EquatableArray<string>(new[] { kind + " layer " + layer.Number.ToString(CultureInfo.InvariantCulture), what })));
        return false;
    }
}

/// <summary>The rule for <c>[Conv1D]</c>: filters, kernel taps, stride, padding, dilation; W (filters × C × k) then b in θ.</summary>
internal sealed class Conv1DRule : LayerRule
{
    public static readonly Conv1DRule Instance = new();

    public override string AttributeName => "NetGen.Conv1DAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.Conv1D;

    /// <summary>After [Input(n)] it is the causal streaming form (issue 10), which runs step by step.</summary>
    public override bool InSequences => true;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        HashSet<string> unbound = reader.CheckNamedArgumentsBound(attribute, "Conv1D", cancellationToken);
        int? filters = reader.ReadInt(attribute, 0, "Conv1D", "expected a constant int filter count, as in [Conv1D(8, 3, Activation.ReLU)]", cancellationToken);
        int? kernel = filters is null ? null : reader.ReadInt(attribute, 1, "Conv1D", "expected a constant int kernel size, as in [Conv1D(8, 3, Activation.ReLU)]", cancellationToken);
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
                reader.Problem(AttributeLocations.Argument(attribute, 2, cancellationToken), "Conv1D", "the activation must be a known Activation value other than Softmax, LogSoftmax (they belong to a Dense output layer) or PReLU (a Dense layer's learnable slope)");
            }
        }
        float? slope = reader.ReadSlope(attribute, unbound, "Conv1D", cancellationToken);
        Dictionary<string, int> named = SpatialRules.ReadNamedInts(reader, attribute, unbound, "Conv1D", cancellationToken, ("Stride", 1, 1), ("Padding", 0, 0), ("Dilation", 1, 1));
        return new ConvolutionDeclaration(attribute, number, this, "Conv1D", filters, kernel, activation, activationGiven, slope, named["Stride"], named["Padding"], named["Dilation"]);
    }

    public override void Check(LayerDeclaration layer, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        ((ConvolutionDeclaration)layer).CheckSizes(diagnostics, cancellationToken);
    }

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var c = (ConvolutionDeclaration)layer;
        if (builder.Shape.Rank == 1 && builder.NetworkInput.Rank == 1)
        {
            return CausalConv1DRule.Build(c, builder, diagnostics, cancellationToken);   // issue 10: one frame per time step
        }
        if (!SignalRules.NeedsSignal(c, "Conv1D", builder, diagnostics, cancellationToken))
        {
            return null;
        }
        Shape input = builder.Shape;
        int k = c.KernelSize!.Value, filters = c.Filters!.Value;
        int lo = Conv1DLayer.OutputLength(input.Height, k, c.Stride, c.Padding, c.Dilation);
        if (lo <= 0)
        {
            string dilated = c.Dilation == 1 ? $"a {Int(k)}-tap kernel" : $"a {Int(k)}-tap kernel with dilation {Int(c.Dilation)} (spanning {Int(c.Dilation * (k - 1) + 1)})";
            diagnostics.Add(Info(DiagnosticDescriptors.OutputSizeNotPositive, AttributeLocations.Argument(c.Attribute, 1, cancellationToken), $"Conv1D layer {Int(c.Number)}",
                $"{dilated} with padding {Int(c.Padding)} does not fit its input of length {Int(input.Height)}"));
            return null;
        }
        long parameters = (long)filters * input.Channels * k + filters;
        long width = (long)filters * lo;
        if (builder.Fits(parameters, width) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Argument(c.Attribute, 0, cancellationToken), $"Conv1D layer {Int(c.Number)}", reason));
            return null;
        }
        DropRule.Report(diagnostics, c.Attribute, $"Conv1D layer {Int(c.Number)}", "samples", input.Height, k, c.Stride, c.Padding, c.Dilation, lo, cancellationToken);
        return builder.Add(new Conv1DLayer(c.Number, input, Shape.Signal(filters, lo), builder.ParameterOffset,
            new ActivationModel(c.Activation!.Value, c.NegativeSlope!.Value), k, c.Stride, c.Padding, c.Dilation), (int)width);
    }
}

/// <summary>The rules for <c>[MaxPool1D]</c> and <c>[AvgPool1D]</c>: window size, stride (the size by default); no parameters.</summary>
internal sealed class Pool1DRule : LayerRule
{
    public static readonly Pool1DRule MaxInstance = new(true);

    public static readonly Pool1DRule AvgInstance = new(false);

    private readonly bool _max;

    private Pool1DRule(bool max) => _max = max;

    private string Name => _max ? "MaxPool1D" : "AvgPool1D";

    public override string AttributeName => "NetGen." + Name + "Attribute";

    public override LayerKindSpec Kind => _max ? LayerKindSpec.MaxPool1D : LayerKindSpec.AvgPool1D;

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
        if (!SignalRules.NeedsSignal(p, p.KindName, builder, diagnostics, cancellationToken))
        {
            return null;
        }
        Shape input = builder.Shape;
        int size = p.Size!.Value, stride = p.Stride == 0 ? size : p.Stride;
        int lo = Pool2DLayer.OutputLength(input.Height, size, stride);
        if (lo <= 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.OutputSizeNotPositive, AttributeLocations.Argument(p.Attribute, 0, cancellationToken), $"{p.KindName} layer {Int(p.Number)}",
                $"a window of {Int(size)} does not fit its input of length {Int(input.Height)}"));
            return null;
        }
        int width = input.Channels * lo;
        if (builder.Fits(0, width) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(p.Attribute, cancellationToken), $"{p.KindName} layer {Int(p.Number)}", reason));
            return null;
        }
        DropRule.Report(diagnostics, p.Attribute, $"{p.KindName} layer {Int(p.Number)}", "samples", input.Height, size, stride, 0, 1, lo, cancellationToken);
        return builder.Add(new Pool1DLayer(p.Number, input, Shape.Signal(input.Channels, lo), builder.ParameterOffset, _max, size, stride), width);
    }
}

/// <summary>The rule for <c>[GlobalAvgPool]</c>: after an image or a signal; no arguments, no parameters.</summary>
internal sealed class GlobalAvgPoolRule : LayerRule
{
    public static readonly GlobalAvgPoolRule Instance = new();

    public override string AttributeName => "NetGen.GlobalAvgPoolAttribute";

    public override LayerKindSpec Kind => LayerKindSpec.GlobalAvgPool;

    public override LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken) =>
        new GlobalAvgPoolDeclaration(attribute, number);

    public override LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        Shape input = builder.Shape;
        if (input.Rank == 1)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.ConvNeedsImage, AttributeLocations.Attribute(layer.Attribute, cancellationToken), $"GlobalAvgPool layer {Int(layer.Number)}",
                $"a vector of {input} values (after [Input(n)], a Dense layer or [Flatten]); GlobalAvgPool averages each channel of an image or a signal"));
            return null;
        }
        Shape output = input.Rank == 3 ? Shape.Image(input.Channels, 1, 1) : Shape.Signal(input.Channels, 1);
        if (builder.Fits(0, input.Channels) is { } reason)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(layer.Attribute, cancellationToken), $"GlobalAvgPool layer {Int(layer.Number)}", reason));
            return null;
        }
        return builder.Add(new GlobalAvgPoolLayer(layer.Number, input, output, builder.ParameterOffset), input.Channels);
    }
}

/// <summary>
/// NG2106: a window or kernel that, at its stride, never reaches the last rows, columns or samples of its input (PyTorch's
/// floor division drops them silently).
/// </summary>
internal static class DropRule
{
    /// <summary>
    /// The input positions along one axis that no window covers: the last window ends at (out − 1)·s + d·(k − 1) in the padded
    /// input, so n + p − that − 1 real positions are left (padding the kernel never reaches is not counted).
    /// </summary>
    public static int Dropped(int input, int kernel, int stride, int padding, int dilation, int output)
    {
        long covered = (long)(output - 1) * stride + (long)dilation * (kernel - 1) + 1;
        long dropped = input + padding - covered;
        return dropped > 0 ? (int)dropped : 0;
    }

    public static void Report(List<DiagnosticInfo> diagnostics, AttributeData attribute, string layer, string unit, int input, int kernel, int stride, int padding, int dilation,
        int output, CancellationToken cancellationToken)
    {
        int dropped = Dropped(input, kernel, stride, padding, dilation, output);
        if (dropped > 0)
        {
            diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.PositionsDropped.Id, AttributeLocations.Attribute(attribute, cancellationToken),
                new EquatableArray<string>(new[] { layer, Text(dropped, unit), input.ToString(CultureInfo.InvariantCulture) + "-" + unit.Substring(0, unit.Length - 1) })));
        }
    }

    /// <summary>For 2-D layers: one report naming the rows and columns left out.</summary>
    public static void Report2D(List<DiagnosticInfo> diagnostics, AttributeData attribute, string layer, Shape input, int kernel, int stride, int padding, int ho, int wo,
        CancellationToken cancellationToken)
    {
        int rows = Dropped(input.Height, kernel, stride, padding, 1, ho), columns = Dropped(input.Width, kernel, stride, padding, 1, wo);
        if (rows == 0 && columns == 0)
        {
            return;
        }
        string what = rows > 0 && columns > 0 ? Text(rows, "rows") + " and " + Text(columns, "columns") : rows > 0 ? Text(rows, "rows") : Text(columns, "columns");
        diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.PositionsDropped.Id, AttributeLocations.Attribute(attribute, cancellationToken),
            new EquatableArray<string>(new[] { layer, what, input.Height.ToString(CultureInfo.InvariantCulture) + "×" + input.Width.ToString(CultureInfo.InvariantCulture) })));
    }

    /// <summary>"the last 1 sample", "the last 2 columns".</summary>
    private static string Text(int count, string plural) =>
        "the last " + count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? plural.Substring(0, plural.Length - 1) : plural);
}
