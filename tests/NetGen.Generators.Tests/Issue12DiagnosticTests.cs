using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Tests;

/// <summary>
/// Issue 12's diagnostics with their exact locations: layer names (NG1101, NG1102, PReLU's nn.PReLU module name), LogSoftmax,
/// negative log-likelihood and Huber (NG3101–NG3104), and PReLU only on Dense layers.
/// </summary>
public class Issue12DiagnosticTests
{
    private static string Net(string network, string layers) => $"using NetGen;\n[{network}][Input(4)]{layers}\npublic partial class Net;\n";

    [Fact]
    public void NG1101_RepeatedName_PointsAtTheSecondName()
    {
        Diagnostic d = DiagnosticTests.Expect(Net("Network", "[Dense(8, Activation.ReLU, Name = \"fc\")][Dense(2, [|Name = \"fc\"|])]"), "NG1101");
        Assert.StartsWith("Layer 2", d.GetMessage());
        Assert.Contains("Name \"fc\", which layer 1", d.GetMessage());
    }

    [Fact]
    public void NG1101_ANameTakenByAPReLUModule_PointsAtTheName()
    {
        // fc1's slope is the module fc1_prelu (tensor fc1_prelu.weight): a layer named fc1_prelu would write the same tensor name.
        Diagnostic d = DiagnosticTests.Expect(Net("Network", "[Dense(8, Activation.PReLU, Name = \"fc1\")][Dense(2, [|Name = \"fc1_prelu\"|])]"), "NG1101");
        Assert.Contains("Name \"fc1_prelu\", which layer 1", d.GetMessage());
        d = DiagnosticTests.Expect(Net("Network", "[Dense(8, Name = \"fc1_prelu\")][Dense(2, Activation.PReLU, [|Name = \"fc1\"|])]"), "NG1101");
        Assert.Contains("nn.PReLU module has Name \"fc1_prelu\"", d.GetMessage());
    }

    [Theory]
    [InlineData("1fc", "[Dense(2, [|Name = \"1fc\"|])]")]
    [InlineData("fc 1", "[Dense(2, [|Name = \"fc 1\"|])]")]
    [InlineData("encoder.", "[Dense(2, [|Name = \"encoder.\"|])]")]
    public void NG1102_NameNotAStateDictKey_PointsAtTheName(string name, string layers)
    {
        Diagnostic d = DiagnosticTests.Expect(Net("Network", layers), "NG1102");
        Assert.Contains($"Name \"{name}\", which is not a module name PyTorch writes", d.GetMessage());
    }

    [Fact]
    public void DottedAndPReLUNames_AreValid() =>
        Assert.Empty(GeneratorHarness.RunAll(Net("Network", "[Dense(8, Activation.PReLU, Name = \"encoder.fc1\")][Dense(2, Name = \"head\")]")).NetGen);

    [Fact]
    public void NG3101_NllWithoutLogSoftmax_PointsAtTheOutputActivation()
    {
        Diagnostic d = DiagnosticTests.Expect(Net("Network(Loss = Loss.NegativeLogLikelihood)", "[Dense(3, [|Activation.Softmax|])]"), "NG3101", generates: true);
        Assert.Contains("uses Softmax", d.GetMessage());
    }

    [Fact]
    public void NG3102_LogSoftmaxHidden_PointsAtTheActivation() =>
        DiagnosticTests.Expect(Net("Network(Loss = Loss.NegativeLogLikelihood)", "[Dense(5, [|Activation.LogSoftmax|])][Dense(3, Activation.LogSoftmax)]"), "NG3102", DiagnosticSeverity.Warning, generates: true);

    [Fact]
    public void NG3103_LogSoftmaxWithAnotherLoss_PointsAtTheActivation()
    {
        Diagnostic d = DiagnosticTests.Expect(Net("Network(Loss = Loss.MeanSquaredError)", "[Dense(3, [|Activation.LogSoftmax|])]"), "NG3103", DiagnosticSeverity.Warning, generates: true);
        Assert.Contains("the loss is MeanSquaredError", d.GetMessage());
    }

    [Fact]
    public void NG3104_HuberDeltaWithoutHuber_PointsAtHuberDelta() =>
        DiagnosticTests.Expect(Net("Network(Loss = Loss.MeanSquaredError, [|HuberDelta = 0.5f|])", "[Dense(3)]"), "NG3104", DiagnosticSeverity.Warning, generates: true);

    [Theory]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(1, 6, 6)][Conv2D(2, 3, [|Activation.PReLU|])][Flatten][Dense(1)]")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(1, 6, 6)][Conv2D(2, 3, [|Activation.LogSoftmax|])][Flatten][Dense(1)]")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(4)][Dense(8)][BatchNorm([|Activation.PReLU|])][Dense(1)]")]
    public void PReLU_OnlyOnDenseLayers_TheActivationArgumentIsReported(string attributes)
    {
        Diagnostic d = DiagnosticTests.Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG1004");
        Assert.Contains("PReLU", d.GetMessage());
    }

    [Fact]
    public void PReLU_OnHiddenAndOutputDenseLayers_GeneratesWithoutDiagnostics()
    {
        FullRun run = GeneratorHarness.RunAll(Net("Network(Loss = Loss.MeanSquaredError)", "[Dense(8, Activation.PReLU)][Dropout(0.2)][Dense(2, Activation.PReLU)]"));
        Assert.Empty(run.NetGen);
        Assert.Empty(run.Compiler.Where(c => c.Severity == DiagnosticSeverity.Error));
        Assert.NotEmpty(run.Run.Results.Single().GeneratedSources);
    }
}
