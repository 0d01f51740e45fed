using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// The dense-layer kernels that generated networks call for layers too large to unroll. <c>W</c> is <c>rows × cols</c>,
/// row-major (PyTorch's <c>nn.Linear.weight</c>); <c>rows</c> is the layer's output count and <c>cols</c> its input count.
/// </summary>
public static class DenseKernels
{
    /// <summary>
    /// <c>z = W·x + b</c>: <c>z[o] = b[o] + Σᵢ W[o, i]·x[i]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, int rows, int cols)
    {
        CheckShapes(w.Length, b.Length, x.Length, z.Length, rows, cols);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float zr = ref MemoryMarshal.GetReference(z);
        for (int o = 0; o < rows; o++)
        {
            Unsafe.Add(ref zr, o) = Unsafe.Add(ref br, o) + Simd.Dot(ref Unsafe.Add(ref wr, o * cols), ref xr, cols);
        }
    }

    /// <summary>
    /// The weight part of backprop for one sample, fused into one pass over <c>W</c>:
    /// <c>∂L/∂W += δ·aᵀ</c>, <c>∂L/∂b += δ</c> and, when <paramref name="gradInput"/> is not empty,
    /// <c>gradInput = Wᵀ·δ</c> (overwritten) — the error handed to the previous layer before its activation's derivative.
    /// </summary>
    /// <param name="w">The layer's weight, <c>rows × cols</c>.</param>
    /// <param name="delta">δ of this layer, <c>rows</c> values.</param>
    /// <param name="input">The layer's input a⁽ˡ⁻¹⁾, <c>cols</c> values.</param>
    /// <param name="gradW">∂L/∂W, accumulated.</param>
    /// <param name="gradB">∂L/∂b, accumulated.</param>
    /// <param name="gradInput">Wᵀ·δ, overwritten; empty for the first layer.</param>
    /// <param name="rows">Outputs.</param>
    /// <param name="cols">Inputs.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Backward(ReadOnlySpan<float> w, ReadOnlySpan<float> delta, ReadOnlySpan<float> input,
        Span<float> gradW, Span<float> gradB, Span<float> gradInput, int rows, int cols)
    {
        CheckShapes(w.Length, delta.Length, input.Length, gradB.Length, rows, cols);
        if (gradW.Length != rows * cols || (gradInput.Length != 0 && gradInput.Length != cols))
        {
            ThrowShape();
        }
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float dr = ref MemoryMarshal.GetReference(delta);
        ref float ar = ref MemoryMarshal.GetReference(input);
        ref float gw = ref MemoryMarshal.GetReference(gradW);
        ref float gb = ref MemoryMarshal.GetReference(gradB);
        bool propagate = gradInput.Length != 0;
        ref float gi = ref MemoryMarshal.GetReference(gradInput);
        if (propagate)
        {
            gradInput.Clear();
        }
        for (int o = 0; o < rows; o++)
        {
            float d = Unsafe.Add(ref dr, o);
            Unsafe.Add(ref gb, o) += d;
            Simd.MultiplyAdd(d, ref ar, ref Unsafe.Add(ref gw, o * cols), cols);
            if (propagate)
            {
                Simd.MultiplyAdd(d, ref Unsafe.Add(ref wr, o * cols), ref gi, cols);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckShapes(int w, int b, int x, int z, int rows, int cols)
    {
        if (w != rows * cols || b != rows || x != cols || z != rows)
        {
            ThrowShape();
        }
    }

    private static void ThrowShape() =>
        throw new ArgumentException("Dense kernel called with spans whose lengths do not match rows × cols.");
}
