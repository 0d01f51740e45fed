using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>The training layers ([Dropout], [BatchNorm]) and the dense initialisation arguments.</summary>
internal static partial class NetworkParser
{
    public const string DropoutAttributeName = "NetGen.DropoutAttribute";
    public const string BatchNormAttributeName = "NetGen.BatchNormAttribute";

    /// <summary>Parses a [Dropout(p)] or [BatchNorm(…)] that keeps the width <paramref name="width"/>; false after reporting a diagnostic.</summary>
    private static bool TryParseLayer(AttributeData attribute, string name, List<LayerSpec> layers, List<DiagnosticInfo> diagnostics,
        ref long offset, ref long totalWidth, ref int statistics, int width, CancellationToken cancellationToken)
    {
        int index = layers.Count + 1;
        if (name == DropoutAttributeName)
        {
            ImmutableArrayAccess args = new(attribute);
            if (!args.TryDouble(0, out double value) || !(value >= 0 && value < 1) || (float)value >= 1f)
            {
                diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, 0, cancellationToken), "Dropout",
                    "the rate p must be a constant with 0 ≤ p < 1, as in [Dropout(0.5)]"));
                return false;
            }
            layers.Add(new LayerSpec(index, width, width, ActivationKind.Identity, 0.01f, (int)offset, (int)offset, LayerKindSpec.Dropout, Rate: (float)value));
            return true;
        }

        int activation = 0;
        if (attribute.ConstructorArguments.Length > 0 && !TryEnum(attribute.ConstructorArguments[0], 8, out activation))
        {
            diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(attribute, 0, cancellationToken), "BatchNorm", "the activation is not a known Activation value"));
            return false;
        }
        float momentum = 0.1f, epsilon = 1e-5f, slope = 0.01f;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            float value = named.Value.Value switch
            {
                float f => f,
                double d => (float)d,
                _ => float.NaN,
            };
            bool ok = named.Key switch
            {
                "Momentum" => value >= 0f && value <= 1f,
                "Epsilon" => value > 0f && !float.IsInfinity(value),
                "NegativeSlope" => !float.IsNaN(value) && !float.IsInfinity(value),
                _ => true,
            };
            if (!ok)
            {
                diagnostics.Add(Info(DiagnosticDescriptors.InvalidAttributeArgument, LocationOf(attribute, cancellationToken), "BatchNorm",
                    "Momentum must be in [0, 1], Epsilon a positive finite float and NegativeSlope a finite float"));
                return false;
            }
            switch (named.Key)
            {
                case "Momentum": momentum = value; break;
                case "Epsilon": epsilon = value; break;
                case "NegativeSlope": slope = value; break;
            }
        }
        if (offset + 2L * width > MaxParameters || totalWidth + width > MaxTotalWidth)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, LocationOf(attribute, cancellationToken), $"BatchNorm layer {index.ToString(CultureInfo.InvariantCulture)}",
                "the network would exceed NetGen's size limits"));
            return false;
        }
        layers.Add(new LayerSpec(index, width, width, (ActivationKind)activation, slope, (int)offset, (int)(offset + width), LayerKindSpec.BatchNorm,
            Momentum: momentum, Epsilon: epsilon, StatisticsOffset: statistics));
        offset += 2L * width;
        totalWidth += width;
        statistics += 2 * width;
        return true;
    }

    /// <summary>Reads Dense's <c>Init</c> (a WeightInit value) or <c>InitScale</c> (a positive finite float).</summary>
    private static bool TryInit(KeyValuePair<string, TypedConstant> named, ref WeightInitKind init, ref float scale)
    {
        if (named.Key == "Init")
        {
            if (!TryEnum(named.Value, 6, out int value))
            {
                return false;
            }
            init = (WeightInitKind)value;
            return true;
        }
        if (named.Value.Value is float f && f > 0f && !float.IsInfinity(f))
        {
            scale = f;
            return true;
        }
        return false;
    }

    /// <summary>Typed access to constructor arguments that never throws.</summary>
    private readonly struct ImmutableArrayAccess
    {
        private readonly AttributeData _attribute;

        public ImmutableArrayAccess(AttributeData attribute) => _attribute = attribute;

        public bool TryDouble(int index, out double value)
        {
            value = 0;
            var args = _attribute.ConstructorArguments;
            if (index >= args.Length || args[index].Kind == TypedConstantKind.Error || args[index].Value is not double d)
            {
                return false;
            }
            value = d;
            return true;
        }
    }
}
