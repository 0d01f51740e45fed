using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NetGen.Benchmarks.Baselines;
using NetGen.Training;

namespace NetGen.Benchmarks;

/// <summary>
/// The calls a benchmark makes on one generated network. Implemented by one struct per workload so that the generic
/// benchmark class is specialised per network and every call is direct and inlinable (a generic over a class, or an
/// interface reference, would call through a dictionary and hide exactly what is being measured).
/// </summary>
public interface INetGenCalls : IForward
{
    ITrainableNetwork Network { get; }
    float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target);
    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate);
    float TrainStepBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float learningRate);
}

/// <summary>
/// Forward and per-sample training of one workload, three implementations side by side. Each method makes
/// <see cref="Ops"/> calls on <see cref="Ops"/> different samples so that BenchmarkDotNet's per-invocation overhead
/// (~1 ns) is spread out: the reported time is per call, i.e. per sample. Categories: <c>Forward</c> and <c>Train</c>
/// (forward + backward + SGD update of one sample); the naive method is each category's baseline.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class WorkloadBenchmarks<TNet> where TNet : struct, INetGenCalls
{
    public const int Ops = 16;
    public const float LearningRate = 0.01f;

    protected readonly Workload _workload;
    protected readonly Data _data;
    protected TNet _netgen;
    protected readonly NaiveMlp _naive;
    protected readonly TensorPrimitivesMlp _tp;
    protected readonly Sgd _sgd = new(LearningRate);
    protected readonly float[] _y;
    private int _next;
    private int _trainedSamples;
    private float[] _initial = [];

    /// <summary>Training restarts from the initial weights every this many samples (see <see cref="Trained"/>).</summary>
    protected const int RestartEvery = 1024;

    /// <summary>
    /// Counts trained samples and, every <see cref="RestartEvery"/>, puts the measured implementation's weights back to the
    /// initial ones. Without it a run of millions of steps on a small data set memorises it, saturates the outputs and ends
    /// in a regime (tiny δ, subnormal arithmetic) that real training does not live in, differently for each implementation
    /// and each run. The restart costs one copy of the parameters per 1024 samples (under 0.5% of any step measured here).
    /// </summary>
    protected void Trained(int samples, Implementation which)
    {
        _trainedSamples += samples;
        if (_trainedSamples < RestartEvery)
        {
            return;
        }
        _trainedSamples = 0;
        switch (which)
        {
            case Implementation.Naive:
                _naive.LoadParameters(_initial);
                break;
            case Implementation.TensorPrimitives:
                _tp.LoadParameters(_initial);
                break;
            default:
                _initial.CopyTo(_netgen.Network.Parameters);
                _netgen.Network.ZeroGradients();
                break;
        }
    }

    protected enum Implementation
    {
        Naive,
        TensorPrimitives,
        NetGen,
    }

    protected WorkloadBenchmarks(Workload workload, TNet netgen)
    {
        _workload = workload;
        _data = new Data(workload);
        _netgen = netgen;
        _naive = new NaiveMlp(workload);
        _tp = new TensorPrimitivesMlp(workload);
        _y = new float[workload.OutputSize];
    }

    /// <summary>Copies NetGen's initial parameters into the baselines and checks that all three compute the same function.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _initial = _netgen.Network.Parameters.ToArray();
        _naive.LoadParameters(_netgen.Network.Parameters);
        _tp.LoadParameters(_netgen.Network.Parameters);
        var expected = new float[_workload.OutputSize];
        for (int s = 0; s < 16; s++)
        {
            _naive.Forward(_data.Inputs[s], expected);
            _netgen.Forward(_data.Inputs[s], _y);
            Agreement.Check($"{_workload.Name} NetGen", expected, _y);
            _tp.Forward(_data.Inputs[s], _y);
            Agreement.Check($"{_workload.Name} TensorPrimitives", expected, _y);
        }
    }

    /// <summary>The first of the next <see cref="Ops"/> samples; walks through the data set.</summary>
    protected int NextStart()
    {
        int start = _next;
        _next = (_next + Ops) & (_data.Count - 1);
        return start;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("Forward")]
    public void NaiveForward()
    {
        int s0 = NextStart();
        for (int s = s0; s < s0 + Ops; s++) _naive.Forward(_data.Inputs[s], _y);
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("Forward")]
    public void TensorPrimitivesForward()
    {
        int s0 = NextStart();
        for (int s = s0; s < s0 + Ops; s++) _tp.Forward(_data.Inputs[s], _y);
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("Forward")]
    public void NetGenForward()
    {
        int s0 = NextStart();
        for (int s = s0; s < s0 + Ops; s++) _netgen.Forward(_data.Inputs[s], _y);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Ops), BenchmarkCategory("Train")]
    public void NaiveTrain()
    {
        int s0 = NextStart();
        for (int s = s0; s < s0 + Ops; s++) _naive.TrainStep(_data.Inputs[s], _data.Targets[s], LearningRate);
        Trained(Ops, Implementation.Naive);
    }

    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("Train")]
    public void TensorPrimitivesTrain()
    {
        int s0 = NextStart();
        for (int s = s0; s < s0 + Ops; s++) _tp.TrainStep(_data.Inputs[s], _data.Targets[s], LearningRate);
        Trained(Ops, Implementation.TensorPrimitives);
    }

    /// <summary>The documented training loop: <c>Backward</c> accumulates ∂L/∂θ, <c>Sgd.Step</c> updates and zeroes.</summary>
    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("Train")]
    public void NetGenTrain()
    {
        int s0 = NextStart();
        for (int s = s0; s < s0 + Ops; s++)
        {
            _netgen.Backward(_data.Inputs[s], _data.Targets[s]);
            _sgd.Step(_netgen.Network);
        }
        Trained(Ops, Implementation.NetGen);
    }

    /// <summary>The fused path: <c>TrainStep</c> updates θ during backprop, never touching the gradient buffer.</summary>
    [Benchmark(OperationsPerInvoke = Ops), BenchmarkCategory("Train")]
    public void NetGenTrainStep()
    {
        int s0 = NextStart();
        for (int s = s0; s < s0 + Ops; s++)
        {
            _netgen.TrainStep(_data.Inputs[s], _data.Targets[s], LearningRate);
        }
        Trained(Ops, Implementation.NetGen);
    }

    private int _stepBatch;

    /// <summary>The fused path over a mini-batch of 32: <c>TrainStepBatch</c> updates each weight once per batch.</summary>
    [Benchmark(OperationsPerInvoke = 32), BenchmarkCategory("Batch32")]
    public void NetGenTrainStepBatch32()
    {
        const int batch = 32;
        int s0 = _stepBatch;
        _stepBatch = (_stepBatch + batch) & (_data.Count - 1);
        int n = _netgen.Network.InputSize, m = _netgen.Network.OutputSize;
        _netgen.TrainStepBatch(_data.FlatInputs.AsSpan(s0 * n, batch * n), _data.FlatTargets.AsSpan(s0 * m, batch * m), batch, LearningRate);
        Trained(batch, Implementation.NetGen);
    }
}

