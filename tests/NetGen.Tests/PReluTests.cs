using NetGen.IO;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// PReLU in the DSL: one learnable slope per layer after the bias, 0.25 at first (PyTorch's nn.PReLU()), named as the
/// nn.PReLU module's weight (<c>{k+1}.weight</c>, or <c>{Name}_prelu.weight</c> beside a named layer), in LayerInfo, StateDict
/// and safetensors; trained (PyTorchFixtureTests, FiniteDifferenceTests).
/// </summary>
public class PReluTests
{
    [Fact]
    public void Slope_FollowsTheBias_StartsAtPyTorchsDefault_AndIsInLayerInfo()
    {
        var net = new PReluSequential(3);
        Assert.Equal(3 * 4 + 4 + 1 + 4 * 2 + 2, PReluSequential.ParameterCount);
        LayerInfo first = PReluSequential.Layers[0];
        Assert.Equal(Activation.PReLU, first.Activation);
        Assert.Equal((16, 1, 17), (first.SlopeOffset, first.SlopeCount, first.ParameterCount));
        Assert.Equal(0.25f, net.Parameters[16]);
        Assert.Equal("α⁽¹⁾ (PReLU slope)", first.DescribeParameter(16));
        Assert.Same(first, LayerInfo.Containing(PReluSequential.Layers, 16));
        Assert.Equal(17, PReluSequential.Layers[1].WeightOffset);
    }

    [Fact]
    public void StateDict_NamesTheSlopeAsThePReLUModulesWeight()
    {
        // nn.Sequential(Linear(3, 4), PReLU(), Linear(4, 2)): the PReLU module is index 1.
        Assert.Equal(["0.weight", "0.bias", "1.weight", "2.weight", "2.bias"], StateDict.Tensors(new PReluSequential(1)).Select(t => t.Name).ToArray());
        // Beside a named layer the module is {Name}_prelu (self.fc1 = nn.Linear(...); self.fc1_prelu = nn.PReLU()).
        Assert.Equal(["fc1.weight", "fc1.bias", "fc1_prelu.weight", "encoder.fc2.weight", "encoder.fc2.bias", "encoder.fc2_prelu.weight", "head.weight", "head.bias"],
            StateDict.Tensors(new PReluNamed(1)).Select(t => t.Name).ToArray());
        StateTensor slope = StateDict.Tensors(new PReluNamed(1)).Single(t => t.Name == "fc1_prelu.weight");
        Assert.Equal([1], slope.Shape.ToArray());
        Assert.Equal(PReluNamed.Layers[0].SlopeOffset, slope.Offset);
    }

    [Fact]
    public void TrainStep_TakesTheSlopesStepAfterTheGuard_AndANaNStepChangesNothing()
    {
        // The slope's term is deferred like W's and b's (issue 13's guard): a NaN input is refused with θ, slopes included, untouched.
        var net = new PReluSequential(7);
        float[] x = [0.5f, -1f, 0.25f], y = [0.1f, -0.2f];
        float slope = net.Parameters[16];
        net.TrainStep(x, y, 0.1f);
        Assert.NotEqual(slope, net.Parameters[16]);
        float[] before = net.Parameters.ToArray();
        Assert.Throws<NonFiniteException>(() => net.TrainStep([float.NaN, -1f, 0.25f], y, 0.1f));
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Throws<NonFiniteException>(() => net.TrainStepBatch([0.5f, -1f, 0.25f, float.NaN, 1f, 1f], [0.1f, -0.2f, 0f, 0f], 2, 0.1f));
        Assert.Equal(before, net.Parameters.ToArray());
        // And the fused step is Backward followed by θ −= η·∂L/∂θ, the slope included.
        var reference = new PReluSequential(7);
        reference.Parameters.Clear();
        before.CopyTo(reference.Parameters);
        var fused = new PReluSequential(7);
        before.CopyTo(fused.Parameters);
        fused.TrainStep(x, y, 0.1f);
        reference.ZeroGradients();
        reference.Backward(x, y);
        for (int i = 0; i < PReluSequential.ParameterCount; i++)
        {
            reference.Parameters[i] -= 0.1f * reference.Gradients[i];
        }
        Assert.Equal(reference.Parameters.ToArray(), fused.Parameters.ToArray());
    }

    [Fact]
    public void SafeTensors_RoundTripsTheSlope()
    {
        var trained = new PReluNamed(5);
        trained.Parameters[PReluNamed.Layers[0].SlopeOffset] = -0.375f;
        trained.Parameters[PReluNamed.Layers[1].SlopeOffset] = 0.125f;
        var stream = new MemoryStream();
        SafeTensors.Write(trained, stream);
        var loaded = new PReluNamed(6);
        stream.Position = 0;
        SafeTensors.Read(loaded, stream, "memory");
        Assert.Equal(trained.Parameters.ToArray(), loaded.Parameters.ToArray());
    }
}

[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(4, Activation.PReLU)]
[Dense(2)]
public sealed partial class PReluSequential;

[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Dense(6, Activation.PReLU, Name = "fc1")]
[Dense(4, Activation.PReLU, Name = "encoder.fc2")]
[Dense(2, Name = "head")]
public sealed partial class PReluNamed;
