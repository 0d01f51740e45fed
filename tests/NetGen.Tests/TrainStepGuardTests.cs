using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// The fused TrainStep/TrainStepBatch under the non-finite guard (NetGen.StepGuard): every δ is computed first, a bound on
/// the step's terms is checked, and only then is the step taken; a step that would make a parameter NaN/±∞ throws
/// NonFiniteException naming the layer and parameter, and leaves θ, the running statistics and the dropout generator bit for
/// bit as they were. A step whose bound fails but whose parameters stay finite (huge but finite) is applied exactly.
/// </summary>
public class TrainStepGuardTests
{
    [Fact]
    public void TrainStep_OnANaNInput_ThrowsNamingTheLayer_AndChangesNothing()
    {
        var net = new OptimizerNet(seed: 4);
        net.TrainStep([1f, 0.5f, -0.5f, 2f], [0f, 1f, 0f], 0.1f);                    // an ordinary step first
        float[] before = net.Parameters.ToArray();

        var e = Assert.Throws<NonFiniteException>(() => net.TrainStep([1f, float.NaN, -0.5f, 2f], [0f, 1f, 0f], 0.1f));

        // Every layer's step is NaN; the first parameter the guard finds is θ[0] = W⁽¹⁾[0, 0].
        Assert.Equal(0, e.ParameterIndex);
        Assert.Equal(1, e.Layer!.Index);
        Assert.StartsWith("OptimizerNet.TrainStep would make W⁽¹⁾[0, 0] (parameter 0) in layer 1 (Dense 4 → 6, Tanh) NaN", e.Message);
        Assert.Contains("Nothing was applied", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());

        // And the network goes on training from where it was.
        float loss = net.TrainStep([1f, 0.5f, -0.5f, 2f], [0f, 1f, 0f], 0.1f);
        Assert.True(float.IsFinite(loss));
    }

