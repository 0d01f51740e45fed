using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// The 1-D kinds and global average pooling through the generated surface beyond the PyTorch fixtures (which CnnTests runs
/// for every network of SignalNetworks.cs): shapes, layer infos, parameter names and state-dict names.
/// </summary>
public class SignalTests
{
    [Fact]
    public void Conv1DStack_Shapes_LayerInfos_AndStateDictNames()
    {
        Assert.Equal(48, Conv1DStack.InputSize);
        Assert.Equal(3, Conv1DStack.OutputSize);
        Assert.Equal(4 * 2 * 3 + 4 + 3 * 4 * 3 + 3 + 21 * 3 + 3, Conv1DStack.ParameterCount);
        Assert.Equal(new[] { LayerKind.Conv1D, LayerKind.MaxPool1D, LayerKind.Conv1D, LayerKind.AvgPool1D, LayerKind.Flatten, LayerKind.Dense },
            Conv1DStack.Layers.Select(l => l.Kind));
        // 2×24 → 4×24 → 4×12 → 3×8 → 3×7 → 21 → 3
        Assert.Equal(new[] { 48, 96, 48, 24, 21, 21 }, Conv1DStack.Layers.Select(l => l.Inputs));
        Assert.Equal(new[] { 96, 48, 24, 21, 21, 3 }, Conv1DStack.Layers.Select(l => l.Outputs));
        Assert.Equal(
            new[] { "0.weight [4, 2, 3]", "0.bias [4]", "3.weight [3, 4, 3]", "3.bias [3]", "7.weight [3, 21]", "7.bias [3]" },
            StateDict.Tensors(new Conv1DStack()).Select(t => $"{t.Name} {t.ShapeText}"));
        Assert.Equal("layer 1 (Conv1D 4 filters of 3, 48 → 96 values, Tanh)", Conv1DStack.Layers[0].ToString());
        Assert.Equal("layer 2 (MaxPool1D 2, 96 → 48 values)", Conv1DStack.Layers[1].ToString());
        Assert.Equal("layer 4 (AvgPool1D 2, 24 → 21 values)", Conv1DStack.Layers[3].ToString());
        LayerInfo c3 = Conv1DStack.Layers[2];
        Assert.Equal(3, c3.KernelSize);
        Assert.Equal("W⁽³⁾[2, 3, 2]", c3.DescribeParameter(c3.WeightOffset + c3.WeightCount - 1));
        Assert.Equal("W⁽³⁾[1, 0, 1]", c3.DescribeParameter(c3.WeightOffset + 12 + 1));
        Assert.Equal("b⁽³⁾[2]", c3.DescribeParameter(c3.BiasOffset + 2));
    }

    [Fact]
    public void StridedConv1D_GlobalAvgPool_CountsAsOneModule()
    {
        // Conv1d, LeakyReLU, MaxPool1d, AdaptiveAvgPool1d, Flatten, Linear
        Assert.Equal(
            new[] { "0.weight [5, 3, 4]", "0.bias [5]", "5.weight [2, 5]", "5.bias [2]" },
            StateDict.Tensors(new StridedConv1D()).Select(t => $"{t.Name} {t.ShapeText}"));
        Assert.Equal("layer 3 (GlobalAvgPool, 10 → 5 values)", StridedConv1D.Layers[2].ToString());
        Assert.Equal(new[] { 25, 10, 5, 5, 2 }, StridedConv1D.Layers.Select(l => l.Outputs));
        Assert.Equal(new[] { "0.weight [6, 3, 3, 3]", "0.bias [6]", "4.weight [4, 6]", "4.bias [4]" },
            StateDict.Tensors(new GapCnn()).Select(t => $"{t.Name} {t.ShapeText}"));
    }

    [Fact]
    public void NamedLayers_NameTheirTensors()
    {
        Assert.Equal(
            new[] { "conv1.weight [3, 2, 3]", "conv1.bias [3]", "bn1.weight [3]", "bn1.bias [3]", "bn1.running_mean [3]", "bn1.running_var [3]", "head.weight [2, 3]", "head.bias [2]" },
            StateDict.Tensors(new NamedSignalNet()).Select(t => $"{t.Name} {t.ShapeText}"));
        Assert.Equal(new[] { "conv1", "bn1", "pool", "gap", null, "head" }, NamedSignalNet.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Conv1D_DefaultInit_UsesFanInOfChannelsTimesTaps()
    {
        var net = new Conv1DStack(3);
        LayerInfo c1 = Conv1DStack.Layers[0], c3 = Conv1DStack.Layers[2];
        // Tanh: Xavier uniform, a = √(6/(fan_in + fan_out)) with fan_in = C·k, fan_out = F·k. ReLU: He uniform √(6/fan_in).
        float bound1 = MathF.Sqrt(6f / (2 * 3 + 4 * 3)), bound3 = MathF.Sqrt(6f / (4 * 3));
        float[] w1 = net.Parameters.Slice(c1.WeightOffset, c1.WeightCount).ToArray(), w3 = net.Parameters.Slice(c3.WeightOffset, c3.WeightCount).ToArray();
        Assert.All(w1, v => Assert.InRange(v, -bound1, bound1));
        Assert.All(w3, v => Assert.InRange(v, -bound3, bound3));
        Assert.True(w1.Max(MathF.Abs) > 0.7f * bound1 && w3.Max(MathF.Abs) > 0.7f * bound3, "the weights fill their range");
    }

    [Fact]
    public void SafeTensors_RoundTrip_KeepsEveryConv1DParameter()
    {
        var a = new StridedConv1D(4);
        string path = Path.Combine(Path.GetTempPath(), $"netgen-conv1d-{Environment.ProcessId}.safetensors");
        try
        {
            SafeTensors.Save(a, path);
            var b = new StridedConv1D(9);
            SafeTensors.Load(b, path);
            Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
