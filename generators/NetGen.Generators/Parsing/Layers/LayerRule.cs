using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// How one layer kind is parsed: read its attribute into a <see cref="LayerDeclaration"/> (argument problems are NG1004),
/// check what can be checked before the shapes are known, and build its model record once the input shape is. One
/// subclass per kind in <c>Parsing/Layers</c>, listed in <see cref="LayerRules.All"/>.
/// </summary>
internal abstract class LayerRule
{
    /// <summary>The attribute's metadata name, <c>NetGen.DenseAttribute</c>.</summary>
    public abstract string AttributeName { get; }

    /// <summary>The kind, as the runtime's <c>NetGen.LayerKind</c>.</summary>
    public abstract LayerKindSpec Kind { get; }

    /// <summary>Whether the kind keeps saved untrained state (the network then has <c>RunningStatistics</c>).</summary>
    public virtual bool HasStatistics => false;

    /// <summary>Whether the kind can be a layer of a network with recurrent layers (applied at every time step); issue 10.</summary>
    public virtual bool InSequences => false;

    /// <summary>Whether the kind keeps state between time steps (the network then streams: Step, State, sequences); issue 10.</summary>
    public virtual bool Streams => false;

    /// <summary>Whether the kind draws random numbers after construction (the network then keeps its generator).</summary>
    public virtual bool UsesRandom => false;

    /// <summary>Reads the attribute; never throws on malformed input (problems go to <paramref name="reader"/>).</summary>
    public abstract LayerDeclaration Read(NetworkDeclaration reader, AttributeData attribute, int number, CancellationToken cancellationToken);

    /// <summary>The shape rules that need no input shape (NG2003 for a size that is not positive).</summary>
    public virtual void Check(LayerDeclaration layer, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
    }

    /// <summary>The model record, or null with a diagnostic when the layer does not fit (NG2006).</summary>
    public abstract LayerModel? Build(LayerDeclaration layer, LayerBuilder builder, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken);

    internal static DiagnosticInfo Info(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, new EquatableArray<string>(arguments));

    internal static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The layer kinds NetGen knows, one rule each.</summary>
internal static class LayerRules
{
    public static readonly LayerRule[] All = { DenseRule.Instance, DropoutRule.Instance, BatchNormRule.Instance,
        /* issue 9 */ Conv2DRule.Instance, Pool2DRule.MaxInstance, Pool2DRule.AvgInstance, FlattenRule.Instance,
        Conv1DRule.Instance, Pool1DRule.MaxInstance, Pool1DRule.AvgInstance, GlobalAvgPoolRule.Instance,
        /* issue 10 */ RecurrentRule.GruInstance, RecurrentRule.LstmInstance,
        /* issue 13 */ NormalizationRule.Instance };

    public static LayerRule? ForAttribute(string? metadataName)
    {
        foreach (LayerRule rule in All)
        {
            if (rule.AttributeName == metadataName)
            {
                return rule;
            }
        }
        return null;
    }

    public static LayerRule ForKind(LayerKindSpec kind)
    {
        foreach (LayerRule rule in All)
        {
            if (rule.Kind == kind)
            {
                return rule;
            }
        }
        throw new System.ArgumentOutOfRangeException(nameof(kind));
    }
}

/// <summary>
/// What the layers built so far have used: the shape coming in, the parameter offset, the sum of the widths and the
/// statistics offset. A rule asks <see cref="Fits"/>, builds its record at the current offsets, then calls <see cref="Add"/>.
/// </summary>
internal sealed class LayerBuilder
{
    /// <summary>Largest sum of layer widths: Forward keeps every layer's activations on the stack (4 bytes each).</summary>
    public const int MaxTotalWidth = 32768;

    /// <summary>Largest parameter count NetGen generates (400 MB of float32).</summary>
    public const long MaxParameters = 100_000_000;

    public LayerBuilder(Shape input) => Shape = input;

    /// <summary>The shape the next layer receives.</summary>
    public Shape Shape { get; private set; }

    /// <summary>Where the next layer's parameters start.</summary>
    public int ParameterOffset { get; private set; }

    /// <summary>Where the next layer's statistics start.</summary>
    public int StatisticsOffset { get; private set; }

    /// <summary>Where the next recurrent layer's state starts in the network's State (issue 10).</summary>
    public int StateOffset { get; private set; }

    /// <summary>Where the next recurrent layer's packed weights start (issue 10).</summary>
    public int PackedOffset { get; private set; }

    private long _totalWidth;

    /// <summary>Null when a layer with these parameters and this output width fits; else why not (for NG2006).</summary>
    public string? Fits(long parameters, long width)
    {
        if (ParameterOffset + parameters > MaxParameters)
        {
            return $"the network would have more than {MaxParameters.ToString("N0", CultureInfo.InvariantCulture)} parameters";
        }
        if (_totalWidth + width > MaxTotalWidth)
        {
            return $"the layers' widths would add up to more than {MaxTotalWidth.ToString("N0", CultureInfo.InvariantCulture)} values, which Forward keeps on the stack";
        }
        return null;
    }

    public LayerModel Add(LayerModel layer, int width)
    {
        ParameterOffset += layer.ParameterCount;
        StatisticsOffset += layer.StatisticsCount;
        StateOffset += layer.StateCount;
        PackedOffset += layer.PackedCount;
        _totalWidth += width;
        Shape = layer.Output;
        return layer;
    }
}
