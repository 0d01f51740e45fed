using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;

namespace NetGen.Generators.Diagnostics;

/// <summary>
/// NG2106: a pooling window or a convolution's stride that leaves the last input positions out. The layers are built as the
/// generator builds them (the generator drops this warning from its own report), so that the warning can be suppressed
/// with <c>#pragma warning disable NG2106</c> or <c>.editorconfig</c>, which generator diagnostics cannot.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShapeWarningAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.PositionsDropped);

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
        NetworkDeclaration network = NetworkDeclaration.Read(type, context.Compilation, context.CancellationToken);
        var diagnostics = new List<DiagnosticInfo>();
        if (NetworkParser.BuildLayers(network, null, context.CancellationToken, diagnostics, out _) is null)
        {
            return; // an error stops the build: that is what to fix first
        }
        foreach (DiagnosticInfo diagnostic in diagnostics)
        {
            if (diagnostic.Id == DiagnosticDescriptors.PositionsDropped.Id)
            {
                // A location in its syntax tree (not a file path and span), so that #pragma applies to it.
                SyntaxTree? tree = diagnostic.Location is { } where ? context.Compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == where.FilePath) : null;
                Location location = tree is not null ? Location.Create(tree, diagnostic.Location!.TextSpan) : type.Locations.FirstOrDefault() ?? Location.None;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.PositionsDropped, location, diagnostic.Arguments.Cast<object>().ToArray()));
            }
        }
    }
}
