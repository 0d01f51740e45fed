using Microsoft.CodeAnalysis;
using static NetGen.Generators.Tests.DiagnosticTests;

namespace NetGen.Generators.Tests;

/// <summary>Issue 13's [Normalization] rules: message, severity and exact location of NG1201 and NG1202.</summary>
public class NormalizationDiagnosticTests
{
    private static string Net(string attributes) => $"using NetGen;\n{attributes}\npublic partial class Net;\n";

    [Theory]
    [InlineData("[Network][Input(4)][Dense(8)][[|Normalization|]][Dense(1)]",
        "Normalization layer 2 must be the first layer, right after [Input], but follows layer 1; move it up so that it standardises the raw input")]
    [InlineData("[Network][Input(4)][Normalization][Dense(8)][Dropout(0.5)][[|Normalization(Name = \"again\")|]][Dense(1)]",
        "Normalization layer 4 must be the first layer, right after [Input], but follows layers 1–3; move it up so that it standardises the raw input")]
    public void NG1201_NormalizationAfterALayer_PointsAtTheAttribute(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG1201").GetMessage());

    [Theory]
    [InlineData("[Network][Input(3, 8, 8)][[|Normalization|]][Flatten][Dense(1)]",
        "Normalization layer 1 standardises each feature of a vector [Input(n)], but the input is an image of 3×8×8; normalise images or signals per channel before they reach the network")]
    [InlineData("[Network][Input(2, 16)][[|Normalization|]][Flatten][Dense(1)]",
        "Normalization layer 1 standardises each feature of a vector [Input(n)], but the input is a signal of 2×16; normalise images or signals per channel before they reach the network")]
    public void NG1202_NormalizationOnAnImageOrSignal_PointsAtTheAttribute(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG1202").GetMessage());

    [Fact]
    public void NG1004_NormalizationTakesNoArguments_PointsAtTheAttribute()
    {
        Diagnostic d = Expect(Net("[Network][Input(4)][[|Normalization(3)|]][Dense(1)]"), "NG1004");
        Assert.Contains("it takes no arguments (Adapt measures the mean and variance): write [Normalization]", d.GetMessage());
    }

    [Fact]
    public void NormalizationFirst_OnAVector_GeneratesWithoutDiagnostics()
    {
        FullRun run = GeneratorHarness.RunAll(Net("[Network(Loss = Loss.MeanSquaredError)][Input(4)][Normalization(Name = \"scale\")][Dense(8, Activation.Tanh)][Dense(1)]"));
        Assert.Empty(run.NetGen);
        Assert.Empty(run.Compiler.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void NormalizationInAStreamingNetwork_IsNG2204() =>
        Expect(Net("[Network][Input(4)][[|Normalization|]][GRU(8)][Dense(1)]"), "NG2204");
}
