using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Backprop's propagation alone, δ⁽ˡ⁻¹⁾'s pre-activation part Wᵀ·δ, for the guarded SGD step: a generated
/// <c>TrainStep</c> first computes every layer's δ with the weights as they were, checks that no step term can be NaN or ±∞,
/// and only then takes the step (<see cref="BackwardSgd"/> with no propagation). The arithmetic is the fused kernels', so the
/// bits are the same as <see cref="Backward"/>'s and <see cref="BackwardSgd"/>'s <c>gradInput</c>.
/// </summary>
public static partial class DenseKernels
{
    /// <summary><c>gradInput = Wᵀ·δ</c> for one sample.</summary>
    /// <param name="w">W, <c>rows × cols</c>.</param>
    /// <param name="delta">δ of this layer, <c>rows</c> values.</param>
    /// <param name="gradInput">Wᵀ·δ, <c>cols</c> values, overwritten.</param>
    /// <param name="rows">Outputs.</param>
    /// <param name="cols">Inputs.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Propagate(ReadOnlySpan<float> w, ReadOnlySpan<float> delta, Span<float> gradInput, int rows, int cols)
    {
        if (w.Length != rows * cols || delta.Length != rows || gradInput.Length != cols)
        {
            ThrowShape();
        }
        ref float wr = ref MemoryMarshal.GetReference(w);
        BackwardCore(ref wr, ref MemoryMarshal.GetReference(delta), ref wr, ref wr, gradInput, update: false, 0f, rows, cols);
    }

    /// <summary><c>gradInput[s] = Wᵀ·δₛ</c> for every sample of a batch (the propagation of <see cref="BackwardBatchSgd"/>).</summary>
    /// <param name="w">W, <c>rows × cols</c>.</param>
    /// <param name="delta">Δ, <c>batch × rows</c>.</param>
    /// <param name="gradInput">Wᵀ·δ per sample, <c>batch × cols</c>, overwritten.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="rows">Outputs per sample.</param>
    /// <param name="cols">Inputs per sample.</param>
    public static void PropagateBatchOnly(ReadOnlySpan<float> w, ReadOnlySpan<float> delta, Span<float> gradInput, int batch, int rows, int cols)
    {
        if (w.Length != rows * cols || delta.Length != batch * rows || gradInput.Length != batch * cols)
        {
            ThrowShape();
        }
        PropagateBatch(w, delta, gradInput, batch, rows, cols);
    }
}
