using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// A streaming (GRU/LSTM) network's TrainStep/TrainStepBatch under the non-finite guard: the gradients of the one-step
/// sequences are all in a scratch buffer before θ ← θ − η·g, so one pass (StepGuard.Descend) writes every θᵢ − η·gᵢ into
/// that buffer and checks that all are finite before copying them to θ. A step that would make a parameter NaN/±∞ throws
/// NonFiniteException naming the layer and parameter, with θ, the packed weights and the instance stream untouched.
/// </summary>
public class RecurrentTrainStepGuardTests
{
    private static readonly float[] X = [0.4f], Y = [-0.3f];

    [Fact]
    public void Gru_TrainStep_OnANaNInput_ThrowsNamingTheLayer_AndChangesNothing()
    {
        var net = new GruDenseStream(seed: 3);
        net.TrainStep(X, Y, 0.1f);                                                     // an ordinary step first
        float[] before = net.Parameters.ToArray();

        var e = Assert.Throws<NonFiniteException>(() => net.TrainStep([float.NaN], Y, 0.1f));

        // ∂L/∂W_ih = δ·xᵀ is NaN everywhere; the first parameter is θ[0] = weight_ih_l0[0, 0] of the GRU (layer 1).
        Assert.Equal(0, e.ParameterIndex);
        Assert.Equal(1, e.Layer!.Index);
        Assert.StartsWith("GruDenseStream.TrainStep would make weight_ih_l0⁽¹⁾[0, 0] (parameter 0) in layer 1 (", e.Message);
        Assert.Contains("(parameter 0) in layer 1", e.Message);
        Assert.Contains("Nothing was applied", e.Message);
        Assert.Equal(before, net.Parameters.ToArray());

        // And it goes on training from where it was, exactly like a twin that never saw the bad sample.
        var twin = new GruDenseStream(seed: 3);
        twin.TrainStep(X, Y, 0.1f);
        Assert.Equal(twin.TrainStep(X, Y, 0.1f), net.TrainStep(X, Y, 0.1f));
        Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
    }

    [Fact]
    public void Lstm_TrainStep_OnAnInfiniteTarget_Throws_AndChangesNothing()
    {
        var net = new LstmDenseDense(seed: 5);
        float[] x = [0.5f, -0.25f, 1f];
        float[] before = net.Parameters.ToArray();

        var e = Assert.Throws<NonFiniteException>(() => net.TrainStep(x, [0.1f, float.PositiveInfinity], 0.05f));

        Assert.NotNull(e.Layer);
        Assert.StartsWith("LstmDenseDense.TrainStep would make ", e.Message);
        Assert.InRange(e.ParameterIndex!.Value, 0, LstmDenseDense.ParameterCount - 1);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void TrainStepBatch_OnOneBadSample_ThrowsForGruAndLstm_AndChangesNothing()
    {
        var gru = new GruAlone(seed: 2);
        float[] inputs = [0.1f, 0.2f, -0.3f, 0.4f, 0.5f, float.NaN];
        float[] targets = [0f, 0.1f, 0.2f, 0.3f, 0.1f, 0f, -0.1f, 0.2f, 0.3f, 0f, 0f, 0.1f];
        float[] before = gru.Parameters.ToArray();
        var e = Assert.Throws<NonFiniteException>(() => gru.TrainStepBatch(inputs, targets, 3, 0.1f));
        Assert.StartsWith("GruAlone.TrainStepBatch would make ", e.Message);
        Assert.Equal(before, gru.Parameters.ToArray());

        var lstm = new LstmAlone(seed: 2);
        float[] lstmInputs = [0.1f, 0.2f, -0.3f, 0.4f, 0.5f, 0.6f];
        float[] lstmTargets = new float[2 * 5];
        lstmTargets[7] = float.NegativeInfinity;
        before = lstm.Parameters.ToArray();
        e = Assert.Throws<NonFiniteException>(() => lstm.TrainStepBatch(lstmInputs, lstmTargets, 2, 0.1f));
        Assert.StartsWith("LstmAlone.TrainStepBatch would make ", e.Message);
        Assert.Equal(before, lstm.Parameters.ToArray());
    }

    [Fact]
    public void RefusedStep_LeavesThePackedWeightsAndTheInstanceStreamAlone()
    {
        // The step would make θ stale (repacked before the next Step); a refused one must not: the stream goes on as a twin's.
        var net = new GruDenseStream(seed: 8);
        var twin = new GruDenseStream(seed: 8);
        float[] a = new float[1], b = new float[1];
        net.Step([0.3f], a);
        twin.Step([0.3f], b);
        Assert.Throws<NonFiniteException>(() => net.TrainStep([0.2f], [float.NaN], 0.1f));
        for (int t = 0; t < 5; t++)
        {
            net.Step([0.1f * t], a);
            twin.Step([0.1f * t], b);
            Assert.Equal(b[0], a[0]);
        }
    }

    [Fact]
    public void FiniteSteps_AreBackwardPlusSgd_BitForBit()
    {
        // Unchanged by the guard: the same update as Backward/BackwardBatch + θ −= η·g (what Descend did before the guard).
        float[] x = [0.3f, -1f, 0.75f], y = [0.2f, -0.4f];
        var fused = new LstmDenseDense(seed: 9);
        var reference = new LstmDenseDense(seed: 9);
        Assert.Equal(reference.Backward(x, y), fused.TrainStep(x, y, 0.2f));
        Sgd(reference, 0.2f);
        Assert.Equal(reference.Parameters.ToArray(), fused.Parameters.ToArray());

        float[] xs = [.. x, 1f, 0.5f, -0.5f], ys = [.. y, 0f, 1f];
        reference.ZeroGradients();
        Assert.Equal(reference.BackwardBatch(xs, ys, 2), fused.TrainStepBatch(xs, ys, 2, 0.2f));
        Sgd(reference, 0.2f / 2);
        Assert.Equal(reference.Parameters.ToArray(), fused.Parameters.ToArray());

        var gru = new GruDenseStream(seed: 4);
        var gruReference = new GruDenseStream(seed: 4);
        Assert.Equal(gruReference.Backward(X, Y), gru.TrainStep(X, Y, 0.05f));
        Sgd(gruReference, 0.05f);
        Assert.Equal(gruReference.Parameters.ToArray(), gru.Parameters.ToArray());
    }

    [Fact]
    public void HugeButFiniteStep_IsApplied_AndAnOverflowingOneIsRefused()
    {
        // η = 10³¹: steps of 10³² and more, but every θᵢ − η·gᵢ is finite: applied exactly (no false refusal).
        float[] x = [0.5f, -0.5f], y = [100f, 0f, 0f, -100f];
        var net = new GruAlone(seed: 6);
        var reference = new GruAlone(seed: 6);
        const float huge = 1e31f;
        reference.Backward(x, y);
        Assert.Contains(reference.Gradients.ToArray(), gi => MathF.Abs(huge * gi) > 1e32f);
        net.TrainStep(x, y, huge);
        Sgd(reference, huge);
        Assert.Equal(reference.Parameters.ToArray(), net.Parameters.ToArray());
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));

