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

    /// <summary>Runs generator and analyzers; asserts exactly one NG diagnostic, with <paramref name="id"/>, at the marked span.</summary>
    internal static Diagnostic Expect(string marked, string id, DiagnosticSeverity severity = DiagnosticSeverity.Error, bool generates = false)
    {
        Marked m = Marked.Parse(marked);
        FullRun run = GeneratorHarness.RunAll(m.Source);
        Assert.Empty(run.AnalyzerExceptions);
        Diagnostic d = Assert.Single(run.NetGen);
        Assert.Equal(id, d.Id);
        Assert.Equal(severity, d.Severity);
        Assert.Equal(m.Span, d.Location.SourceSpan);
        Assert.Equal("Source0.cs", d.Location.GetLineSpan().Path);
        Assert.Equal(generates, run.Run.Results.Single().GeneratedSources.Length > 0);
        return d;
    }

    [Fact]
    public void NG1002_Nested_PointsAtTheClassName()
    {
        Diagnostic d = Expect("using NetGen;\npublic partial class Outer\n{\n    [Network][Input(2)][Dense(1)]\n    public partial class [|Inner|];\n}\n", "NG1002");
        Assert.Contains("nested inside 'Outer'", d.GetMessage());
    }

    [Fact]
    public void NG1003_Generic_PointsAtTheClassName() =>
        Expect("using NetGen;\n[Network][Input(2)][Dense(1)]\npublic partial class [|Net|]<T>;\n", "NG1003");

    [Theory]
    [InlineData("[Network][Input(2)][Dense(4, [|(Activation)42|])]", "the activation is not a known Activation value")]
    [InlineData("[Network([|Loss = (Loss)9|])][Input(2)][Dense(1)]", "Loss is not a known Loss value")]
    [InlineData("[Network([|Reduction = (Reduction)2|])][Input(2)][Dense(1)]", "Reduction is not a known Reduction value")]
    [InlineData("[Network][Input(2)][Dense(4, Activation.LeakyReLU, [|NegativeSlope = float.NaN|])]", "NegativeSlope must be a finite float")]
    [InlineData("[Network][Input(2)][Dense(units: 4, activation: [|(Activation)(-1)|])]", "the activation is not a known Activation value")]
    public void NG1004_UnreadableArgument_PointsAtTheArgument(string attributes, string detail)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG1004");
        Assert.EndsWith(detail, d.GetMessage());
    }

    [Fact]
    public void NG1004_ArgumentOfTheWrongType_AlsoFailsToCompile()
    {
        Marked m = Marked.Parse("using NetGen;\n[Network][Input([|2.5|])][Dense(1)]\npublic partial class Net;\n");
        FullRun run = GeneratorHarness.RunAll(m.Source);
        Diagnostic d = Assert.Single(run.NetGen);
        Assert.Equal("NG1004", d.Id);
        Assert.Equal(m.Span, d.Location.SourceSpan);
        Assert.Contains(run.Compiler, c => c.Id == "CS1503");
    }

    [Theory]
    [InlineData("[Dense(8, Activation.Swish)]", "CS0117")]
    [InlineData("[Dense(8, Activation.ReLU)][Dense(Units, Activation.Sigmoid)]", "CS0103")]
    [InlineData("[Dense(8, activation: Activation.Swish, Init = WeightInit.Normal)]", "CS0117")]
    public void UnbindableArgument_LeavesTheCompilersErrorAlone(string layers, string compilerError)
    {
        // An activation that does not exist unbinds the whole attribute: NetGen used to add NG1004 "expected a constant int
        // unit count", blaming the unit count. The compiler's own error names the right argument; NetGen stays silent.
        FullRun run = GeneratorHarness.RunAll($"using NetGen;\n[Network][Input(2)]{layers}[Dense(1)]\npublic partial class Net;\n");
        Assert.Empty(run.NetGen);
        Assert.Contains(run.Compiler, c => c.Id == compilerError);
        Assert.Empty(run.Run.Results.Single().GeneratedSources);
    }

    [Theory]
    [InlineData("public int [|InputSize|] => 3;", "InputSize")]
    [InlineData("private float[] [|_parameters|] = [];", "_parameters")]
    [InlineData("public void [|Forward|](System.ReadOnlySpan<float> x, System.Span<float> y) { }", "Forward")]
    [InlineData("public [|Net|](int size) { }", "Net(int)")]
    [InlineData("public class [|Parameters|] { }", "Parameters")]
    [InlineData("int INetwork.[|OutputSize|] => 1;", "INetwork.OutputSize")]
    [InlineData("private readonly float[] [|_workspace|] = new float[1];", "_workspace")]
    [InlineData("private void [|RecordForward|]() { }", "RecordForward")]
    [InlineData("public static float [|Backward|] = 0;", "Backward")]
    public void NG1005_DeclaresAGeneratedMember_PointsAtTheMember(string member, string name)
    {
        Diagnostic d = Expect($"using NetGen;\n[Network(Loss = Loss.MeanSquaredError)][Input(2)][Dense(3, Activation.Tanh)][Dense(1)]\npublic partial class Net : INetwork\n{{\n    {member}\n}}\n", "NG1005");
        Assert.StartsWith($"'Net' already declares '{name}', which NetGen generates", d.GetMessage());
    }

    [Fact]
    public void NG1005_DeclaredInAnotherPart_PointsAtThatMember()
    {
        Marked m = Marked.Parse("public partial class Net\n{\n    public static int [|OutputSize|] = 1;\n}\n");
        FullRun run = GeneratorHarness.RunAll("using NetGen;\n[Network][Input(2)][Dense(1)]\npublic partial class Net;\n", m.Source);
        Diagnostic d = Assert.Single(run.NetGen);
        Assert.Equal("NG1005", d.Id);
        Assert.Equal("Source1.cs", d.Location.GetLineSpan().Path);
        Assert.Equal(m.Span, d.Location.SourceSpan);
    }

    [Fact]
    public void NG1005_OverloadsAndInferenceOnlyNames_AreFine()
    {
        FullRun run = GeneratorHarness.RunAll("""
            using System;
            using NetGen;
            [Network][Input(2)][Dense(1)]
            public partial class Net
            {
                public void Forward(float[] input, float[] output) => Forward(input.AsSpan(), output.AsSpan());
                public Net(string name) : this(0) { }
                public float Backward(int x) => x;
                public int _z1;
            }
            """);
        Assert.Empty(run.All);
        Assert.Single(run.Run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void NG1006_InheritsAGeneratedMember_PointsAtTheBaseType()
    {
        Diagnostic d = Expect("using NetGen;\npublic class Base { public int Parameters => 0; }\n[Network][Input(2)][Dense(1)]\npublic partial class Net : [|Base|];\n", "NG1006");
        Assert.StartsWith("'Net' inherits 'Parameters' from 'Base'", d.GetMessage());
    }

    [Fact]
    public void NG1007_ClassNamedLikeAGeneratedMember_PointsAtTheClassName()
    {
        Diagnostic d = Expect("using NetGen;\n[Network][Input(2)][Dense(1)]\npublic partial class [|Forward|];\n", "NG1007");
        Assert.Contains("the forward pass", d.GetMessage());
    }

    [Fact]
    public void NG1008_LayersOnSeveralDeclarations_PointsAtTheStrayLayer()
    {
        Marked m = Marked.Parse("using NetGen;\n[[|Dense(1, Activation.Sigmoid)|]]\npublic partial class Net;\n");
        FullRun run = GeneratorHarness.RunAll("using NetGen;\n[Network][Input(2)][Dense(4)]\npublic partial class Net;\n", m.Source);
        Diagnostic d = Assert.Single(run.NetGen);
        Assert.Equal("NG1008", d.Id);
        Assert.Equal("Source1.cs", d.Location.GetLineSpan().Path);
        Assert.Equal(m.Span, d.Location.SourceSpan);
        Assert.StartsWith("[Dense(1, Activation.Sigmoid)] is on a different declaration of 'Net' than [Input(2)]", d.GetMessage());
    }

    [Fact]
    public void NG1008_NetworkAndLayersOnDifferentParts_IsFine()
    {
        FullRun run = GeneratorHarness.RunAll("using NetGen;\n[Network]\npublic partial class Net;\n", "using NetGen;\n[Input(2)][Dense(1)]\npublic partial class Net;\n");
        Assert.Empty(run.All);
        Assert.Single(run.Run.Results.Single().GeneratedSources);
    }

    [Theory]
    [InlineData("public static partial class [|Net|];", "static")]
    [InlineData("public partial record [|Net|];", "a record")]
    [InlineData("file partial class [|Net|];", "file-local")]
    public void NG1009_UnsupportedKindOfClass_PointsAtTheClassName(string declaration, string kind)
    {
        Diagnostic d = Expect($"using NetGen;\n[Network][Input(2)][Dense(1)]\n{declaration}\n", "NG1009");
        Assert.StartsWith($"'Net' is {kind};", d.GetMessage());
    }

    [Fact]
    public void NG2004_TooManyParameters_PointsAtTheLayerSize()
    {
        Diagnostic d = Expect("using NetGen;\n[Network][Input(100000)][Dense([|2000|])]\npublic partial class Net;\n", "NG2004");
        Assert.StartsWith("Dense layer 1 is too large: the network would have more than 100,000,000 parameters", d.GetMessage());
    }

    [Fact]
    public void NG2004_TooWideForTheStack_PointsAtTheLayerSize() =>
        Expect("using NetGen;\n[Network][Input(2)][Dense(30000)][Dense([|3000|])]\npublic partial class Net;\n", "NG2004");

    [Fact]
    public void NG2005_InputAfterALayer_PointsAtTheInput()
    {
        Diagnostic d = Expect("using NetGen;\n[Network][Dense(4)][[|Input(2)|]][Dense(1)]\npublic partial class Net;\n", "NG2005");
        Assert.StartsWith("[Input(2)] comes after [Dense(4)]", d.GetMessage());
    }

    [Fact]
    public void NG2006_SecondInput_PointsAtTheSecondInput()
    {
        Diagnostic d = Expect("using NetGen;\n[Network][Input(2)][[|Input(3)|]][Dense(1)]\npublic partial class Net;\n", "NG2006");
        Assert.StartsWith("'Net' already has [Input(2)]", d.GetMessage());
    }

    [Fact]
    public void SeveralProblems_AreAllReported()
    {
        FullRun run = GeneratorHarness.RunAll("using NetGen;\n[Network][Input(0)][Dense(-1)][Dense(4, (Activation)99)]\npublic partial class Net { public int InputSize; }\n");
        Assert.Equal(["NG1004", "NG1005", "NG2003", "NG2003"], run.NetGen.Select(d => d.Id).Order());
    }

    [Fact]
    public void KeywordNames_AreEscapedInTheGeneratedCode()
    {
        FullRun run = GeneratorHarness.RunAll("using NetGen;\nnamespace @event.@class;\n[Network][Input(2)][Dense(1)]\npublic partial class @float;\n");
        Assert.Empty(run.All);
        Assert.Single(run.Run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void NG1010_NetworkOnTwoParts_PointsAtTheSecondAndNeverCrashes()
    {
        Marked m = Marked.Parse("using NetGen;\n[[|Network|]]\npublic partial class Net;\n");
        FullRun run = GeneratorHarness.RunAll("using NetGen;\n[Network][Input(2)][Dense(1)]\npublic partial class Net;\n", m.Source);
        Assert.DoesNotContain(run.Generator, d => d.Id == "CS8785");
        Diagnostic d = Assert.Single(run.NetGen);
        Assert.Equal("NG1010", d.Id);
        Assert.Equal("Source1.cs", d.Location.GetLineSpan().Path);
        Assert.Equal(m.Span, d.Location.SourceSpan);
        Assert.Equal("'Net' already has [Network] on line 2 of Source0.cs; a class is one network, so keep a single [Network] attribute", d.GetMessage());
        Assert.Empty(run.Run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void NG1010_NetworkTwiceOnOneDeclaration() =>
        Expect("using NetGen;\n[Network][Input(2)][[|Network(Loss = Loss.Hinge)|]][Dense(1)]\npublic partial class Net;\n", "NG1010");

    [Fact]
    public void NG1004_UnboundNamedArgument_PointsAtIt()
    {
        Marked m = Marked.Parse("using NetGen;\n[Network([|Loss = 3|])][Input(2)][Dense(1)]\npublic partial class Net;\n");
        FullRun run = GeneratorHarness.RunAll(m.Source);
        Diagnostic d = Assert.Single(run.NetGen);
        Assert.Equal("NG1004", d.Id);
        Assert.Equal(m.Span, d.Location.SourceSpan);
        Assert.Empty(run.Run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void NG1007_ClassNamedVar() =>
        Expect("using NetGen;\n[Network][Input(2)][Dense(1)]\npublic partial class [|var|];\n", "NG1007");

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

    // issue 9: convolution and pooling shapes

    [Theory]
    [InlineData("[Network][Input(1, 4, 4)][Conv2D(2, [|5|])][Flatten][Dense(1)]", "Conv2D layer 1 would have no output: a 5×5 kernel with padding 0 does not fit its 4×4 input")]
    [InlineData("[Network][Input(1, 6, 6)][Conv2D(2, 3, Stride = 2)][MaxPool2D([|3|])][Flatten][Dense(1)]", "MaxPool2D layer 2 would have no output: a 3×3 window does not fit its 2×2 input")]
    public void NG2101_EmptyOutput_PointsAtTheKernelOrWindowSize(string attributes, string message)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2101");
        Assert.Equal(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[Network][Input(1, 28, 28)][Flatten][[|Conv2D(6, 5)|]][Flatten][Dense(10)]", "Conv2D layer 2 needs an image (channels × height × width) but receives a vector of 784 values (after [Input(n)], a Dense layer or [Flatten])")]
    [InlineData("[Network][Input(16)][[|AvgPool2D(2)|]][Dense(1)]", "AvgPool2D layer 1 needs an image (channels × height × width) but receives a vector of 16 values (after [Input(n)], a Dense layer or [Flatten])")]
    [InlineData("[Network][Input(2, 50)][[|MaxPool2D(2)|]][Flatten][Dense(1)]", "MaxPool2D layer 1 needs an image (channels × height × width) but receives a signal of 2×50")]
    public void NG2102_ConvolutionWithoutImage_PointsAtTheAttribute(string attributes, string message)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2102");
        Assert.Equal(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[Network][Input(1, 28, 28)][Conv2D(6, 5)][MaxPool2D(2)][Conv2D(16, 5)][MaxPool2D(2)][[|Dense(120)|]][Dense(10)]", "Dense layer 5 after a 16×4×4 image needs [Flatten] first")]
    [InlineData("[Network][Input(3, 4, 4)][[|Dense(2)|]]", "Dense layer 1 after a 3×4×4 image needs [Flatten] first")]
    [InlineData("[Network][Input(2, 50)][[|Dense(2)|]]", "Dense layer 1 after a 2×50 signal needs [Flatten] first")]
    public void NG2103_DenseAfterImageWithoutFlatten_PointsAtTheDenseAttribute(string attributes, string message)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2103");
        Assert.Equal(message, d.GetMessage());
    }

    [Fact]
    public void NG2103_NotReportedAfterFlatten() =>
        Assert.Empty(GeneratorHarness.RunAll("using NetGen;\n[Network][Input(1, 8, 8)][Conv2D(6, 3)][MaxPool2D(2)][Flatten][BatchNorm][Dense(10)]\npublic partial class Net;\n").All);

    [Theory]
    [InlineData("[Network][Input(1, [|0|], 4)][Dense(1)]")]
    [InlineData("[Network][Input(1, 4, 4)][Conv2D([|0|], 3)][Flatten][Dense(1)]")]
    [InlineData("[Network][Input(1, 4, 4)][Conv2D(2, [|-1|])][Flatten][Dense(1)]")]
    [InlineData("[Network][Input(1, 4, 4)][MaxPool2D([|0|])][Flatten][Dense(1)]")]
    public void NG2003_ConvolutionSizes_PointAtTheArgument(string attributes) =>
        Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2003");

    // issue 10: recurrent layers
    [Theory]
    [InlineData("[Network][Input(1)][GRU([|0|])][Dense(1)]", "GRU layer 1 has hidden size 0; a recurrent layer needs at least 1 hidden unit")]
    [InlineData("[Network][Input(1)][Dense(4)][LSTM([|-3|], Layers = 2)]", "LSTM layer 2 has hidden size -3; a recurrent layer needs at least 1 hidden unit")]
    public void NG2201_HiddenSizeNotPositive_PointsAtTheSize(string attributes, string message)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2201");
        Assert.Equal(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[Network][Input(1)][GRU(8, [|Layers = 0|])][Dense(1)]", "GRU layer 1 has Layers = 0; a recurrent layer has at least 1 stacked layer")]
    [InlineData("[Network][Input(2)][LSTM(4, [|Layers = -1|])]", "LSTM layer 1 has Layers = -1; a recurrent layer has at least 1 stacked layer")]
    public void NG2202_StackedLayersNotPositive_PointsAtLayers(string attributes, string message)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2202");
        Assert.Equal(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[Network][Input(2, 50)][[|GRU(8)|]][Dense(1)]", "GRU layer 1 receives a 2×50 signal; a recurrent layer reads one vector per time step: declare [Input(n)] with the n values of one step")]
    [InlineData("[Network][Input(1, 4, 4)][[|LSTM(8)|]]", "LSTM layer 1 receives a 1×4×4 image; a recurrent layer reads one vector per time step: declare [Input(n)] with the n values of one step")]
    public void NG2203_RecurrentAfterImageOrSignal_PointsAtTheAttribute(string attributes, string message)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2203");
        Assert.Equal(message, d.GetMessage());
    }

    [Theory]
    [InlineData("[Network][Input(1)][GRU(8)][[|Dropout(0.2)|]][Dense(1)]", "[Dropout(0.2)] cannot be in a network with a streaming layer ([GRU(8)]): only Dense layers (applied at every time step), causal Conv1D, GRU and LSTM run step by step")]
    [InlineData("[Network][Input(4)][[|BatchNorm|]][LSTM(3, Layers = 2)]", "[BatchNorm] cannot be in a network with a streaming layer ([LSTM(3, Layers = 2)]): only Dense layers (applied at every time step), causal Conv1D, GRU and LSTM run step by step")]
    [InlineData("[Network][Input(16)][[|Flatten|]][GRU(4)]", "[Flatten] cannot be in a network with a streaming layer ([GRU(4)]): only Dense layers (applied at every time step), causal Conv1D, GRU and LSTM run step by step")]
    public void NG2204_LayerThatDoesNotStream_PointsAtIt(string attributes, string message)
    {
        Diagnostic d = Expect($"using NetGen;\n{attributes}\npublic partial class Net;\n", "NG2204");
        Assert.Equal(message, d.GetMessage());
    }
}