    [Fact]
    public void TrainStep_OnAnInfiniteTarget_NamesTheOutputLayer()
    {
        // ŷ − y = −∞ at the output: the output layer's bias gradient is −∞ while layer 1 sees NaN/∞ too; the first θ index
        // that turns non-finite is reported, and nothing changes.
        var net = new EverydayRegressor(seed: 1);
        float[] before = net.Parameters.ToArray();
        var e = Assert.Throws<NonFiniteException>(() => net.TrainStep([0.5f, -0.25f], [float.PositiveInfinity], 0.01f));
        Assert.NotNull(e.Layer);
        Assert.InRange(e.ParameterIndex!.Value, 0, EverydayRegressor.ParameterCount - 1);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void TrainStepBatch_OnOneNaNSample_ThrowsAndLeavesParametersAndRunningStatisticsAlone()
    {
        var net = new BatchNormReluSoftmax(seed: 3);
        float[] inputs = [1f, 2f, 3f, 4f, -1f, 0.5f, 0.25f, 2f, 0f, 1f, -2f, 1f];
        float[] targets = [1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f];
        net.TrainStepBatch(inputs, targets, 3, 0.05f);
        float[] parameters = net.Parameters.ToArray();
        float[] statistics = net.RunningStatistics.ToArray();

        inputs[5] = float.NaN;
        var e = Assert.Throws<NonFiniteException>(() => net.TrainStepBatch(inputs, targets, 3, 0.05f));

        Assert.NotNull(e.Layer);
        Assert.StartsWith("BatchNormReluSoftmax.TrainStepBatch would make ", e.Message);
        Assert.Equal(parameters, net.Parameters.ToArray());
        Assert.Equal(statistics, net.RunningStatistics.ToArray());
    }

    [Fact]
    public void TrainStep_WithFiniteData_StillMatchesBackwardAndAnSgdStep()
    {
        // The guard adds a check; the step itself is the fused one: the same update as Backward + θ −= η·g.
        var fused = new OptimizerNet(seed: 9);
        var reference = new OptimizerNet(seed: 9);
        float[] x = [0.3f, -1f, 0.75f, 0.1f], y = [0f, 0f, 1f];
        float l1 = fused.TrainStep(x, y, 0.2f);
        reference.ZeroGradients();
        float l2 = reference.Backward(x, y);
        for (int i = 0; i < OptimizerNet.ParameterCount; i++)
        {
            reference.Parameters[i] -= 0.2f * reference.Gradients[i];
        }
        Assert.Equal(l2, l1);
        for (int i = 0; i < OptimizerNet.ParameterCount; i++)
        {
            Assert.Equal(reference.Parameters[i], fused.Parameters[i], 1e-6f);
        }
    }

    [Fact]
    public void TrainStep_WhoseStepOverflows_Throws_ThoughEveryGradientIsFinite()
    {
        // y = 1e38: δ⁽²⁾ = 2(ŷ − y) ≈ −2e38 and every ∂L/∂θ is finite, but η·δ⁽²⁾ with η = 10 overflows: the guard refuses
        // the step and changes nothing.
        var net = new EverydayRegressor(seed: 2);
        float[] before = net.Parameters.ToArray();
        net.ZeroGradients();
        net.Backward([0.5f, -0.25f], [1e38f]);
        Assert.All(net.Gradients.ToArray(), g => Assert.True(float.IsFinite(g)));
        var e = Assert.Throws<NonFiniteException>(() => net.TrainStep([0.5f, -0.25f], [1e38f], 10f));
        Assert.Contains("∞", e.Message);
        Assert.NotNull(e.Layer);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Throws<NonFiniteException>(() => net.TrainStepBatch([0.5f, -0.25f, 0.5f, -0.25f], [1e38f, 1e38f], 2, 10f));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void TrainStep_WhoseBoundFails_ButWhoseParametersStayFinite_IsApplied_AsBackwardAndSgd()
    {
        // Σ|δ|·Σ|x| ≈ 1e35 > 2¹⁰⁰: the fast check fails, the exact path copies θ, steps and finds every parameter finite.
        var fused = new EverydayRegressor(seed: 5);
        var reference = new EverydayRegressor(seed: 5);
        float[] x = [1e20f, -3e19f], y = [1e15f];
        float learningRate = 1e-30f;
        float loss = fused.TrainStep(x, y, learningRate);
        reference.ZeroGradients();
        Assert.Equal(reference.Backward(x, y), loss);
        for (int i = 0; i < EverydayRegressor.ParameterCount; i++)
        {
            float expected = reference.Parameters[i] - learningRate * reference.Gradients[i];
            Assert.True(float.IsFinite(fused.Parameters[i]));
            Assert.Equal(expected, fused.Parameters[i], Math.Abs(expected) * 1e-5f + 1e-6f);
        }
    }

    [Fact]
    public void TrainStepBatch_WithDropout_RefusedStep_PutsTheGeneratorBack()
    {
        // The refused step drew dropout masks; the generator is put back, so the next step equals a twin's that never saw it.
        var net = new MixedTrainingNet(seed: 7);
        var twin = new MixedTrainingNet(seed: 7);
        float[] inputs = [0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 1f, 0.5f, -0.25f, 0f, 2f];
        float[] targets = [1f, 0f, 0f, 0f, 0f, 0f, 1f, 0f];
        float[] bad = (float[])inputs.Clone();
        bad[3] = float.PositiveInfinity;
        Assert.Throws<NonFiniteException>(() => net.TrainStepBatch(bad, targets, 2, 0.1f));
        Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
        Assert.Equal(twin.RunningStatistics.ToArray(), net.RunningStatistics.ToArray());
        Assert.Equal(twin.TrainStepBatch(inputs, targets, 2, 0.1f), net.TrainStepBatch(inputs, targets, 2, 0.1f));
        Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
    }

    [Fact]
    public void TrainStep_OfAConvolution_OnANaNPixel_ChangesNothing()
    {
        var net = new StridedCnn(seed: 1);
        float[] image = new float[StridedCnn.InputSize];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (i % 7) * 0.1f - 0.3f;
        }
        float[] target = [0f, 1f, 0f];
        net.TrainStep(image, target, 0.05f);
        float[] before = net.Parameters.ToArray();
        image[40] = float.NaN;
        var e = Assert.Throws<NonFiniteException>(() => net.TrainStep(image, target, 0.05f));
        Assert.StartsWith("StridedCnn.TrainStep would make ", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Throws<NonFiniteException>(() => net.TrainStepBatch([.. image, .. image], [.. target, .. target], 2, 0.05f));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Backward_OnANaNInput_DoesNotThrow_ItChangesNoParameter()
    {
        // Backward only adds to ∂L/∂θ (the optimizers check before they apply): the guard is TrainStep's.
        var net = new OptimizerNet(seed: 4);
        float[] before = net.Parameters.ToArray();
        float loss = net.Backward([1f, float.NaN, -0.5f, 2f], [0f, 1f, 0f]);
        Assert.True(float.IsNaN(loss));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void GuardedSteps_AllocateNothing()
    {
        var net = new OptimizerNet(seed: 4);
        float[] x = [1f, 0.5f, -0.5f, 2f], y = [0f, 1f, 0f];
        float[] xs = [.. x, .. x, .. x], ys = [.. y, .. y, .. y];
        net.TrainStep(x, y, 0.01f);
        net.TrainStepBatch(xs, ys, 3, 0.01f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            net.TrainStep(x, y, 0.01f);
            net.TrainStepBatch(xs, ys, 3, 0.01f);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