public static class Agreement
{
    /// <summary>Throws unless <paramref name="actual"/> matches <paramref name="expected"/> to float32 rounding.</summary>
    public static void Check(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(MathF.Abs(expected[i] - actual[i]) <= 1e-4f + 1e-3f * MathF.Abs(expected[i])))
            {
                throw new InvalidOperationException($"{what}: output {i} is {actual[i]}, the naive baseline says {expected[i]}.");
            }
        }
    }
}

public struct W1Calls(W1Xor net) : INetGenCalls
{
    public readonly ITrainableNetwork Network => net;
    public readonly void Forward(ReadOnlySpan<float> input, Span<float> output) => net.Forward(input, output);
    public readonly float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => net.Backward(input, target);
    public readonly float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate) => net.TrainStep(input, target, learningRate);
    public readonly float TrainStepBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float learningRate) => net.TrainStepBatch(inputs, targets, batchSize, learningRate);
}

public struct W2Calls(W2Digits net) : INetGenCalls
{
    public readonly ITrainableNetwork Network => net;
    public readonly void Forward(ReadOnlySpan<float> input, Span<float> output) => net.Forward(input, output);
    public readonly float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => net.Backward(input, target);
    public readonly float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate) => net.TrainStep(input, target, learningRate);
    public readonly float TrainStepBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float learningRate) => net.TrainStepBatch(inputs, targets, batchSize, learningRate);
}

