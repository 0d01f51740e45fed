using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// <c>[Conv1D]</c> in a network whose <c>[Input(n)]</c> is one frame (issue 10): the causal streaming form. Its input is the frame
/// coming in (C channels), it keeps the last (k − 1)·Dilation frames in the stream's state, and it writes one frame of filters per
/// time step. Stride must be 1 (NG2205) and Padding 0 (NG2206: the form pads itself on the left); the state must stay small
/// enough to live on the stack (NG2207).
/// </summary>
internal static class CausalConv1DRule
{
    /// <summary>Largest State (floats) of a streaming network with causal convolutions: it is a value type kept on the stack.</summary>
    public const int MaxStateCount = 65536;

    public static LayerModel? Build(ConvolutionDeclaration c, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        string layer = $"Conv1D layer {Int(c.Number)}";
        int k = c.KernelSize!.Value, filters = c.Filters!.Value, channels = builder.Shape.Size, d = c.Dilation;
        bool fits = true;
        if (c.Stride != 1)
        {
            diagnostics.Add(LayerRule.Info(DiagnosticDescriptors.CausalConvStride, AttributeLocations.Named(c.Attribute, "Stride", cancellationToken), layer, Int(c.Stride)));
            fits = false;
        }
        if (c.Padding != 0)
        {
            diagnostics.Add(LayerRule.Info(DiagnosticDescriptors.CausalConvPadding, AttributeLocations.Named(c.Attribute, "Padding", cancellationToken), layer, Int(c.Padding),
                Text((long)(k - 1) * d)));
            fits = false;
        }
        if (!fits)
        {
            return null;
        }
        long frames = (long)(k - 1) * d;
        long state = builder.StateOffset + frames * channels + 1;
        if (state > MaxStateCount)
        {
            LocationInfo? where = d > 1 ? AttributeLocations.Named(c.Attribute, "Dilation", cancellationToken) : AttributeLocations.Argument(c.Attribute, 1, cancellationToken);
            diagnostics.Add(LayerRule.Info(DiagnosticDescriptors.CausalConvStateTooLarge, where, layer, Text(frames), Text(channels), Text(state), Text(MaxStateCount)));
            return null;
        }
        long parameters = (long)filters * channels * k + filters;
        // Its output frame and the step's window of C·k taps are on the stack.
        if (builder.Fits(2 * parameters, (long)filters + (long)channels * k) is { } reason)
        {
            diagnostics.Add(LayerRule.Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Argument(c.Attribute, 0, cancellationToken), layer, reason));
            return null;
        }
        var model = new CausalConv1DLayer(c.Number, builder.Shape, Shape.Vector(filters), builder.ParameterOffset,
            new ActivationModel(c.Activation!.Value, c.NegativeSlope!.Value), k, d, builder.StateOffset, builder.PackedOffset);
        return builder.Add(model, filters + channels * k);
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
