using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generators.Tests;

/// <summary>Compiles source against the NetGen runtime and runs the generator (and later the analyzers) over it.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var refs = tpa.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        refs.Add(MetadataReference.CreateFromFile(typeof(NetGen.INetwork).Assembly.Location));
        return [.. refs];
    });

    /// <summary>Every analyzer shipped in the generator assembly.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = [new Diagnostics.NetworkAnalyzer(), new Diagnostics.SpanLengthAnalyzer(), new Diagnostics.ShapeWarningAnalyzer()];

    public static CSharpCompilation Compile(params string[] sources) => Compile(OutputKind.DynamicallyLinkedLibrary, sources);

    public static CSharpCompilation Compile(OutputKind kind, params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            s_references.Value,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new NetGenGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the run result and the compilation with the generated sources added.</summary>
    public static (GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics) Run(params string[] sources)
    {
        CSharpCompilation compilation = Compile(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (driver.GetRunResult(), output, diagnostics);
    }

    /// <summary>Runs the generator, then the analyzers over the generated compilation, as a build does.</summary>
    public static FullRun RunAll(params string[] sources) => RunAll(Compile(sources));

    public static FullRun RunAll(Compilation compilation, AnalyzerOptions? options = null)
    {
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        var exceptions = new List<Exception>();
        var withAnalyzers = output.WithAnalyzers(Analyzers, new CompilationWithAnalyzersOptions(
            options ?? new AnalyzerOptions([]), (ex, _, _) => { lock (exceptions) { exceptions.Add(ex); } },
            concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        // One pass binds everything once: compiler diagnostics (generated code included) and analyzer diagnostics.
        ImmutableArray<Diagnostic> all = withAnalyzers.GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        var analyzerIds = Analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id).Append("AD0001").ToHashSet();
        return new FullRun(driver.GetRunResult(), output, generatorDiagnostics,
            [.. all.Where(d => analyzerIds.Contains(d.Id))], [.. all.Where(d => !analyzerIds.Contains(d.Id))], exceptions);
    }
}

/// <summary>One build: generator output and diagnostics, analyzer and compiler diagnostics, and any exception an analyzer threw.</summary>
internal sealed record FullRun(GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Analyzer,
    ImmutableArray<Diagnostic> Compiler, List<Exception> AnalyzerExceptions)
{
    /// <summary>NG diagnostics from the generator and the analyzers together.</summary>
    public IEnumerable<Diagnostic> NetGen => Generator.Concat(Analyzer).Where(d => d.Id.StartsWith("NG", StringComparison.Ordinal));

    /// <summary>Everything a build would show: compiler (including generated code), generator and analyzer diagnostics.</summary>
    public IEnumerable<Diagnostic> All => Compiler.Concat(Generator).Concat(Analyzer);
}

/// <summary>Source text with the expected diagnostic span marked as <c>[|…|]</c>.</summary>
internal sealed record Marked(string Source, TextSpan Span)
{
    public static Marked Parse(string marked)
    {
        int start = marked.IndexOf("[|", StringComparison.Ordinal);
        int end = marked.IndexOf("|]", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "source needs one [|…|] marker");
        string source = marked.Remove(end, 2).Remove(start, 2);
        return new Marked(source, TextSpan.FromBounds(start, end - 2));
    }

    public string Text(Diagnostic diagnostic) => Source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
}
