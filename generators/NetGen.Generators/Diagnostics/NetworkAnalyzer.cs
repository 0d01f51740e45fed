using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;

namespace NetGen.Generators.Diagnostics;

/// <summary>
/// How a network's activations fit its loss (NG3xxx). The generator can write every combination (unfused paths exist),
/// so these checks produce no source and live here rather than in the generator: errors for what cannot train, warnings
/// for what is almost certainly a mistake (suppressible with <c>#pragma</c> or <c>.editorconfig</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.LossNeedsSoftmax,
        DiagnosticDescriptors.BceNeedsSigmoid,
        DiagnosticDescriptors.BceSeveralOutputs,
        DiagnosticDescriptors.SoftmaxWithBce,
        DiagnosticDescriptors.HingeAfterSquashing,
        DiagnosticDescriptors.SoftmaxHidden,
        DiagnosticDescriptors.ZeroGradientActivation,
        DiagnosticDescriptors.SoftmaxSingleOutput,
        DiagnosticDescriptors.NllNeedsLogSoftmax,
        DiagnosticDescriptors.LogSoftmaxHidden,
        DiagnosticDescriptors.LogSoftmaxWithoutNll,
        DiagnosticDescriptors.HuberDeltaUnused);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(NetworkDeclaration.IsNetworkAttribute))
        {
            return;
        }
        CancellationToken ct = context.CancellationToken;
        NetworkDeclaration network = NetworkDeclaration.Read(type, context.Compilation, ct);
        // The fit rules look at the layers with an activation (Dense, BatchNorm); Dropout is the identity at inference.
        List<ActivationLayerDeclaration> layers = network.Layers.OfType<ActivationLayerDeclaration>().ToList();
        if (layers.Count == 0)
        {
            return;
        }
        ActivationLayerDeclaration output = layers[layers.Count - 1];
        int? outputWidth = OutputWidth(network);
        LossKind? loss = network.Loss;
        Location[] lossLocation = network.NetworkAttribute is { } attribute && loss is not null && AttributeLocations.NamedLocation(attribute, "Loss", ct) is { } where
            ? new[] { where }
            : System.Array.Empty<Location>();

        if (network.HuberDeltaGiven && loss is { } notHuber && notHuber != LossKind.Huber && network.NetworkAttribute is { } withDelta)
        {
            Report(context, DiagnosticDescriptors.HuberDeltaUnused, AttributeLocations.NamedLocation(withDelta, "HuberDelta", ct), lossLocation, notHuber.ToString());
        }
        foreach (ActivationLayerDeclaration layer in layers)
        {
            if (layer.Activation == ActivationKind.LogSoftmax && layer != output)
            {
                Report(context, DiagnosticDescriptors.LogSoftmaxHidden, ActivationLocation(layer, ct), null, layer.Describe());
            }
            if (layer.Activation == ActivationKind.Softmax && layer != output)
            {
                Report(context, DiagnosticDescriptors.SoftmaxHidden, ActivationLocation(layer, ct), null, layer.Describe());
            }
            if (layer.Activation is ActivationKind.Step or ActivationKind.Sign && loss is { } l)
            {
                string below = layer.Number == 1 ? "the layer's weights" : $"layer {layer.Number} or the layers below it";
                Report(context, DiagnosticDescriptors.ZeroGradientActivation, ActivationLocation(layer, ct), lossLocation, layer.Describe(), layer.Activation.ToString()!, l.ToString(), below);
            }
        }
        if (output.Activation == ActivationKind.Softmax && outputWidth == 1)
        {
            Report(context, DiagnosticDescriptors.SoftmaxSingleOutput, ActivationLocation(output, ct), null, output.Describe());
        }
        if (loss is null || output.Activation is not { } activation)
        {
            return;
        }

        switch (loss.Value)
        {
            case LossKind.CrossEntropy or LossKind.KLDivergence when activation != ActivationKind.Softmax:
                Report(context, DiagnosticDescriptors.LossNeedsSoftmax, ActivationLocation(output, ct), lossLocation, loss.Value.ToString(), output.Describe(), activation.ToString(),
                    // A sigmoid output is a probability per output: binary cross-entropy is the loss made for it.
                    activation == ActivationKind.Sigmoid ? "BinaryCrossEntropy" : "MeanSquaredError");
                break;
            case LossKind.BinaryCrossEntropy when activation == ActivationKind.Softmax:
                Report(context, DiagnosticDescriptors.SoftmaxWithBce, ActivationLocation(output, ct), lossLocation, output.Describe());
                break;
            case LossKind.BinaryCrossEntropy when activation != ActivationKind.Sigmoid:
                Report(context, DiagnosticDescriptors.BceNeedsSigmoid, ActivationLocation(output, ct), lossLocation, output.Describe(), activation.ToString());
                break;
            case LossKind.BinaryCrossEntropy when outputWidth > 1:
                Report(context, DiagnosticDescriptors.BceSeveralOutputs,
                    output is DenseDeclaration ? AttributeLocations.ArgumentLocation(output.Attribute, 0, ct) : AttributeLocations.AttributeLocation(output.Attribute, ct), lossLocation,
                    output.Describe(), outputWidth.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case LossKind.NegativeLogLikelihood when activation != ActivationKind.LogSoftmax:
                Report(context, DiagnosticDescriptors.NllNeedsLogSoftmax, ActivationLocation(output, ct), lossLocation, output.Describe(), activation.ToString());
                break;
            case not (LossKind.NegativeLogLikelihood or LossKind.CrossEntropy or LossKind.KLDivergence) when activation == ActivationKind.LogSoftmax:
                Report(context, DiagnosticDescriptors.LogSoftmaxWithoutNll, ActivationLocation(output, ct), lossLocation, output.Describe(), loss.Value.ToString());
                break;
            case LossKind.Hinge when activation is ActivationKind.Sigmoid or ActivationKind.Softmax:
                Report(context, DiagnosticDescriptors.HingeAfterSquashing, ActivationLocation(output, ct), lossLocation, output.Describe(), activation.ToString());
                break;
        }
    }

    /// <summary>The activation argument, or the whole attribute when the activation is the Identity default.</summary>
    private static Location? ActivationLocation(ActivationLayerDeclaration layer, CancellationToken ct) =>
        layer.ActivationGiven ? AttributeLocations.ArgumentLocation(layer.Attribute, layer.ActivationParameter, ct) : AttributeLocations.AttributeLocation(layer.Attribute, ct);

    /// <summary>The width of the last layer: the last Dense's units (Dropout and BatchNorm keep the width), or null when unknown.</summary>
    private static int? OutputWidth(NetworkDeclaration network)
    {
        int? width = null;
        bool frames = false;
        foreach (LayerDeclaration item in network.Items)
        {
            frames |= item is InputDeclaration { Dimensions.Length: 1 };
            width = item switch
            {
                InputDeclaration i when width is null => i.Size,
                DenseDeclaration d => d.Units,
                RecurrentDeclaration r => r.Hidden,                                        // issue 10: h per step
                ConvolutionDeclaration { Rule: Conv1DRule } c when frames => c.Filters,    // issue 10b: the causal form's frame
                _ => width,
            };
        }
        return width;
    }

    private static void Report(SymbolAnalysisContext context, DiagnosticDescriptor descriptor, Location? location, Location[]? additional, params object[] arguments)
    {
        Location primary = location ?? context.Symbol.Locations.FirstOrDefault() ?? Location.None;
        context.ReportDiagnostic(Diagnostic.Create(descriptor, primary, additional ?? System.Array.Empty<Location>(), arguments));
    }
}