        // The same gradients with η = 10³⁸ overflow some θᵢ to ±∞: refused, θ unchanged (finite gradients, finite data).
        var over = new GruAlone(seed: 6);
        float[] before = over.Parameters.ToArray();
        float[] g = new GruAlone(seed: 6) is var twin && twin.Backward(x, y) is var _ ? twin.Gradients.ToArray() : [];
        Assert.Contains(Enumerable.Range(0, g.Length), i => !float.IsFinite(before[i] - 1e38f * g[i]));
        var e = Assert.Throws<NonFiniteException>(() => over.TrainStep(x, y, 1e38f));
        Assert.Contains("Infinity", e.Message);
        Assert.Equal(before, over.Parameters.ToArray());
    }

    [Fact]
    public void GuardedSteps_AllocateNothing()
    {
        var net = new LstmDenseDense(seed: 1);
        float[] x = [0.3f, -1f, 0.75f], y = [0.2f, -0.4f];
        float[] xs = [.. x, .. x, .. x], ys = [.. y, .. y, .. y];
        float[] start = net.Parameters.ToArray();
        net.TrainStep(x, y, 0.01f);
        net.TrainStepBatch(xs, ys, 3, 0.01f);
        net.TrainStep(x, y, 1e31f);                                                    // a huge finite step, once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            start.CopyTo(net.Parameters);
            net.TrainStep(x, y, 0.01f);
            net.TrainStepBatch(xs, ys, 3, 0.01f);
            start.CopyTo(net.Parameters);
            net.TrainStep(x, y, 1e31f);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(3)]    // in the vector part
    [InlineData(12)]   // in the scalar tail (13 values)
    public void StepGuardDescend_FindsTheParameter_WhereverItIs_AndSparesOneThatWasAlreadyNaN(int bad)
    {
        var net = new GruAlone(seed: 1);
        float[] theta = new float[13], g = new float[13];
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] = 0.1f * i - 0.5f;
            g[i] = MathF.Cos(i);
        }
        float[] before = (float[])theta.Clone();
        g[bad] = float.PositiveInfinity;
        var e = Assert.Throws<NonFiniteException>(() => StepGuard.Descend(net, "TrainStep", theta, g, 0.5f, 1f));
        Assert.Equal(bad, e.ParameterIndex);
        Assert.Equal(before, theta);

        // A parameter that was NaN before stays NaN and is not the step's doing: the step is applied, bit for bit.
        g[bad] = MathF.Cos(bad);
        theta[bad] = float.NaN;
        float[] expected = (float[])theta.Clone();
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] -= 0.5f * g[i];
        }
        StepGuard.Descend(net, "TrainStep", theta, g, 0.5f, 1f);
        Assert.Equal(expected, theta);
    }

    private static void Sgd(ITrainableNetwork net, float learningRate)
    {
        Span<float> theta = net.Parameters, g = net.Gradients;
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] -= learningRate * g[i];
        }
    }
}
