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
/// <item>emit one source file per valid spec, and report the diagnostics as a separate output.</item>
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
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
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

        // 3b. Source for every network that can be generated.
        IncrementalValuesProvider<NetworkSpec> specs = parsed
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);
        context.RegisterSourceOutput(specs, static (spc, spec) =>
            spc.AddSource(spec.HintName, NetworkEmitter.Emit(spec)));
    }
}
