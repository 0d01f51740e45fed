using Microsoft.CodeAnalysis;
using static NetGen.Generators.Tests.DiagnosticTests;

namespace NetGen.Generators.Tests;

/// <summary>Issue 9's 1-D kinds and the dropped-positions warning: message, severity and exact location of each diagnostic.</summary>
public class SignalDiagnosticTests
{
    private static string Net(string attributes) => $"using NetGen;\n{attributes}\npublic partial class Net;\n";

    [Theory]
    [InlineData("[Network][Input(1, 4)][Conv1D(2, [|5|])][Flatten][Dense(1)]", "Conv1D layer 1 would have no output: a 5-tap kernel with padding 0 does not fit its input of length 4")]
    [InlineData("[Network][Input(1, 8)][Conv1D(2, [|3|], Dilation = 4)][Flatten][Dense(1)]", "Conv1D layer 1 would have no output: a 3-tap kernel with dilation 4 (spanning 9) with padding 0 does not fit its input of length 8")]
    [InlineData("[Network][Input(2, 6)][Conv1D(2, 3, Stride = 2)][MaxPool1D([|3|])][Flatten][Dense(1)]", "MaxPool1D layer 2 would have no output: a window of 3 does not fit its input of length 2")]
    public void NG2101_EmptyOutput_PointsAtTheKernelOrWindowSize(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG2101").GetMessage());

    [Theory]
    [InlineData("[Network][Input(64)][[|MaxPool1D(2)|]][Dense(1)]",
        "MaxPool1D layer 1 needs a signal (channels × length) but receives a frame of 64 values from [Input(64)]; MaxPool1D has no streaming form (pooling over time needs the whole signal; only Conv1D streams over frames): for a fixed-length signal declare [Input(1, 64)]")]
    [InlineData("[Network][Input(4)][Dense(3)][[|AvgPool1D(2)|]]",
        "AvgPool1D layer 2 needs a signal (channels × length) but receives a vector of 3 values (after a Dense layer; over [Input(4)]'s frames AvgPool1D has no streaming form: pooling over time needs the whole signal)")]
    [InlineData("[Network][Input(2, 10)][Flatten][[|Conv1D(2, 3)|]][Dense(1)]",
        "Conv1D layer 2 needs a signal (channels × length) but receives a vector of 20 values (after a Dense layer or [Flatten])")]
    [InlineData("[Network][Input(3, 8, 8)][[|MaxPool1D(2)|]][Flatten][Dense(1)]",
        "MaxPool1D layer 1 needs a signal (channels × length) but receives an image of 3×8×8 (use the 2-D kinds for images)")]
    [InlineData("[Network][Input(2, 10)][Flatten][[|AvgPool1D(2)|]][Dense(1)]",
        "AvgPool1D layer 2 needs a signal (channels × length) but receives a vector of 20 values (after a Dense layer or [Flatten])")]
    public void NG2105_OneDimensionalLayerWithoutSignal_PointsAtTheAttribute(string attributes, string message) =>
        Assert.Equal(message, Expect(Net(attributes), "NG2105").GetMessage());

    [Fact]
    public void NG2102_GlobalAvgPoolAfterAVector_PointsAtTheAttribute() =>
        Assert.Equal("GlobalAvgPool layer 2 needs an image (channels × height × width) but receives a vector of 4 values (after [Input(n)], a Dense layer or [Flatten]); GlobalAvgPool averages each channel of an image or a signal",
            Expect(Net("[Network][Input(4)][Dense(4)][[|GlobalAvgPool|]][Flatten][Dense(1)]"), "NG2102").GetMessage());

    [Theory]
    [InlineData("[Network][Input(1, 23)][Conv1D(2, 3)][[|MaxPool1D(2)|]][Flatten][Dense(1)]", "MaxPool1D layer 2 never reads the last 1 sample of its 21-sample input")]
    [InlineData("[Network][Input(1, 20)][[|Conv1D(2, 4, Stride = 3)|]][Flatten][Dense(1)]", "Conv1D layer 1 never reads the last 1 sample of its 20-sample input")]
    [InlineData("[Network][Input(1, 20)][[|Conv1D(2, 3, Stride = 4, Dilation = 2)|]][Flatten][Dense(1)]", "Conv1D layer 1 never reads the last 3 samples of its 20-sample input")]
    [InlineData("[Network][Input(2, 11, 10)][Conv2D(3, 3)][[|MaxPool2D(3, Stride = 2)|]][Flatten][Dense(1)]", "MaxPool2D layer 2 never reads the last 1 column of its 9×8 input")]
    [InlineData("[Network][Input(1, 7, 9)][[|Conv2D(3, 2, Stride = 3)|]][Flatten][Dense(1)]", "Conv2D layer 1 never reads the last 2 rows and the last 1 column of its 7×9 input")]
    [InlineData("[Network][Input(1, 10, 10)][[|AvgPool2D(4)|]][Flatten][Dense(1)]", "AvgPool2D layer 1 never reads the last 2 rows and the last 2 columns of its 10×10 input")]
    public void NG2106_DroppedPositions_IsAWarningNamingHowMany_AndTheClassIsGenerated(string attributes, string message)
    {
        Diagnostic d = Expect(Net(attributes), "NG2106", DiagnosticSeverity.Warning, generates: true);
        Assert.StartsWith(message + ": the windows at this stride stop before them", d.GetMessage());
    }

    [Theory]
    [InlineData("[Network][Input(1, 28, 28)][Conv2D(6, 5, Padding = 2)][MaxPool2D(2)][Conv2D(16, 5)][MaxPool2D(2)][Flatten][Dense(10)]")]
    [InlineData("[Network][Input(3, 9, 7)][Conv2D(4, 3, Stride = 2, Padding = 1)][Flatten][Dense(1)]")]
    [InlineData("[Network][Input(3, 17)][Conv1D(5, 4, Stride = 3, Padding = 2, Dilation = 2)][MaxPool1D(3, Stride = 2)][GlobalAvgPool][Flatten][Dense(2)]")]
    [InlineData("[Network][Input(2, 24)][Conv1D(4, 3, Padding = 1)][MaxPool1D(2)][Conv1D(3, 3, Dilation = 2)][AvgPool1D(2, Stride = 1)][Flatten][Dense(3)]")]
    public void NG2106_NotReported_WhenTheWindowsReachTheEnd_OrOnlyPaddingIsLeft(string attributes) =>
        Assert.Empty(GeneratorHarness.RunAll(Net(attributes)).All);

    [Theory]
    [InlineData("[Network][Input(1, 8, 8)][Conv2D(6, 3)][BatchNorm][Flatten][Dense(10)]")]
    [InlineData("[Network][Input(1, 8, 8)][Conv2D(6, 3)][MaxPool2D(2)][BatchNorm(Activation.ReLU)][Dropout(0.3)][Flatten][Dense(10)]")]
    [InlineData("[Network][Input(2, 16)][Conv1D(4, 3)][BatchNorm(Activation.Tanh)][GlobalAvgPool][Flatten][Dense(1)]")]
    public void BatchNormAfterAConvolution_IsPerChannel_AndGenerates(string attributes)
    {
        FullRun run = GeneratorHarness.RunAll(Net(attributes));
        Assert.Empty(run.All);
        Assert.NotEmpty(run.Run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void NG2106_IsSuppressedByPragma()
    {
        FullRun run = GeneratorHarness.RunAll(Net("[Network][Input(1, 23)][Conv1D(2, 3)]\n#pragma warning disable NG2106\n[MaxPool1D(2)]\n#pragma warning restore NG2106\n[Flatten][Dense(1)]"));
        Assert.Empty(run.All);
        Assert.NotEmpty(run.Run.Results.Single().GeneratedSources);
    }

    private const string SignalCaller = """
        using NetGen;
        [Network(Loss = Loss.MeanSquaredError)][Input(2, 24)][Conv1D(4, 3, Padding = 1)][MaxPool1D(2)][Flatten][Dense(3)]
        public sealed partial class SignalNet;
        [Network][Input(3, 8, 8)][Conv2D(2, 3)][GlobalAvgPool]
        public sealed partial class ImageNet;
        public static class Caller
        {
            public static void Run(SignalNet s, ImageNet i)
            {
                BODY
            }
        }
        """;

    [Theory]
    [InlineData("s.Forward([|new float[24]|], new float[3]);", "'input' of SignalNet.Forward needs InputSize = 48 values, but this argument has 24")]
    [InlineData("s.Backward(new float[48], [|new float[4]|]);", "'target' of SignalNet.Backward needs OutputSize = 3 values, but this argument has 4")]
    [InlineData("i.Forward([|new float[64]|], new float[2]);", "'input' of ImageNet.Forward needs InputSize = 192 values, but this argument has 64")]
    [InlineData("i.Forward(new float[192], [|new float[3]|]);", "'output' of ImageNet.Forward needs OutputSize = 2 values, but this argument has 3")]
    public void NG4001_CallSites_KnowTheProductOfTheInputShape_AndAShapedOutput(string body, string message) =>
        Assert.StartsWith(message, Expect(SignalCaller.Replace("BODY", body), "NG4001", DiagnosticSeverity.Error, generates: true).GetMessage());

    [Theory]
    [InlineData("[Network][Input(1, 8)][Conv1D([|0|], 3)][Flatten][Dense(1)]")]
    [InlineData("[Network][Input(1, 8)][Conv1D(2, [|0|])][Flatten][Dense(1)]")]
    [InlineData("[Network][Input(1, 8)][MaxPool1D([|-1|])][Flatten][Dense(1)]")]
    public void NG2003_SignalSizes_PointAtTheArgument(string attributes) => Expect(Net(attributes), "NG2003");

    [Theory]
    [InlineData("[Network][Input(1, 8)][[|Conv1D(2, 3, Dilation = 0)|]][Flatten][Dense(1)]", "Dilation must be a constant int ≥ 1")]
    [InlineData("[Network][Input(1, 8)][[|AvgPool1D(2, Stride = -1)|]][Flatten][Dense(1)]", "Stride must be a constant int ≥ 1")]
    public void NG1004_BadNamedArguments_PointAtTheAttribute(string attributes, string message) =>
        Assert.Contains(message, Expect(Net(attributes), "NG1004").GetMessage());
}
