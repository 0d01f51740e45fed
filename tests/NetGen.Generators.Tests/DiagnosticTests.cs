using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generators.Tests;

/// <summary>Each generator diagnostic: its id and the exact source text it points at.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(string source)
    {
        var (run, _, diagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(run.Results.SelectMany(r => r.GeneratedSources));
        return Assert.Single(diagnostics);
    }

    private static string Spanned(Diagnostic diagnostic, string source) =>
        source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);

    [Fact]
    public void NG1001_NotPartial_PointsAtTheClassName()
    {
        const string source = "using NetGen;\n[Network][Input(2)][Dense(1)]\npublic class Plain { }\n";
        Diagnostic d = Single(source);
        Assert.Equal("NG1001", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("Plain", Spanned(d, source));
        Assert.Contains("partial class Plain", d.GetMessage());
    }

    [Fact]
    public void NG2001_MissingInput_PointsAtTheClassName()
    {
        const string source = "using NetGen;\n[Network][Dense(1)]\npublic partial class NoInput;\n";
        Diagnostic d = Single(source);
        Assert.Equal("NG2001", d.Id);
        Assert.Equal("NoInput", Spanned(d, source));
    }

    [Fact]
    public void NG2002_NoLayers_PointsAtTheClassName()
    {
        const string source = "using NetGen;\n[Network][Input(3)]\npublic partial class Empty;\n";
        Diagnostic d = Single(source);
        Assert.Equal("NG2002", d.Id);
        Assert.Equal("Empty", Spanned(d, source));
    }

    [Theory]
    [InlineData("[Input(0)][Dense(1)]", "0", "[Input] has size 0")]
    [InlineData("[Input(2)][Dense(-3)]", "-3", "Dense layer 1 has size -3")]
    [InlineData("[Input(2)][Dense(4)][Dense(0, Activation.ReLU)]", "0", "Dense layer 2 has size 0")]
    public void NG2003_SizeNotPositive_PointsAtTheSizeArgument(string attributes, string spanned, string message)
    {
        string source = $"using NetGen;\n[Network]{attributes}\npublic partial class Bad;\n";
        Diagnostic d = Single(source);
        Assert.Equal("NG2003", d.Id);
        Assert.Equal(spanned, Spanned(d, source));
        Assert.StartsWith(message, d.GetMessage());
    }

    [Fact]
    public void ValidNetworks_ProduceNoDiagnostics()
    {
        var (run, output, diagnostics) = GeneratorHarness.Run("""
            using NetGen;
            [Network(Loss = Loss.BinaryCrossEntropy)][Input(2)][Dense(4, Activation.Tanh)][Dense(1, Activation.Sigmoid)]
            public sealed partial class XorNet;
            [Network][Input(2)][Dense(1, Activation.Sign)]
            public partial class Neuron;
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics());
        Assert.Equal(2, run.Results.Single().GeneratedSources.Length);
    }

    [Fact]
    public void Catalogue_EveryDescriptorHasAHelpLinkAndAReleaseEntry()
    {
        string releases = File.ReadAllText(Path.Combine(RepoPaths.Generators, "AnalyzerReleases.Unshipped.md"));
        foreach (DiagnosticDescriptor descriptor in Diagnostics.DiagnosticDescriptors.All)
        {
            Assert.Matches("^NG[1-9][0-9]{3}$", descriptor.Id);
            Assert.EndsWith(descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.Contains(descriptor.Id + " |", releases);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        }
    }
}
