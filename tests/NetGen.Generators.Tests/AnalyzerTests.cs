using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetGen.Generators.Tests;

/// <summary>The analyzers' diagnostics (NG3xxx fit, NG4xxx call sites): id, severity and exact span; suppression.</summary>
public class AnalyzerTests
{
    private static Diagnostic Expect(string marked, string id, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        DiagnosticTests.Expect(marked, id, severity, generates: true);

    private static string Net(string network, string layers) => $"using NetGen;\n[{network}][Input(4)]{layers}\npublic partial class Net;\n";

    [Theory]
    [InlineData("CrossEntropy", "[Dense(3, [|Activation.Sigmoid|])]", "Sigmoid", "BinaryCrossEntropy")]
    [InlineData("KLDivergence", "[Dense(8, Activation.ReLU)][Dense(3, [|Activation.ReLU|])]", "ReLU", "MeanSquaredError")]
    [InlineData("CrossEntropy", "[[|Dense(3)|]]", "Identity", "MeanSquaredError")]
    public void NG3001_CrossEntropyOrKLWithoutSoftmax_PointsAtTheOutputActivation(string loss, string layers, string activation, string suggested)
    {
        Diagnostic d = Expect(Net($"Network(Loss = Loss.{loss})", layers), "NG3001");
        Assert.StartsWith($"Loss {loss} compares probability distributions, but the output layer", d.GetMessage());
        Assert.Contains($"uses {activation}", d.GetMessage());
        // A sigmoid output is one probability per output: the loss to suggest is binary cross-entropy, not MSE.
        Assert.EndsWith($"or a loss that fits {activation} outputs such as {suggested}", d.GetMessage());
        Assert.Equal($"Loss = Loss.{loss}", d.AdditionalLocations.Single().SourceTree!.ToString().Substring(d.AdditionalLocations[0].SourceSpan.Start, d.AdditionalLocations[0].SourceSpan.Length));
    }

    [Theory]
    [InlineData("[Dense(1, [|Activation.Tanh|])]")]
    [InlineData("[[|Dense(1)|]]")]
    public void NG3002_BinaryCrossEntropyWithoutSigmoid_PointsAtTheOutputActivation(string layers) =>
        Expect(Net("Network(Loss = Loss.BinaryCrossEntropy)", layers), "NG3002");

    [Fact]
    public void NG3003_BinaryCrossEntropyWithSeveralOutputs_IsAWarningAtTheWidth()
    {
        Diagnostic d = Expect(Net("Network(Loss = Loss.BinaryCrossEntropy)", "[Dense([|3|], Activation.Sigmoid)]"), "NG3003", DiagnosticSeverity.Warning);
        Assert.Contains("has 3 outputs", d.GetMessage());
    }

    [Fact]
    public void NG3004_SoftmaxWithBinaryCrossEntropy_PointsAtTheSoftmax() =>
        Expect(Net("Network(Loss = Loss.BinaryCrossEntropy)", "[Dense(2, [|Activation.Softmax|])]"), "NG3004");

    [Theory]
    [InlineData("Sigmoid")]
    [InlineData("Softmax")]
    public void NG3005_HingeAfterSquashing_IsAWarning(string activation) =>
        Expect(Net("Network(Loss = Loss.Hinge)", $"[Dense(2, [|Activation.{activation}|])]"), "NG3005", DiagnosticSeverity.Warning);

    [Fact]
    public void NG3006_SoftmaxInAHiddenLayer_IsAWarning()
    {
        Diagnostic d = Expect(Net("Network", "[Dense(5, [|Activation.Softmax|])][Dense(2)]"), "NG3006", DiagnosticSeverity.Warning);
        Assert.StartsWith("Hidden layer 1 (Dense 5) uses Softmax", d.GetMessage());
    }

    [Fact]
    public void NG3007_StepInATrainedNetwork_IsAWarning()
    {
        Diagnostic d = Expect(Net("Network(Loss = Loss.MeanSquaredError)", "[Dense(3, [|Activation.Step|])][Dense(1)]"), "NG3007", DiagnosticSeverity.Warning);
        Assert.StartsWith("Layer 1 (Dense 3) uses Step, whose gradient is zero everywhere, but the network has Loss MeanSquaredError", d.GetMessage());
    }

    [Fact]
    public void NG3007_SignWithoutALoss_IsFine()
    {
        FullRun run = GeneratorHarness.RunAll(Net("Network", "[Dense(3, Activation.Step)][Dense(1, Activation.Sign)]"));
        Assert.Empty(run.All);
    }

    [Fact]
    public void NG3008_SoftmaxOverOneOutput_IsAWarning() =>
        Expect(Net("Network", "[Dense(1, [|Activation.Softmax|])]"), "NG3008", DiagnosticSeverity.Warning);

    [Fact]
    public void TrainingLayers_DropoutIsSeenThrough_BatchNormActivationCounts()
    {
        FullRun fine = GeneratorHarness.RunAll(Net("Network(Loss = Loss.CrossEntropy)", "[Dense(8, Activation.ReLU)][Dropout(0.5)][Dense(3, Activation.Softmax)][Dropout(0.1)]"));
        Assert.Empty(fine.All);
        Diagnostic d = Expect(Net("Network(Loss = Loss.MeanSquaredError)", "[Dense(8)][BatchNorm([|Activation.Sign|])][Dense(1)]"), "NG3007", DiagnosticSeverity.Warning);
        Assert.StartsWith("Layer 2 (BatchNorm) uses Sign", d.GetMessage());
        Expect(Net("Network(Loss = Loss.BinaryCrossEntropy)", "[Dense(1)][[|BatchNorm|]]"), "NG3002");
        Expect(Net("Network(Loss = Loss.BinaryCrossEntropy)", "[Dense(3)][[|BatchNorm(Activation.Sigmoid)|]][Dropout(0.2)]"), "NG3003", DiagnosticSeverity.Warning);
    }

    [Fact]
    public void NG2005_DropoutBeforeInput() =>
        DiagnosticTests.Expect("using NetGen;\n[Network][Dropout(0.5)][[|Input(2)|]][Dense(1)]\npublic partial class Net;\n", "NG2005");

    [Fact]
    public void FittingLossesAndOutputs_ProduceNoDiagnostics()
    {
        FullRun run = GeneratorHarness.RunAll("""
            using NetGen;
            [Network(Loss = Loss.CrossEntropy)][Input(4)][Dense(3, Activation.Softmax)] public partial class A;
            [Network(Loss = Loss.KLDivergence)][Input(4)][Dense(3, Activation.Softmax)] public partial class B;
            [Network(Loss = Loss.BinaryCrossEntropy)][Input(4)][Dense(1, Activation.Sigmoid)] public partial class C;
            [Network(Loss = Loss.Hinge)][Input(4)][Dense(2, Activation.Tanh)] public partial class D;
            [Network(Loss = Loss.MeanSquaredError)][Input(4)][Dense(2, Activation.Sigmoid)] public partial class E;
            [Network(Loss = Loss.MeanAbsoluteError)][Input(4)][Dense(2, Activation.Softmax)] public partial class F;
            [Network][Input(4)][Dense(3, Activation.Softmax)] public partial class G;
            """);
        Assert.Empty(run.All);
    }

    // ── NG4001: call sites ────────────────────────────────────────────────────────────────────────────

    private const string XorNet = """
        using System;
        using NetGen;
        [Network(Loss = Loss.BinaryCrossEntropy)][Input(2)][Dense(4, Activation.Tanh)][Dense(1, Activation.Sigmoid)]
        public sealed partial class XorNet;
        public static class Caller
        {
            public static void Run(XorNet net, float[] any)
            {
                BODY
            }
        }
        """;

    private static string Call(string body) => XorNet.Replace("BODY", body);

    [Theory]
    [InlineData("net.Forward([|new float[3]|], new float[1]);", "'input' of XorNet.Forward needs InputSize = 2 values, but this argument has 3")]
    [InlineData("net.Forward(any, [|new float[] { 1, 2 }|]);", "'output' of XorNet.Forward needs OutputSize = 1 values, but this argument has 2")]
    [InlineData("net.Forward([|new[] { 1f, 2f, 3f }|], new float[1]);", "'input' of XorNet.Forward needs InputSize = 2 values, but this argument has 3")]
    [InlineData("net.Forward(any, [|stackalloc float[4]|]);", "'output' of XorNet.Forward needs OutputSize = 1 values, but this argument has 4")]
    [InlineData("net.Forward([|stackalloc float[] { 1, 2, 3 }|], stackalloc float[1]);", "'input' of XorNet.Forward needs InputSize = 2 values, but this argument has 3")]
    [InlineData("net.Forward(any, [|stackalloc[] { 1f, 2f }|]);", "'output' of XorNet.Forward needs OutputSize = 1 values, but this argument has 2")]
    [InlineData("net.Backward([|[1f]|], [1f]);", "'input' of XorNet.Backward needs InputSize = 2 values, but this argument has 1")]
    [InlineData("net.Backward([0f, 1f], [|[]|]);", "'target' of XorNet.Backward needs OutputSize = 1 values, but this argument has 0")]
    [InlineData("const int n = 5; net.Forward([|new float[n]|], new float[XorNet.OutputSize]);", "this argument has 5")]
    [InlineData("float[] x = new float[3]; net.Forward([|x|], new float[1]);", "this argument has 3")]
    [InlineData("Span<float> y = stackalloc float[2]; net.Forward(any, [|y|]);", "this argument has 2")]
    [InlineData("ReadOnlySpan<float> t = [1f, 0f]; net.Backward(any, [|t|]);", "this argument has 2")]
    [InlineData("net.Backward(target: [|new float[2]|], input: any);", "'target' of XorNet.Backward")]
    [InlineData("net.Forward([|(ReadOnlySpan<float>)new float[3]|], new float[1]);", "this argument has 3")]
    [InlineData("net.ForwardBatch([|new float[6]|], new float[4], 4);", "'inputs' of XorNet.ForwardBatch needs InputSize × batchSize (2 × 4) = 8 values, but this argument has 6")]
    [InlineData("net.ForwardBatch(new float[8], [|new float[3]|], 4);", "'outputs' of XorNet.ForwardBatch needs OutputSize × batchSize (1 × 4) = 4 values, but this argument has 3")]
    [InlineData("int n = any.Length; net.ForwardBatch([|new float[5]|], any, n);", "'inputs' of XorNet.ForwardBatch needs a multiple of InputSize = 2 values, but this argument has 5")]
    [InlineData("net.BackwardBatch(new float[4], [|[1f, 0f, 1f]|], 2);", "'targets' of XorNet.BackwardBatch needs OutputSize × batchSize (1 × 2) = 2 values")]
    [InlineData("net.BackwardBatch(new float[4], [1f, 0f], 2, [|new float[3]|]);", "'losses' of XorNet.BackwardBatch needs batchSize = 2 values, but this argument has 3")]
    [InlineData("net.TrainStepBatch([|stackalloc float[7]|], any, any.Length, 0.1f);", "needs a multiple of InputSize = 2 values, but this argument has 7")]
    public void NG4001_KnownWrongLength_PointsAtTheArgument(string body, string message)
    {
        Diagnostic d = Expect(Call(body), "NG4001");
        Assert.Contains(message, d.GetMessage());
    }

    [Theory]
    [InlineData("net.Forward(new float[2], new float[1]);")]
    [InlineData("net.Forward(new float[XorNet.InputSize], stackalloc float[XorNet.OutputSize]);")]
    [InlineData("net.Backward([0f, 1f], [1f]);")]
    [InlineData("float[] x = new float[3]; x = new float[2]; net.Forward(x, new float[1]);")]
    [InlineData("float[] x = new float[3]; Resize(ref x); net.Forward(x, new float[1]); static void Resize(ref float[] a) => a = new float[2];")]
    [InlineData("float[] x = new float[3]; net.Forward(x.AsSpan(0, 2), new float[1]);")]
    [InlineData("net.Forward(any, any);")]
    [InlineData("float[] extra = [1f]; net.Forward([0f, .. extra], new float[1]);")]
    [InlineData("INetwork i = net; i.Forward(new float[2], new float[1]);")]
    [InlineData("net.ForwardBatch(new float[8], new float[4], 4);")]
    [InlineData("net.ForwardBatch(new float[6], any, any.Length);")]
    [InlineData("net.BackwardBatch(new float[4], [1f, 0f], 2);")]
    [InlineData("net.BackwardBatch(new float[4], [1f, 0f], 2, new float[2]);")]
    [InlineData("net.TrainStepBatch(new float[8], new float[4], 4, 0.1f, default);")]
    [InlineData("net.ForwardBatch(any, any, 3);")]
    public void NG4001_UnknownOrRightLength_IsNotReported(string body)
    {
        FullRun run = GeneratorHarness.RunAll(Call(body));
        Assert.Empty(run.AnalyzerExceptions);
        Assert.DoesNotContain(run.All, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Fact]
    public void NG4001_AnyGeneratedEntryPointFollowingTheConvention()
    {
        // A method of the network class with span parameters named input/output is checked like Forward.
        Diagnostic d = Expect("""
            using System;
            using NetGen;
            [Network][Input(3)][Dense(2)]
            public partial class Net
            {
                public void Predict(ReadOnlySpan<float> input, Span<float> output) => Forward(input, output);
                public void Use() => Predict(new float[3], [|new float[3]|]);
            }
            """, "NG4001");
        Assert.Contains("'output' of Net.Predict needs OutputSize = 2 values", d.GetMessage());
    }

    // ── Suppression ───────────────────────────────────────────────────────────────────────────────────

    private const string StepWithLoss = "using NetGen;\n[Network(Loss = Loss.MeanSquaredError)]\n[Input(2)]\nWARNING_LINE\n[Dense(1)]\npublic partial class Net;\n";

    [Fact]
    public void Warnings_AreSuppressedByPragma()
    {
        FullRun run = GeneratorHarness.RunAll(StepWithLoss.Replace("WARNING_LINE", "#pragma warning disable NG3007\n[Dense(3, Activation.Step)]\n#pragma warning restore NG3007"));
        Assert.Empty(run.All);
        FullRun unsuppressed = GeneratorHarness.RunAll(StepWithLoss.Replace("WARNING_LINE", "[Dense(3, Activation.Step)]"));
        Assert.Equal("NG3007", Assert.Single(unsuppressed.All).Id);
    }

    [Theory]
    [InlineData("none", 0)]
    [InlineData("suggestion", 1)]
    [InlineData("error", 1)]
    public void Warnings_FollowEditorConfig(string severity, int expected)
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(StepWithLoss.Replace("WARNING_LINE", "[Dense(3, Activation.Step)]"));
        string path = compilation.SyntaxTrees.Single().FilePath;
        var config = AnalyzerConfig.Parse($"root = true\n[*.cs]\ndotnet_diagnostic.NG3007.severity = {severity}\n", "/.editorconfig");
        AnalyzerConfigOptionsResult result = AnalyzerConfigSet.Create(ImmutableArray.Create(config)).GetOptionsForSourcePath("/" + path);
        compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(new EditorConfigTreeOptions(result.TreeOptions)));

        List<Diagnostic> ng = GeneratorHarness.RunAll(compilation).All.Where(d => d.Id == "NG3007").ToList();
        Assert.Equal(expected, ng.Count);
        if (severity == "error")
        {
            Assert.Equal(DiagnosticSeverity.Error, ng[0].Severity);
        }
    }

