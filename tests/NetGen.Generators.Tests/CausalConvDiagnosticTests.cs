using static NetGen.Generators.Tests.DiagnosticTests;

namespace NetGen.Generators.Tests;

/// <summary>Issue 10b's causal streaming Conv1D after [Input(n)]: NG2205–NG2207 and NG2204 with message and exact location.</summary>
public class CausalConvDiagnosticTests
{
    private static string Net(string attributes) => $"using NetGen;\n{attributes}\npublic partial class Net;\n";

    [Theory]
    [InlineData("[Network][Input(1)][Conv1D(4, 3, [|Stride = 2|])]", "Conv1D layer 1 streams over [Input(n)]'s frames, one output frame per input frame, so its Stride must be 1, not 2")]
    [InlineData("[Network][Input(3)][GRU(4)][Conv1D(2, 2, Activation.Tanh, [|Stride = 3|])][Dense(1)]", "Conv1D layer 2 streams over [Input(n)]'s frames, one output frame per input frame, so its Stride must be 1, not 3")]
    public void NG2205_StrideOfAStreamingConvolution_PointsAtStride(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG2205").GetMessage());

    [Theory]
    [InlineData("[Network][Input(1)][Conv1D(4, 3, [|Padding = 1|])]", "Conv1D layer 1 streams over [Input(n)]'s frames, so its Padding must be 0, not 1: the causal form already reads (k − 1)·Dilation = 2 zero frames before the first")]
    [InlineData("[Network][Input(2)][Dense(3)][Conv1D(4, 3, Dilation = 4, [|Padding = 4|])]", "Conv1D layer 2 streams over [Input(n)]'s frames, so its Padding must be 0, not 4: the causal form already reads (k − 1)·Dilation = 8 zero frames before the first")]
    public void NG2206_PaddingOfAStreamingConvolution_PointsAtPadding(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG2206").GetMessage());

    [Theory]
    [InlineData("[Network][Input(64)][Conv1D(4, 9, [|Dilation = 200|])]", "Conv1D layer 1 keeps the last 1,600 frames of 64 values, which makes the network's State 102,401 floats, more than 65,536")]
    [InlineData("[Network][Input(16)][Conv1D(16, 2, Dilation = 2048)][Conv1D(16, [|2049|])]", "Conv1D layer 2 keeps the last 2,048 frames of 16 values, which makes the network's State 65,538 floats, more than 65,536")]
    public void NG2207_HistoryTooLarge_PointsAtDilationOrKernel(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG2207").GetMessage());

    [Theory]
    [InlineData("[Network][Input(2)][Conv1D(4, 3)][[|MaxPool1D(2)|]][Dense(1)]", "[MaxPool1D(2)] cannot be in a network with a streaming layer ([Conv1D(4, 3)]): only Dense layers (applied at every time step), causal Conv1D, GRU and LSTM run step by step")]
    [InlineData("[Network][Input(1)][Conv1D(8, 5, Activation.ReLU)][[|Flatten|]][Dense(1)]", "[Flatten] cannot be in a network with a streaming layer ([Conv1D(8, 5, Activation.ReLU)]): only Dense layers (applied at every time step), causal Conv1D, GRU and LSTM run step by step")]
    [InlineData("[Network][Input(1)][Conv1D(8, 5)][[|GlobalAvgPool|]]", "[GlobalAvgPool] cannot be in a network with a streaming layer ([Conv1D(8, 5)]): only Dense layers (applied at every time step), causal Conv1D, GRU and LSTM run step by step")]
    [InlineData("[Network][Input(1)][Conv1D(8, 5)][[|Dropout(0.1)|]][Dense(1)]", "[Dropout(0.1)] cannot be in a network with a streaming layer ([Conv1D(8, 5)]): only Dense layers (applied at every time step), causal Conv1D, GRU and LSTM run step by step")]
    public void NG2204_ALayerThatDoesNotStream_AfterACausalConvolution(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG2204").GetMessage());

    [Theory]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(1)][Conv1D(12, 5)]")]
    [InlineData("[Network][Input(2)][Conv1D(4, 3, Activation.Tanh)][Conv1D(4, 3, Activation.ReLU, Dilation = 2)][Conv1D(4, 3, Dilation = 4)][Dense(1)]")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(1)][Conv1D(6, 3, Activation.Tanh)][GRU(5)][Dense(1)]")]
    [InlineData("[Network(Loss = Loss.CrossEntropy)][Input(2)][LSTM(4)][Conv1D(3, 1)][Dense(3, Activation.Softmax)]")]
    [InlineData("[Network][Input(4)][Dense(8, Activation.ReLU)][Conv1D(2, 2, Stride = 1, Padding = 0)]")]
    public void CausalConvolutionNetworks_GenerateWithoutDiagnostics(string attributes) =>
        Assert.Empty(GeneratorHarness.RunAll(Net(attributes)).All);
}
