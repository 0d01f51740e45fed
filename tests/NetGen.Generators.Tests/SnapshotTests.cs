using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Tests;

/// <summary>The generated source of representative networks, reviewed and committed as <c>Snapshots/*.verified.cs</c>.</summary>
public class SnapshotTests
{
    private static string Generate(string source)
    {
        var (run, output, diagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        GeneratedSourceResult generated = Assert.Single(Assert.Single(run.Results).GeneratedSources);
        return generated.SourceText.ToString();
    }

    [Fact]
    public void XorNet() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(2)]
        [Dense(4, Activation.Tanh)]
        [Dense(1, Activation.Sigmoid)]
        public sealed partial class XorNet;
        """), "XorNet.g");

    /// <summary>Tiny layers in registers: a one-input column, an 8 × 8 layer as row products and RowSums, a dot-product output.</summary>
    [Fact]
    public void AudioNet() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo.Audio;

        [Network(Loss = Loss.MeanSquaredError)]
        [Input(1)]
        [Dense(8, Activation.Tanh)]
        [Dense(8, Activation.Tanh)]
        [Dense(1)]
        public sealed partial class AudioNet;
        """), "AudioNet.g");

    [Fact]
    public void DigitsNet() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo.Digits;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(64)]
        [Dense(32, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        public partial class DigitsNet;
        """), "DigitsNet.g");

    [Fact]
    public void PerceptronInferenceOnly() => Snapshot.Verify(Generate("""
        using NetGen;

        [Network]
        [Input(2)]
        [Dense(2, Activation.Step)]
        [Dense(1, Activation.Sign)]
        internal partial class Perceptron;
        """), "Perceptron.g");

    [Fact]
    public void RegressionWithUnfusedLossAndLeakyReLU() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.MeanSquaredError, Reduction = Reduction.Sum)]
        [Input(3)]
        [Dense(5, Activation.LeakyReLU, NegativeSlope = 0.2f)]
        [Dense(4, Activation.GELU)]
        [Dense(2, Activation.Tanh)]
        public partial class Regressor;
        """), "Regressor.g");

    [Fact]
    public void KerasMlpWithDropout() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(10)]
        [Dense(64, Activation.ReLU)]
        [Dropout(0.5)]
        [Dense(1, Activation.Sigmoid)]
        public partial class KerasMlp;
        """), "KerasMlp.g");

    [Fact]
    public void BatchNormWithActivationAndChosenInit() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(4)]
        [Dense(5, Init = WeightInit.HeNormal)]
        [BatchNorm(Activation.ReLU, Momentum = 0.2, Epsilon = 1e-3)]
        [Dense(3, Activation.Softmax, Init = WeightInit.Uniform, InitScale = 0.1f)]
        public partial class NormalizedNet;
        """), "NormalizedNet.g");

    [Fact]
    public void SmallCnn() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(1, 8, 8)]
        [Conv2D(4, 3, Activation.ReLU, Padding = 1)]
        [MaxPool2D(2)]
        [Conv2D(8, 3, Activation.ReLU, Stride = 2)]
        [AvgPool2D(1)]
        [Flatten]
        [Dense(10, Activation.Softmax)]
        public partial class SmallCnn;
        """), "SmallCnn.g");

    [Fact]
    public void SignalCnn() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.MeanSquaredError)]
        [Input(2, 32)]
        [Conv1D(4, 5, Activation.ReLU, Padding = 2)]
        [MaxPool1D(2)]
        [Conv1D(8, 3, Activation.Tanh, Stride = 2, Dilation = 2)]
        [GlobalAvgPool]
        [Flatten]
        [Dense(1)]
        public partial class SignalCnn;
        """), "SignalCnn.g");

    // issue 10: a streaming network, read as a learner reads it (the gate equations, the BPTT recursion, State and Step).
    [Fact]
    public void GruStream() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.MeanSquaredError)]
        [Input(1)]
        [GRU(8)]
        [Dense(1)]
        public partial class AmpModel;
        """), "AmpModel.g");

    // issue 13: Keras's Normalization before the layers (the formula, μ and σ² in the statistics, Adapt, IsAdapted, a PyTorch module with buffers).
    [Fact]
    public void NormalizationFirst() => Snapshot.Verify(Generate("""
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.CrossEntropy)]
        [Input(4)]
        [Normalization]
        [Dense(8, Activation.Tanh)]
        [Dense(3, Activation.Softmax)]
        public partial class IrisNet;
        """), "IrisNet.g");
}
