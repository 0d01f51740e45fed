using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

/// <summary>
/// The dense-layer kernels that generated networks call for layers too large to unroll. <c>W</c> is <c>rows × cols</c>,
/// row-major (PyTorch's <c>nn.Linear.weight</c>); <c>rows</c> is the layer's output count and <c>cols</c> its input count.
/// </summary>
public static partial class DenseKernels
{
    /// <summary>
    /// <c>z = W·x + b</c>: <c>z[o] = b[o] + Σᵢ W[o, i]·x[i]</c>. Four rows at a time share each loaded chunk of x; a column
    /// count that is not a multiple of the vector width ends with one masked, overlapping chunk instead of a scalar tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, int rows, int cols)
    {
        CheckShapes(w.Length, b.Length, x.Length, z.Length, rows, cols);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float zr = ref MemoryMarshal.GetReference(z);
        int o = 0;
        if (Vector512.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector512<float>.Count)
        {
            o = ForwardVector512(ref wr, ref br, ref xr, ref zr, rows, cols);
        }
        else if (Vector256.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector256<float>.Count)
        {
            o = ForwardVector256(ref wr, ref br, ref xr, ref zr, rows, cols);
        }
        for (; o < rows; o++)
        {
            Unsafe.Add(ref zr, o) = Unsafe.Add(ref br, o) + Simd.Dot(ref Unsafe.Add(ref wr, o * cols), ref xr, cols);
        }
    }

    /// <summary>
    /// <c>z = W·x + b</c> then <c>a = softmax(z)</c>, as <see cref="Forward"/> followed by <see cref="Activations.Softmax"/>
    /// (the same values up to the rounding of the sum). For 4 to 16 rows under AVX-512 the logits never leave the registers:
    /// writing z and reading it back for the softmax would make the softmax's wide loads wait for the narrower stores.
    /// </summary>
    /// <param name="w">The layer's weight, <c>rows × cols</c>.</param>
    /// <param name="b">The layer's bias, <c>rows</c> values.</param>
    /// <param name="x">The layer's input, <c>cols</c> values.</param>
    /// <param name="z">Receives the logits, <c>rows</c> values; empty when only <paramref name="a"/> is wanted.</param>
    /// <param name="a">Receives the probabilities, <c>rows</c> values (may be <paramref name="z"/>).</param>
    /// <param name="rows">Outputs.</param>
    /// <param name="cols">Inputs.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardSoftmax(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, Span<float> a, int rows, int cols)
    {
        CheckShapes(w.Length, b.Length, x.Length, a.Length, rows, cols);
        if (z.Length != 0 && z.Length != rows)
        {
            ThrowShape();
        }
        if (Vector512.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector512<float>.Count && rows >= 4 && rows <= 16)
        {
            ForwardSoftmaxVector512(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(x),
                ref MemoryMarshal.GetReference(z), ref MemoryMarshal.GetReference(a), z.Length != 0, rows, cols);
            return;
        }
        Span<float> logits = z.Length != 0 ? z : a;
        Forward(w, b, x, logits, rows, cols);
        Activations.Softmax(logits, a);
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
        Simd.MultiplyAdd(1f, ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(gradB), rows);
        BackwardCore(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(input),
            ref MemoryMarshal.GetReference(gradW), gradInput, update: true, 1f, rows, cols);
    }

    /// <summary>
    /// Backprop fused with a plain SGD step, in one pass over <c>W</c>: <c>gradInput = Wᵀ·δ</c> (with the weights as they were,
    /// when <paramref name="gradInput"/> is not empty), then <c>W ← W − η·δ·aᵀ</c> and <c>b ← b − η·δ</c>. No gradient buffer is
    /// read or written: this is the per-sample training step that touches each weight once after the forward pass.
    /// </summary>
    /// <param name="w">The layer's weight, <c>rows × cols</c>, updated in place.</param>
    /// <param name="b">The layer's bias, <c>rows</c> values, updated in place.</param>
    /// <param name="delta">δ of this layer, <c>rows</c> values.</param>
    /// <param name="input">The layer's input a⁽ˡ⁻¹⁾, <c>cols</c> values.</param>
    /// <param name="gradInput">Wᵀ·δ, overwritten; empty for the first layer.</param>
    /// <param name="rows">Outputs.</param>
    /// <param name="cols">Inputs.</param>
    /// <param name="learningRate">η.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardSgd(Span<float> w, Span<float> b, ReadOnlySpan<float> delta, ReadOnlySpan<float> input,
        Span<float> gradInput, int rows, int cols, float learningRate)
    {
        CheckShapes(w.Length, b.Length, input.Length, delta.Length, rows, cols);
        if (gradInput.Length != 0 && gradInput.Length != cols)
        {
            ThrowShape();
        }
        Simd.MultiplyAdd(-learningRate, ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(b), rows);
        ref float wr = ref MemoryMarshal.GetReference(w);
        BackwardCore(ref wr, ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(input), ref wr, gradInput, update: true, -learningRate, rows, cols);
    }

    /// <summary>
    /// <c>G ← G + scale·δ·aᵀ</c> (unless <paramref name="update"/> is false), and <c>gradInput = Wᵀ·δ</c> from W as it was
    /// (G may be W itself).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardCore(ref float wr, ref float dr, ref float ar, ref float gw, Span<float> gradInput, bool update, float scale, int rows, int cols)
    {
        bool propagate = gradInput.Length != 0;
        ref float gi = ref MemoryMarshal.GetReference(gradInput);
        if (propagate)
        {
            gradInput.Clear();
        }
        int o = 0;
        if (Vector512.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector512<float>.Count)
        {
            o = BackwardVector512(ref wr, ref dr, ref ar, ref gw, ref gi, propagate, update, scale, rows, cols);
        }
        else if (Vector256.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector256<float>.Count)
        {
            o = BackwardVector256(ref wr, ref dr, ref ar, ref gw, ref gi, propagate, update, scale, rows, cols);
        }
        for (; o < rows; o++)
        {
            float d = Unsafe.Add(ref dr, o);
            if (propagate)
            {
                Simd.MultiplyAdd(d, ref Unsafe.Add(ref wr, o * cols), ref gi, cols);
            }
            if (update)
            {
                Simd.MultiplyAdd(scale * d, ref ar, ref Unsafe.Add(ref gw, o * cols), cols);
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
