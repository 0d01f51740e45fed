using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Emit;
using NetGen.Generators.Model;
using NetGen.Generators.Parsing;

namespace NetGen.Generators;

/// <summary>
/// The NetGen source generator. Pipeline, one stage per line:
/// <list type="number">
/// <item>find classes carrying <c>[NetGen.Network]</c> (the compiler's attribute index, cheap);</item>
/// <item>parse their attributes into an equatable <see cref="ParseResult"/> (spec + diagnostics; no symbols kept);</item>
/// <item>emit one source file per valid spec, and report the diagnostics as a separate output;</item>
/// <item>for networks with <c>Weights = "…"</c>: read the additional files they name (only those), match each network to its
/// file, check the tensors (NG5xxx) and emit the network with its weights baked in.</item>
/// </list>
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetGenGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1–2. [Network] classes → ParseResult (plain values: caches when unrelated code changes).
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.NetworkAttributeName,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                transform: static (ctx, ct) => NetworkParser.Parse(ctx, ct))
            .WithTrackingName(TrackingNames.Parse);

        // 3a. Diagnostics, separately from the source, so that a diagnostic change does not re-emit code.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo info in list)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });

        // 3b. Source for every network that can be generated (networks with embedded weights: step 4).
        IncrementalValuesProvider<NetworkSpec> specs = parsed
            .Where(static result => result.Spec is not null && result.Weights is null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);
        context.RegisterSourceOutput(specs, static (spc, spec) =>
            spc.AddSource(spec.HintName, NetworkEmitter.Emit(spec)));

        // 4a. The file names that Weights arguments ask for (an equatable list: unchanged while the requests are).
        IncrementalValueProvider<EquatableArray<string>> requested = parsed
            .Where(static result => result.Spec is not null && result.Weights is not null)
            .Select(static (result, _) => result.Weights!.FileName)
            .Collect()
            .Select(static (names, _) => new EquatableArray<string>(System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Distinct(names, System.StringComparer.OrdinalIgnoreCase))))
            .WithTrackingName(TrackingNames.WeightRequests);

        // 4b. Only the additional files with a requested name are read and parsed; an unchanged file stays cached.
        IncrementalValueProvider<ImmutableArray<WeightFile>> weightFiles = context.AdditionalTextsProvider
            .Combine(requested)
            .Where(static pair => WeightsResolver.IsRequested(pair.Left.Path, pair.Right))
            .Select(static (pair, ct) => WeightFileParser.Parse(pair.Left.Path, pair.Left.GetText(ct)?.ToString(), ct))
            .WithTrackingName(TrackingNames.WeightFiles)
            .Collect();

        // 4c. Each network with Weights, matched to its file and checked (plain values again).
        IncrementalValuesProvider<EmbedResult> embedded = parsed
            .Where(static result => result.Spec is not null && result.Weights is not null)
            .Combine(weightFiles)
            .Select(static (pair, _) => WeightsResolver.Resolve(pair.Left.Spec!, pair.Left.Weights!, pair.Right))
            .WithTrackingName(TrackingNames.Embedded);
        context.RegisterSourceOutput(embedded.Select(static (result, _) => result.Diagnostics), static (spc, list) =>
        {
            foreach (DiagnosticInfo info in list)
            {
                spc.ReportDiagnostic(info.ToDiagnostic());
            }
        });

        // 4d. Source: with its weights when they check out; without them (plain network) when the file has errors, so that
        // the NG5xxx error is not buried under errors about missing members.
        IncrementalValuesProvider<(NetworkSpec Spec, EmbeddedWeights? Weights)> embeddedSpecs = embedded
            .Select(static (result, _) => (result.Spec, result.Weights))
            .WithTrackingName(TrackingNames.EmbeddedSpecs);
        context.RegisterSourceOutput(embeddedSpecs, static (spc, pair) =>
            spc.AddSource(pair.Spec.HintName, NetworkEmitter.Emit(pair.Spec, pair.Weights)));
    }
}