public struct W3Calls(W3Mnist net) : INetGenCalls
{
    public readonly ITrainableNetwork Network => net;
    public readonly W3Mnist Net => net;
    public readonly void Forward(ReadOnlySpan<float> input, Span<float> output) => net.Forward(input, output);
    public readonly float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => net.Backward(input, target);
    public readonly float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate) => net.TrainStep(input, target, learningRate);
    public readonly float TrainStepBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float learningRate) => net.TrainStepBatch(inputs, targets, batchSize, learningRate);
}

public struct W4Calls(W4Audio net) : INetGenCalls
{
    public readonly ITrainableNetwork Network => net;
    public readonly void Forward(ReadOnlySpan<float> input, Span<float> output) => net.Forward(input, output);
    public readonly float Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> target) => net.Backward(input, target);
    public readonly float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate) => net.TrainStep(input, target, learningRate);
    public readonly float TrainStepBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, float learningRate) => net.TrainStepBatch(inputs, targets, batchSize, learningRate);
}

/// <summary>W1 XOR: 2 → 4 tanh → 1 sigmoid, binary cross-entropy.</summary>
public class W1 : WorkloadBenchmarks<W1Calls>
{
    public W1() : base(Workload.W1, new W1Calls(new W1Xor(seed: 1))) { }
}

/// <summary>W2 digits: 64 → 32 ReLU → 10 softmax, cross-entropy.</summary>
public class W2 : WorkloadBenchmarks<W2Calls>
{
    public W2() : base(Workload.W2, new W2Calls(new W2Digits(seed: 1))) { }
}

/// <summary>W4 audio-style: 1 → 8 tanh → 8 tanh → 1 identity, mean squared error.</summary>
public class W4 : WorkloadBenchmarks<W4Calls>
{
    public W4() : base(Workload.W4, new W4Calls(new W4Audio(seed: 1))) { }
}

/// <summary>W3 MNIST-shaped: 784 → 128 ReLU → 64 ReLU → 10 softmax, cross-entropy; also a mini-batch-32 SGD step.</summary>
public class W3 : WorkloadBenchmarks<W3Calls>
{
    public const int Batch = 32;

    public W3() : base(Workload.W3, new W3Calls(new W3Mnist(seed: 1))) { }

    private int _batch;

    private int NextBatch()
    {
        int start = _batch;
        _batch = (_batch + Batch) & (_data.Count - 1);
        return start;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch), BenchmarkCategory("Batch32")]
    public void NaiveBatch32()
    {
        _naive.TrainBatch(_data.Inputs, _data.Targets, NextBatch(), Batch, LearningRate);
        Trained(Batch, Implementation.Naive);
    }

    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Batch32")]
    public void TensorPrimitivesBatch32()
    {
        int s0 = NextBatch();
        _tp.TrainBatch(_data.FlatInputs.AsSpan(s0 * 784, Batch * 784), _data.FlatTargets.AsSpan(s0 * 10, Batch * 10), Batch, LearningRate);
        Trained(Batch, Implementation.TensorPrimitives);
    }

    /// <summary>The documented mini-batch loop: <c>BackwardBatch</c> (dense layers over the whole batch), then <c>Sgd.Step(net, 32)</c>.</summary>
    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("Batch32")]
    public void NetGenBatch32()
    {
        int s0 = NextBatch();
        W3Mnist net = _netgen.Net;
        net.BackwardBatch(_data.FlatInputs.AsSpan(s0 * 784, Batch * 784), _data.FlatTargets.AsSpan(s0 * 10, Batch * 10), Batch);
        _sgd.Step(net, Batch);
        Trained(Batch, Implementation.NetGen);
    }

    /// <summary>Inference over a batch of 32 (not one of the targets; shows what batching gives forward).</summary>
    [Benchmark(OperationsPerInvoke = Batch), BenchmarkCategory("ForwardBatch32")]
    public void NetGenForwardBatch32()
    {
        int s0 = NextBatch();
        _netgen.Net.ForwardBatch(_data.FlatInputs.AsSpan(s0 * 784, Batch * 784), _batchOutput, Batch);
    }

    private readonly float[] _batchOutput = new float[Batch * 10];
}