    /// <summary>Applies one .editorconfig section's severities to every tree, as the compiler does for a real .editorconfig.</summary>
    private sealed class EditorConfigTreeOptions(ImmutableDictionary<string, ReportDiagnostic> options) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            options.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }

    // ── Valid networks ────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void ExampleAndFixtureNetworks_ProduceNoDiagnosticsAtAll()
    {
        string xor = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "Xor", "Program.cs"));
        FullRun example = GeneratorHarness.RunAll(GeneratorHarness.Compile(OutputKind.ConsoleApplication, xor));
        Assert.Empty(example.All);

        string fixtures = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "NetGen.Tests", "FixtureNetworks.cs"));
        FullRun run = GeneratorHarness.RunAll(fixtures);
        Assert.Empty(run.All);
        int declared = System.Text.RegularExpressions.Regex.Matches(fixtures, @"^\[Network\b", System.Text.RegularExpressions.RegexOptions.Multiline).Count;
        Assert.True(declared >= 18, $"the regex found {declared} [Network] declarations in FixtureNetworks.cs");
        Assert.Equal(declared, run.Run.Results.Single().GeneratedSources.Length);
    }

    [Fact]
    public void EveryExampleProject_HasNoNetGenDiagnostics()
    {
        foreach (string project in Directory.GetDirectories(Path.Combine(RepoPaths.Root, "examples")))
        {
            string[] sources = Directory.GetFiles(project, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .Select(File.ReadAllText).ToArray();
            FullRun run = GeneratorHarness.RunAll(GeneratorHarness.Compile(OutputKind.ConsoleApplication, sources));
            Assert.Empty(run.AnalyzerExceptions);
            // Weight files (NG5xxx) come from AdditionalFiles, which this harness does not pass.
            Assert.DoesNotContain(run.NetGen, d => !d.Id.StartsWith("NG5", StringComparison.Ordinal));
        }
    }
}
