using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// <c>-- profile</c>: where a forward pass of W1, W2 and W4 spends its time, by subtraction. Each line is the fastest of
/// 100 rounds (<see cref="Quick.FastestNanoseconds"/>) of 16 independent calls on 16 samples, per call: the real network; the same shape with
/// identity activations (the difference is the activations); the smallest generated network (the cost of a call with its
/// guards); and the pieces alone (one dense kernel, one vector tanh, one softmax). The per-sample sampling profilers that
/// would attribute these few nanoseconds are not available in this VM (perf sees no hardware counters), so the split is
/// measured this way.
/// </summary>
public static class Profile
{
    private const int Samples = 16;

    public static int Run()
    {
        var random = new Random(7);
        float[] inputs = new float[Samples * 64];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(random.NextDouble() * 2 - 1);
        float[] output = new float[10];
        float[] hidden = new float[32];

        var w1 = new W1Xor(1); var w1Linear = new W1Linear(1);
        var w2 = new W2Digits(1); var w2Linear = new W2Linear(1);
        var w4 = new W4Audio(1); var w4Linear = new W4Linear(1);
        var floor = new CallFloor(1);

        Console.WriteLine("W1 2 → 4 tanh → 1 sigmoid");
        Time("  Forward", () => { for (int s = 0; s < Samples; s++) w1.Forward(inputs.AsSpan(2 * s, 2), output.AsSpan(0, 1)); });
        Time("  Forward, identity activations", () => { for (int s = 0; s < Samples; s++) w1Linear.Forward(inputs.AsSpan(2 * s, 2), output.AsSpan(0, 1)); });
        Time("  FastMath.Tanh(Vector128) alone", () => { Vector128<float> v = Vector128.Create(inputs[0], inputs[1], inputs[2], inputs[3]); for (int s = 0; s < Samples; s++) { v = FastMath.Tanh(v + Vector128.Create(inputs[s])); } Sink(v[0]); });
        Time("  FastMath.Sigmoid(float) alone", () => { float v = inputs[0]; for (int s = 0; s < Samples; s++) { v = FastMath.Sigmoid(v + inputs[s]); } Sink(v); });
        Time("  MathF.Tanh × 4 (the naive baseline's)", () => { float v = inputs[0]; for (int s = 0; s < Samples; s++) { v = MathF.Tanh(v + inputs[s]) + MathF.Tanh(v - inputs[s]) + MathF.Tanh(inputs[s]) + MathF.Tanh(-inputs[s]); } Sink(v); });

        Console.WriteLine("W4 1 → 8 tanh → 8 tanh → 1");
        Time("  Forward", () => { for (int s = 0; s < Samples; s++) w4.Forward(inputs.AsSpan(s, 1), output.AsSpan(0, 1)); });
        Time("  Forward, identity activations", () => { for (int s = 0; s < Samples; s++) w4Linear.Forward(inputs.AsSpan(s, 1), output.AsSpan(0, 1)); });
        Time("  FastMath.Tanh(Vector256) alone", () => { Vector256<float> v = Vector256.Create(inputs.AsSpan(0, 8)); for (int s = 0; s < Samples; s++) { v = FastMath.Tanh(v + Vector256.Create(inputs[s])); } Sink(v[0]); });

        Console.WriteLine("W2 64 → 32 ReLU → 10 softmax");
        Time("  Forward", () => { for (int s = 0; s < Samples; s++) w2.Forward(inputs.AsSpan(64 * s, 64), output); });
        Time("  Forward, identity activations", () => { for (int s = 0; s < Samples; s++) w2Linear.Forward(inputs.AsSpan(64 * s, 64), output); });
        Time("  DenseKernels.Forward 32 × 64 alone", () => { Span<float> t = w2.Parameters; for (int s = 0; s < Samples; s++) DenseKernels.Forward(t.Slice(0, 2048), t.Slice(2048, 32), inputs.AsSpan(64 * s, 64), hidden, 32, 64); });
        Time("  DenseKernels.ForwardSoftmax 10 × 32 alone", () => { Span<float> t = w2.Parameters; for (int s = 0; s < Samples; s++) DenseKernels.ForwardSoftmax(t.Slice(2080, 320), t.Slice(2400, 10), inputs.AsSpan(32 * s, 32), default, output, 10, 32); });
        Time("  Activations.Softmax(10) alone", () => { for (int s = 0; s < Samples; s++) Activations.Softmax(inputs.AsSpan(10 * s, 10), output); });

        Console.WriteLine("Call floor: Input(1) → Dense(1)");
        Time("  Forward", () => { for (int s = 0; s < Samples; s++) floor.Forward(inputs.AsSpan(s, 1), output.AsSpan(0, 1)); });
        return 0;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE0052:Remove unread private member", Justification = "A sink: written so that the JIT keeps the measured work, never read.")]
    private static float _sink;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Sink(float v) => _sink += v;

    private static void Time(string name, Action action) =>
        Console.WriteLine($"{name,-48} {Quick.FastestNanoseconds(action, Samples),8:F1} ns");
}
