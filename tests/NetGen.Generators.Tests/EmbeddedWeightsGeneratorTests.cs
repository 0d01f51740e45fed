using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generators.Parsing;

namespace NetGen.Generators.Tests;

/// <summary>
/// [Network(Weights = "…")]: the build errors NG5001–NG5007 with their exact location (the Weights argument) and message
/// (file and tensor named), the generated source of an embedded network, caching, and the exact decimal → float32 conversion.
/// </summary>
public class EmbeddedWeightsGeneratorTests
{
    private const string Network = """
        using NetGen;
        namespace Demo;

        [Network(Weights = "models/tiny.weights.json")]
        [Input(3)]
        [Dense(2, Activation.ReLU)]
        [Dense(1)]
        public partial class Tiny;
        """;

    private const string SourcePath = "/proj/src/Tiny.cs";
    private const string WeightsPath = "/proj/src/models/tiny.weights.json";

    /// <summary>The weights of Tiny: 0.weight [2, 3], 0.bias [2], 2.weight [1, 2], 2.bias [1].</summary>
    private static string Weights(string? zeroWeight = null, string? zeroBias = null, string? twoWeight = null, string? extra = null) => $$"""
        {
          "format": "netgen-weights",
          "version": 1,
          "tensors": [
            {{zeroWeight ?? """{ "name": "0.weight", "dtype": "F32", "shape": [2, 3], "data": [0.5, -1, 2.25, 1e-3, -0, 0.1] }"""}},
            {{zeroBias ?? """{ "name": "0.bias", "dtype": "F32", "shape": [2], "data": [0.125, -0.375] }"""}},
            {{twoWeight ?? """{ "name": "2.weight", "dtype": "F32", "shape": [1, 2], "data": [3, -4] }"""}},
            { "name": "2.bias", "dtype": "F32", "shape": [1], "data": [1.5E-2] }{{extra}}
          ]
        }
        """;

