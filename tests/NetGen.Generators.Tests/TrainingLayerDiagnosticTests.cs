using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Tests;

/// <summary>Diagnostics for the training layers ([Dropout], [BatchNorm]) and Dense's Init arguments, with their exact locations.</summary>
public class TrainingLayerDiagnosticTests
{
    private static (Diagnostic Diagnostic, string Spanned) Single(string source)
    {
        var (run, _, diagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(run.Results.SelectMany(r => r.GeneratedSources));
        Diagnostic d = Assert.Single(diagnostics);
        return (d, source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("-0.1")]
    [InlineData("1.5f")]
    public void NG1004_DropoutRateOutsideZeroToOne_PointsAtTheRate(string rate)
    {
        string source = $"using NetGen;\n[Network(Loss = Loss.MeanSquaredError)][Input(2)][Dense(4)][Dropout({rate})][Dense(1)]\npublic partial class Net;\n";
        var (d, spanned) = Single(source);
        Assert.Equal("NG1004", d.Id);
        Assert.Equal(rate, spanned);
        Assert.Contains("0 ≤ p < 1", d.GetMessage());
    }

    [Theory]
    [InlineData("Momentum = 1.5")]
    [InlineData("Epsilon = 0")]
    public void NG1004_BadBatchNormArgument_PointsAtTheAttribute(string argument)
    {
        string source = $"using NetGen;\n[Network(Loss = Loss.MeanSquaredError)][Input(2)][Dense(4)][BatchNorm({argument})][Dense(1)]\npublic partial class Net;\n";
        var (d, spanned) = Single(source);
        Assert.Equal("NG1004", d.Id);
        Assert.Equal($"BatchNorm({argument})", spanned);
    }

    [Fact]
    public void NG1004_BadInitScale_PointsAtTheAttribute()
    {
        const string source = "using NetGen;\n[Network][Input(2)][Dense(4, Init = WeightInit.Uniform, InitScale = -1f)]\npublic partial class Net;\n";
        var (d, spanned) = Single(source);
        Assert.Equal("NG1004", d.Id);
        Assert.Equal("Dense(4, Init = WeightInit.Uniform, InitScale = -1f)", spanned);
    }

    [Fact]
    public void TrainingLayersGenerateWithoutDiagnostics()
    {
        var (run, output, diagnostics) = GeneratorHarness.Run("""
            using NetGen;
            [Network(Loss = Loss.CrossEntropy)][Input(8)][Dropout(0.2)][Dense(16, Activation.ReLU, Init = WeightInit.HeNormal)]
            [BatchNorm(Activation.Tanh, Momentum = 0.05, Epsilon = 1e-4)][Dropout(0.5f)][Dense(3, Activation.Softmax)]
            public sealed partial class Deep;
            [Network][Input(3)][BatchNorm][Dense(2)][Dropout(0.1)]
            public sealed partial class InferenceOnly;
            """);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Equal(2, run.Results.Single().GeneratedSources.Length);
    }
}
