using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>One forward call, implemented by structs so that a generic timing loop is specialised and the call direct.</summary>
public interface IForward
{
    void Forward(ReadOnlySpan<float> input, Span<float> output);
}

/// <summary>
/// Hand-written forward passes of W1 and W4: the shape the generated <c>Forward</c> of a tiny network should take (see
/// benchmarks/README.md, "Tiny networks: the generated code's target"). They use NetGen's kernels (<see cref="FastMath"/>)
/// and the network's parameters (copied into a 64-byte-aligned buffer, as the generated classes keep θ), and are checked
/// against the generated network's outputs when constructed. Only the benchmark project uses them.
/// </summary>
public static class HandWritten
{
    private static float[] Copy(ReadOnlySpan<float> theta)
    {
        float[] buffer = Aligned.Allocate(theta.Length);
        theta.CopyTo(Aligned.Span(buffer, theta.Length));
        return buffer;
    }

    private static void Verify<T>(T net, string name, Data data, float[] expected) where T : struct, IForward
    {
        int outputSize = expected.Length / data.Count;
        var y = new float[outputSize];
        for (int s = 0; s < data.Count; s++)
        {
            net.Forward(data.Inputs[s], y);
            Agreement.Check($"{name} sample {s}", expected.AsSpan(s * outputSize, outputSize), y);
        }
    }

    /// <summary>
    /// W1 2 → 4 tanh → 1 σ. Layer 1 as two multiply-adds on the columns of W⁽¹⁾ (z = W₍:,₁₎·x₁ + (W₍:,₀₎·x₀ + b), each xᵢ
    /// broadcast from memory; the columns are two shuffles of the row-major rows θ[0..4) and θ[4..8), which do not depend on x),
    /// layer 2 as one product and a lane sum, σ on the scalar.
    /// </summary>
    public readonly struct W1 : IForward
    {
        private readonly float[] _theta;

        public W1(ReadOnlySpan<float> theta, Data data, float[] expected)
        {
            _theta = Copy(theta);
            Verify(this, "hand-written W1", data, expected);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            if (input.Length != 2 || output.Length != 1)
            {
                throw new ArgumentException("W1 takes 2 inputs and writes 1 output.");
            }
            ref float t = ref Aligned.First(_theta);
            Vector128<float> rows01 = Vector128.LoadUnsafe(ref t), rows23 = Vector128.LoadUnsafe(ref t, 4);
            Vector128<float> column0 = Sse.Shuffle(rows01, rows23, 0b10_00_10_00), column1 = Sse.Shuffle(rows01, rows23, 0b11_01_11_01);
            Vector128<float> z1 = FastMath.MultiplyAdd(column1, Vector128.Create(input[1]), FastMath.MultiplyAdd(column0, Vector128.Create(input[0]), Vector128.LoadUnsafe(ref t, 8)));
            Vector128<float> a1 = FastMath.Tanh(z1);
            output[0] = FastMath.Sigmoid(Vector128.Sum(Vector128.LoadUnsafe(ref t, 12) * a1) + Unsafe.Add(ref t, 16));
        }
    }

    /// <summary>
    /// W4 1 → 8 tanh → 8 tanh → 1. Layer 2 by columns, <see cref="Lanes.TimesColumns(ReadOnlySpan{float}, Vector256{float}, Vector256{float})"/>
    /// over its own copy of θ with W⁽²⁾ transposed (made once here; the generated network keeps such a copy after θ and makes it
    /// again when θ may have changed), layer 3's dot product summed by <see cref="Lanes.Sum(Vector256{float})"/>, as the
    /// generated code does.
    /// </summary>
    public readonly struct W4 : IForward
    {
        private readonly float[] _theta;

        public W4(ReadOnlySpan<float> theta, Data data, float[] expected)
        {
            _theta = Copy(theta);
            Span<float> copy = Aligned.Span(_theta, theta.Length);
            Lanes.Transpose(theta.Slice(16, 64), 8, 8, copy.Slice(16, 64));
            Verify(this, "hand-written W4", data, expected);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            if (input.Length != 1 || output.Length != 1)
            {
                throw new ArgumentException("W4 takes 1 input and writes 1 output.");
            }
            ref float t = ref Aligned.First(_theta);
            Vector256<float> a1 = FastMath.Tanh(FastMath.MultiplyAdd(Vector256.LoadUnsafe(ref t), Vector256.Create(input[0]), Vector256.LoadUnsafe(ref t, 8)));
            Vector256<float> z2 = Lanes.TimesColumns(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref t, 16), 64), a1, Vector256.LoadUnsafe(ref t, 80));
            Vector256<float> a2 = FastMath.Tanh(z2);
            output[0] = Lanes.Sum(Vector256.LoadUnsafe(ref t, 88) * a2) + Unsafe.Add(ref t, 96);
        }
    }
}