    private sealed class Text(string path, string? content) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) =>
            content is null ? null : SourceText.From(content, Encoding.UTF8);
    }

    private static GeneratorDriver Driver(params AdditionalText[] files) =>
        CSharpGeneratorDriver.Create(
            [new NetGenGenerator().AsSourceGenerator()],
            additionalTexts: files,
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static CSharpCompilation Compile(string source) =>
        GeneratorHarness.Compile(source).RemoveAllSyntaxTrees()
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: SourcePath));

    private static (GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Run(string source, params AdditionalText[] files)
    {
        GeneratorDriver driver = Driver(files).RunGeneratorsAndUpdateCompilation(Compile(source), out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return (driver.GetRunResult(), output, diagnostics);
    }

    private static string Spanned(Diagnostic d, string source) => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);

    [Fact]
    public void ValidFile_EmbedsTheWeights_AndCompiles()
    {
        var (run, output, diagnostics) = Run(Network, new Text(WeightsPath, Weights()));
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string generated = Assert.Single(Assert.Single(run.Results).GeneratedSources).SourceText.ToString();
        Snapshot.Verify(generated, "Tiny.g");
    }

    [Theory]
    [InlineData("models/tiny.weights.json")]          // relative to the source file
    [InlineData("tiny.weights.json")]                 // any trailing part of the path
    [InlineData("src/models/tiny.weights.json")]
    [InlineData("./models/../models/tiny.weights.json")]
    [InlineData("/proj/src/models/tiny.weights.json")] // absolute
    public void WeightsPath_IsMatchedRelativeToTheSourceOrByItsEnd(string path)
    {
        var (run, _, diagnostics) = Run(Network.Replace("models/tiny.weights.json", path), new Text(WeightsPath, Weights()));
        Assert.Empty(diagnostics);
        Assert.Contains("EmbeddedParameters", Assert.Single(Assert.Single(run.Results).GeneratedSources).SourceText.ToString());
    }

    [Fact]
    public void NG5001_FileNotAnAdditionalFile_PointsAtTheWeightsArgument()
    {
        var (run, _, diagnostics) = Run(Network, new Text("/proj/src/models/other.weights.json", Weights()));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG5001", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("\"models/tiny.weights.json\"", Spanned(d, Network));
        Assert.Equal("Weight file 'models/tiny.weights.json' for 'Tiny' is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"models/tiny.weights.json\" /> to the project file", d.GetMessage(CultureInfo.InvariantCulture));
        // The network itself is still generated (without embedded members), so the error is not buried under others.
        string generated = Assert.Single(Assert.Single(run.Results).GeneratedSources).SourceText.ToString();
        Assert.DoesNotContain("EmbeddedParameters", generated);
    }

    [Fact]
    public void NG5002_AmbiguousName_ListsTheCandidates()
    {
        const string source = "using NetGen;\n[Network(Weights = \"tiny.weights.json\")][Input(3)][Dense(2, Activation.ReLU)][Dense(1)]\npublic partial class Tiny;\n";
        var (_, _, diagnostics) = Run(source, new Text("/proj/a/tiny.weights.json", Weights()), new Text("/proj/b/tiny.weights.json", Weights()));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG5002", d.Id);
        Assert.Equal("\"tiny.weights.json\"", Spanned(d, source));
        Assert.Equal("Weight file 'tiny.weights.json' matches several AdditionalFiles (/proj/a/tiny.weights.json, /proj/b/tiny.weights.json); write more of its path", d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("{ \"format\": \"netgen-weights\", \"version\": 1, \"tensors\": [ { \"name\": \"0.weight\", ", "line 1, column 80 (tensor '0.weight'): the file ends too early: expected a string")]
    [InlineData("[]", "line 1, column 1: a NetGen weight file is a JSON object that starts with {\"format\": \"netgen-weights\", …}")]
    [InlineData("{ \"format\": \"onnx\" }", "line 1, column 19: \"format\" must be \"netgen-weights\"")]
    [InlineData("{ \"format\": \"netgen-weights\", \"version\": 1 }", "line 1, column 45: the file has no \"tensors\" array")]
    public void NG5003_UnreadableFile_SaysWhereAndWhy(string text, string reason)
    {
        var (_, _, diagnostics) = Run(Network, new Text(WeightsPath, text));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG5003", d.Id);
        Assert.Equal("\"models/tiny.weights.json\"", Spanned(d, Network));
        Assert.Equal($"Weight file '{WeightsPath}' is not valid NetGen weight JSON: {reason}", d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("""{ "name": "0.bias", "dtype": "F32", "shape": [2], "data": [0.125] }""", "tensor '0.bias' has 1 values, but its shape [2] needs 2")]
    [InlineData("""{ "name": "0.bias", "dtype": "F32", "shape": [2], "data": [0.125, 1e39] }""", "value 1 (1e39) is outside the float32 range")]
    [InlineData("""{ "name": "0.bias", "dtype": "F32", "shape": [2], "data": [0.125, NaN] }""", "expected a number")]
    [InlineData("""{ "name": "0.bias", "dtype": "F32", "shape": [2], "data": [0.125, 01] }""", "expected ',' or ']' in an array")]
    public void NG5003_BadValues_NameTheTensor(string zeroBias, string reason)
    {
        var (_, _, diagnostics) = Run(Network, new Text(WeightsPath, Weights(zeroBias: zeroBias)));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG5003", d.Id);
        Assert.Contains("(tensor '0.bias'): " + reason, d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NG5004_MissingTensor_NamesFileTensorAndShape()
    {
        // The file names the second Linear "1.weight" (as if identity activations took no index): missing 2.weight, extra 1.weight.
        var (_, _, diagnostics) = Run(Network, new Text(WeightsPath, Weights(twoWeight: """{ "name": "1.weight", "dtype": "F32", "shape": [1, 2], "data": [3, -4] }""")));
        Assert.Equal(["NG5004", "NG5005"], diagnostics.Select(d => d.Id));
        Assert.All(diagnostics, d => Assert.Equal("\"models/tiny.weights.json\"", Spanned(d, Network)));
        Assert.Equal($"Weight file '{WeightsPath}' has no tensor '2.weight' [1, 2], which 'Tiny' needs", diagnostics[0].GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal($"Weight file '{WeightsPath}' has tensor '1.weight', which 'Tiny' does not have; its tensors are 0.weight [2, 3], 0.bias [2], 2.weight [1, 2], 2.bias [1]", diagnostics[1].GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NG5005_ExtraTensor()
    {
        var (_, _, diagnostics) = Run(Network, new Text(WeightsPath, Weights(extra: """, { "name": "4.weight", "dtype": "F32", "shape": [1], "data": [0] }""")));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG5005", d.Id);
        Assert.StartsWith($"Weight file '{WeightsPath}' has tensor '4.weight', which 'Tiny' does not have", d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NG5006_WrongShape_GivesBothShapes()
    {
        var (_, _, diagnostics) = Run(Network, new Text(WeightsPath, Weights(zeroWeight: """{ "name": "0.weight", "dtype": "F32", "shape": [3, 2], "data": [0.5, -1, 2.25, 1e-3, -0, 0.1] }""")));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG5006", d.Id);
        Assert.Equal("\"models/tiny.weights.json\"", Spanned(d, Network));
        Assert.Equal($"Tensor '0.weight' in weight file '{WeightsPath}' has shape [3, 2], but 'Tiny' needs [2, 3]", d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void NG5007_NotFloat32()
    {
        var (_, _, diagnostics) = Run(Network, new Text(WeightsPath, Weights(zeroBias: """{ "name": "0.bias", "dtype": "F16", "shape": [2], "data": [0.125, -0.375] }""")));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG5007", d.Id);
        Assert.Equal($"Tensor '0.bias' in weight file '{WeightsPath}' has dtype F16; NetGen networks hold float32, so the tensor must be F32", d.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void EmptyWeightsArgument_IsNG1004()
    {
        string source = Network.Replace("\"models/tiny.weights.json\"", "\"  \"");
        var (_, _, diagnostics) = Run(source, new Text(WeightsPath, Weights()));
        Diagnostic d = Assert.Single(diagnostics);
        Assert.Equal("NG1004", d.Id);
        Assert.Equal("\"  \"", Spanned(d, source));
    }

    [Fact]
    public void UnrelatedAdditionalFiles_AreNotRead()
    {
        // A file the generator cannot read (GetText returns null) is fine as long as no network asks for it.
        var (_, _, diagnostics) = Run(Network, new Text(WeightsPath, Weights()), new Text("/proj/appsettings.json", null));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Caching_EditingSourceOrUnrelatedFiles_DoesNotReparseWeights_EditingTheWeightsDoes()
    {
        var weights = new Text(WeightsPath, Weights());
        var unrelated = new Text("/proj/notes.txt", "hello");
        CSharpCompilation compilation = Compile(Network);
        GeneratorDriver driver = Driver(weights, unrelated).RunGenerators(compilation);

        // 1. A new, unrelated source file: the weight file is not parsed again and the network is not re-emitted.
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { }", GeneratorHarness.ParseOptions)));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.All(result.TrackedSteps[TrackingNames.WeightFiles].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(result.TrackedSteps[TrackingNames.EmbeddedSpecs].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        // 2. An unrelated additional file changes: still nothing re-parsed.
        driver = driver.ReplaceAdditionalText(unrelated, new Text("/proj/notes.txt", "changed"));
        driver = driver.RunGenerators(compilation);
        result = driver.GetRunResult().Results.Single();
        Assert.All(result.TrackedSteps[TrackingNames.WeightFiles].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

        // 3. The weights change: parsed again and re-emitted with the new values.
        driver = driver.ReplaceAdditionalText(weights, new Text(WeightsPath, Weights().Replace("[3, -4]", "[3, -5]")));
        driver = driver.RunGenerators(compilation);
        result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[TrackingNames.EmbeddedSpecs].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("// 3, -5", result.GeneratedSources.Single().SourceText.ToString());
    }

    public static TheoryData<string> Tokens()
    {
        var data = new TheoryData<string>
        {
            "0", "-0", "1", "0.1", "1e-45", "7e-46", "7.006492321624085e-46", "1.401298464324817e-45", "1.1754942e-38", "1.17549435e-38",
            "3.4028234663852886e38", "3.4028235e38", "3.40282356e38", "16777217", "16777219", "0.30000001192092896", "2.5e-1", "1E+2",
            "123456789012345678901234567890", "0.000000000000000000000000000000000000001", "9.999999e-39", "1.0000000000000000000000000001",
        };
        var random = new Random(12345);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 300; i++)
        {
            float value = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
            if (float.IsFinite(value))
            {
                // The shortest float and the widened double (Python's repr of a float32) print alike for integers: each once.
                foreach (string token in new[]
                {
                    value.ToString("R", CultureInfo.InvariantCulture),
                    ((double)value).ToString("R", CultureInfo.InvariantCulture),
                    value.ToString("E12", CultureInfo.InvariantCulture),
                })
                {
                    if (seen.Add(token))
                    {
                        data.Add(token);
                    }
                }
            }
        }
        return data;
    }

    /// <summary>The generator's exact conversion agrees with .NET's IEEE-correct float.Parse (which the runtime's WeightsJson uses).</summary>
    [Theory]
    [MemberData(nameof(Tokens))]
    public void DecimalFloat_RoundsLikeIeee(string token)
    {
        Assert.True(DecimalFloat.TryParse(token, out uint bits), token);
        float expected = float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.SingleToUInt32Bits(expected), bits);
    }

    [Theory]
    [InlineData("3.4028236e38")]
    [InlineData("1e39")]
    [InlineData("-1e100")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1e")]
    [InlineData("+1")]
    [InlineData("0x10")]
    public void DecimalFloat_RejectsOutOfRangeAndMalformed(string token) => Assert.False(DecimalFloat.TryParse(token, out _));
}
