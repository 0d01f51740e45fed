using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Recurrent layers for generated networks, PyTorch's <c>nn.GRU</c> and <c>nn.LSTM</c> (batch of one, <c>num_layers</c> stacked
/// layers, layer k &gt; 0 fed by layer k − 1's hidden state): one streaming time step, a whole sequence that records what
/// backpropagation through time needs, and that backward pass.
/// </summary>
/// <remarks>
/// <para><b>Parameters</b> (the <c>parameters</c> and <c>gradients</c> spans) are PyTorch's state dict, layer after layer, each
/// layer k as <c>weight_ih_l{k}</c> <c>[G·H, in_k]</c>, <c>weight_hh_l{k}</c> <c>[G·H, H]</c>, <c>bias_ih_l{k}</c> <c>[G·H]</c>,
/// <c>bias_hh_l{k}</c> <c>[G·H]</c>, row-major and contiguous in that order (G = 3 gates r, z, n for a GRU, 4 gates i, f, g, o
/// for an LSTM; in₀ = the input size, in_k = H above). <see cref="GruParameterCount"/> and <see cref="LstmParameterCount"/>
/// give the length.</para>
/// <para><b>Packed weights.</b> The forward kernels read a packed copy (<see cref="GruPack"/>, <see cref="LstmPack"/>): per
/// layer the summed biases, then one column of all G·H gate rows per input and per hidden unit, so that a time step is one
/// pass over a fused <c>[G·H × (in + H)]</c> matrix by columns: each gate block of 8 (Vector256) or 16 (Vector512) rows is
/// a chain of multiply-adds of a weight column by a broadcast input or hidden value, with no horizontal sums. The packed copy
/// must be rebuilt whenever the parameters change (after an optimizer step or a load).</para>
/// <para><b>One summation order.</b> Every gate pre-activation is <c>b + Σⱼ W[·,j]·xⱼ</c> (j ascending, one chain of fused
/// multiply-adds starting at the bias) continued by <c>Σₖ U[·,k]·hₖ</c> split into four chains by k mod 4 (the first
/// continuing the input chain, the others starting at 0), added as (c₀ + c₁) + (c₂ + c₃). The vector forms and the scalar
/// form (any H) run this same order and <see cref="FastMath"/>'s activations give the same bits in every lane width, so a
/// step gives the same bits whichever path runs, and a recorded sequence the same bits as step after step.</para>
/// <para><b>State</b> is caller-owned: a GRU's is h, <c>layers × H</c> (PyTorch's <c>h_0</c> for a batch of one); an LSTM's is
/// h and c, two spans of <c>layers × H</c>. All zeros is the zero state. Steps on the same packed weights with different
/// state spans are independent, so one read-only network serves many streams (and threads).</para>
/// <para><b>Sequences</b> are row-major, step after step (<c>steps × size</c>). The forward pass writes every layer's
/// hidden states (<c>layers × steps × H</c>, layer after layer; the top layer's block is the layer's output) and, when
/// training, the record (<see cref="GruRecordLength"/>: r, z, n and W_hn·h + b_hn per step; <see cref="LstmRecordLength"/>:
/// i, f, g, o, c and tanh c per step). Truncated backpropagation through time is a window: run the forward pass over
/// windows of the series carrying the state, and the backward pass over each window from the state it started with.</para>
/// <para>No method allocates: the step works in registers (one gate block) or in <c>4·H</c> bytes of stack per layer (larger
/// H); the backward pass in the caller's scratch.</para>
/// </remarks>
public static partial class RecurrentKernels
{
    /// <summary>Gates of a GRU (r, z, n).</summary>
    public const int GruGates = 3;

    /// <summary>Gates of an LSTM (i, f, g, o).</summary>
    public const int LstmGates = 4;

    // ----- sizes ----------------------------------------------------------------------------------------------------------

    /// <summary>Parameters of a GRU: Σₖ 3H·(in_k + H) + 6H, PyTorch's state dict (in₀ = <paramref name="inputSize"/>, in_k = H above).</summary>
    public static int GruParameterCount(int inputSize, int hiddenSize, int layers = 1) =>
        CountOver(GruGates, inputSize, hiddenSize, layers, packed: false);

    /// <summary>Parameters of an LSTM: Σₖ 4H·(in_k + H) + 8H.</summary>
    public static int LstmParameterCount(int inputSize, int hiddenSize, int layers = 1) =>
        CountOver(LstmGates, inputSize, hiddenSize, layers, packed: false);

    /// <summary>Floats of the packed GRU weights: per layer 3H·(in_k + H + 1) + H (the separate b_hn).</summary>
    public static int GruPackedLength(int inputSize, int hiddenSize, int layers = 1) =>
        CountOver(GruGates, inputSize, hiddenSize, layers, packed: true);

    /// <summary>Floats of the packed LSTM weights: per layer 4H·(in_k + H + 1).</summary>
    public static int LstmPackedLength(int inputSize, int hiddenSize, int layers = 1) =>
        CountOver(LstmGates, inputSize, hiddenSize, layers, packed: true);

    /// <summary>Floats of a GRU's record over a sequence: layers · steps · 4H (r, z, n, W_hn·h + b_hn).</summary>
    public static int GruRecordLength(int hiddenSize, int steps, int layers = 1) => checked(layers * steps * 4 * hiddenSize);

    /// <summary>Floats of an LSTM's record over a sequence: layers · steps · 6H (i, f, g, o, c, tanh c).</summary>
    public static int LstmRecordLength(int hiddenSize, int steps, int layers = 1) => checked(layers * steps * 6 * hiddenSize);

    /// <summary>Scratch floats of <see cref="GruBackwardSequence"/>: 6H, plus 2·steps·H to pass ∂L/∂h between stacked layers.</summary>
    public static int GruBackwardScratchLength(int hiddenSize, int steps, int layers = 1) =>
        checked(6 * hiddenSize + (layers > 1 ? 2 * steps * hiddenSize : 0));

    /// <summary>Scratch floats of <see cref="LstmBackwardSequence"/>: 7H, plus 2·steps·H to pass ∂L/∂h between stacked layers.</summary>
    public static int LstmBackwardScratchLength(int hiddenSize, int steps, int layers = 1) =>
        checked(7 * hiddenSize + (layers > 1 ? 2 * steps * hiddenSize : 0));

    /// <summary>Parameter (or packed) floats of layer k alone.</summary>
    private static int LayerCount(int gates, int layerInput, int hidden, bool packed) =>
        packed
            ? checked(gates * hidden * (layerInput + hidden + 1) + (gates == GruGates ? hidden : 0))
            : checked(gates * hidden * (layerInput + hidden) + 2 * gates * hidden);

    private static int CountOver(int gates, int inputSize, int hiddenSize, int layers, bool packed)
    {
        CheckShape(inputSize, hiddenSize, layers);
        int total = LayerCount(gates, inputSize, hiddenSize, packed);
        for (int k = 1; k < layers; k++)
        {
            total = checked(total + LayerCount(gates, hiddenSize, hiddenSize, packed));
        }
        return total;
    }

    // ----- packing --------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Packs PyTorch-layout GRU parameters for the forward kernels. Per layer: <c>[b_ir + b_hr, b_iz + b_hz, b_in]</c> (3H),
    /// <c>b_hn</c> (H), then for each input j the column <c>[W_ir[:,j], W_iz[:,j], W_in[:,j]]</c> and for each hidden unit k the
    /// column <c>[W_hr[:,k], W_hz[:,k], W_hn[:,k]]</c> (3H each).
    /// </summary>
    /// <param name="parameters">PyTorch's state dict, <see cref="GruParameterCount"/> floats.</param>
    /// <param name="packed"><see cref="GruPackedLength"/> floats, overwritten.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers (PyTorch's num_layers).</param>
    public static void GruPack(ReadOnlySpan<float> parameters, Span<float> packed, int inputSize, int hiddenSize, int layers = 1)
    {
        CheckLength(parameters.Length, GruParameterCount(inputSize, hiddenSize, layers), nameof(parameters), "GRU", inputSize, hiddenSize, layers);
        CheckLength(packed.Length, GruPackedLength(inputSize, hiddenSize, layers), nameof(packed), "GRU", inputSize, hiddenSize, layers);
        int p = 0, q = 0;
        for (int k = 0; k < layers; k++)
        {
            int n = k == 0 ? inputSize : hiddenSize;
            PackLayer(GruGates, parameters.Slice(p, LayerCount(GruGates, n, hiddenSize, false)), packed.Slice(q, LayerCount(GruGates, n, hiddenSize, true)), n, hiddenSize);
            p += LayerCount(GruGates, n, hiddenSize, false);
            q += LayerCount(GruGates, n, hiddenSize, true);
        }
    }

    /// <summary>
    /// Packs PyTorch-layout LSTM parameters for the forward kernels. Per layer: <c>b_ih + b_hh</c> (4H), then for each input j
    /// the column <c>W_ih[:,j]</c> and for each hidden unit k the column <c>W_hh[:,k]</c> (4H each, gates i, f, g, o).
    /// </summary>
    /// <param name="parameters">PyTorch's state dict, <see cref="LstmParameterCount"/> floats.</param>
    /// <param name="packed"><see cref="LstmPackedLength"/> floats, overwritten.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers (PyTorch's num_layers).</param>
    public static void LstmPack(ReadOnlySpan<float> parameters, Span<float> packed, int inputSize, int hiddenSize, int layers = 1)
    {
        CheckLength(parameters.Length, LstmParameterCount(inputSize, hiddenSize, layers), nameof(parameters), "LSTM", inputSize, hiddenSize, layers);
        CheckLength(packed.Length, LstmPackedLength(inputSize, hiddenSize, layers), nameof(packed), "LSTM", inputSize, hiddenSize, layers);
        int p = 0, q = 0;
        for (int k = 0; k < layers; k++)
        {
            int n = k == 0 ? inputSize : hiddenSize;
            PackLayer(LstmGates, parameters.Slice(p, LayerCount(LstmGates, n, hiddenSize, false)), packed.Slice(q, LayerCount(LstmGates, n, hiddenSize, true)), n, hiddenSize);
            p += LayerCount(LstmGates, n, hiddenSize, false);
            q += LayerCount(LstmGates, n, hiddenSize, true);
        }
    }

    private static void PackLayer(int gates, ReadOnlySpan<float> theta, Span<float> packed, int n, int h)
    {
        int rows = gates * h;
        ReadOnlySpan<float> wih = theta.Slice(0, rows * n), whh = theta.Slice(rows * n, rows * h);
        ReadOnlySpan<float> bih = theta.Slice(rows * (n + h), rows), bhh = theta.Slice(rows * (n + h) + rows, rows);
        int head;
        if (gates == GruGates)
        {
            // r and z: the two biases summed; n: b_in here, b_hn in its own block (it sits inside r ⊙ (W_hn·h + b_hn)).
            for (int r = 0; r < 2 * h; r++)
            {
                packed[r] = bih[r] + bhh[r];
            }
            bih.Slice(2 * h, h).CopyTo(packed.Slice(2 * h));
            bhh.Slice(2 * h, h).CopyTo(packed.Slice(3 * h));
            head = 4 * h;
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                packed[r] = bih[r] + bhh[r];
            }
            head = rows;
        }
        for (int j = 0; j < n; j++)
        {
            Span<float> column = packed.Slice(head + j * rows, rows);
            for (int r = 0; r < rows; r++)
            {
                column[r] = wih[r * n + j];
            }
        }
        for (int k = 0; k < h; k++)
        {
            Span<float> column = packed.Slice(head + (n + k) * rows, rows);
            for (int r = 0; r < rows; r++)
            {
                column[r] = whh[r * h + k];
            }
        }
    }

    // ----- argument checks ------------------------------------------------------------------------------------------------

    private static void CheckShape(int inputSize, int hiddenSize, int layers)
    {
        if (inputSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "The input size must be at least 1.");
        }
        if (hiddenSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, "The hidden size must be at least 1.");
        }
        if (layers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(layers), layers, "A recurrent layer has at least 1 stacked layer.");
        }
    }

    /// <summary>
    /// The step's check of the packed length, in arithmetic the JIT folds when the sizes are constants (the per-sample path
    /// must not pay for <see cref="CountOver"/>'s loop): long products, so no overflow can make a wrong length pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckStepPacked(int actual, int gates, int inputSize, int hiddenSize, int layers, string kind)
    {
        if (inputSize < 1 || hiddenSize < 1 || layers < 1)
        {
            CheckShape(inputSize, hiddenSize, layers);
        }
        long h = hiddenSize, extra = gates == GruGates ? h : 0;
        long expected = gates * h * (inputSize + h + 1) + extra + (layers - 1) * (gates * h * (2 * h + 1) + extra);
        if (actual != expected)
        {
            ThrowLength(actual, (int)Math.Min(expected, int.MaxValue), "packed", kind, inputSize, hiddenSize, layers);
        }
    }

    private static void CheckSteps(int steps)
    {
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of time steps must not be negative.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLength(int actual, int expected, string name, string kind, int inputSize, int hiddenSize, int layers)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name, kind, inputSize, hiddenSize, layers);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string name, string kind, int inputSize, int hiddenSize, int layers) =>
        throw new ArgumentException(
            $"{name} has length {actual}, but a {kind} with input {inputSize}, hidden size {hiddenSize} and {layers} layer(s) needs {expected}.", name);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckOptional(int actual, int expected, string name, string kind, int inputSize, int hiddenSize, int layers)
    {
        if (actual != 0 && actual != expected)
        {
            ThrowOptional(actual, expected, name, kind, inputSize, hiddenSize, layers);
        }
    }

    [DoesNotReturn]
    private static void ThrowOptional(int actual, int expected, string name, string kind, int inputSize, int hiddenSize, int layers) =>
        throw new ArgumentException(
            $"{name} has length {actual}, but a {kind} with input {inputSize}, hidden size {hiddenSize} and {layers} layer(s) needs {expected} (or 0 to skip it).", name);

    private static void CheckAtLeast(int actual, int expected, string name, string kind, int inputSize, int hiddenSize, int layers)
    {
        if (actual < expected)
        {
            throw new ArgumentException(
                $"{name} has length {actual}, but a {kind} with input {inputSize}, hidden size {hiddenSize} and {layers} layer(s) needs at least {expected}.", name);
        }
    }

    // ----- shared pieces of the summation order -------------------------------------------------------------------------

    /// <summary>One gate row in the scalar form: the bias, the input chain, four hidden chains by k mod 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float RowSum(float bias, ref float columns, int row, int rows, ref float x, int n, ref float h, int hidden)
    {
        float c0 = bias;
        for (int j = 0; j < n; j++)
        {
            c0 = FastMath.MultiplyAdd(Unsafe.Add(ref columns, j * rows + row), Unsafe.Add(ref x, j), c0);
        }
        ref float hc = ref Unsafe.Add(ref columns, n * rows + row);
        float c1 = 0f, c2 = 0f, c3 = 0f;
        int k = 0;
        for (; k <= hidden - 4; k += 4)
        {
            c0 = FastMath.MultiplyAdd(Unsafe.Add(ref hc, k * rows), Unsafe.Add(ref h, k), c0);
            c1 = FastMath.MultiplyAdd(Unsafe.Add(ref hc, (k + 1) * rows), Unsafe.Add(ref h, k + 1), c1);
            c2 = FastMath.MultiplyAdd(Unsafe.Add(ref hc, (k + 2) * rows), Unsafe.Add(ref h, k + 2), c2);
            c3 = FastMath.MultiplyAdd(Unsafe.Add(ref hc, (k + 3) * rows), Unsafe.Add(ref h, k + 3), c3);
        }
        if (k < hidden)
        {
            c0 = FastMath.MultiplyAdd(Unsafe.Add(ref hc, k * rows), Unsafe.Add(ref h, k), c0);
        }
        if (k + 1 < hidden)
        {
            c1 = FastMath.MultiplyAdd(Unsafe.Add(ref hc, (k + 1) * rows), Unsafe.Add(ref h, k + 1), c1);
        }
        if (k + 2 < hidden)
        {
            c2 = FastMath.MultiplyAdd(Unsafe.Add(ref hc, (k + 2) * rows), Unsafe.Add(ref h, k + 2), c2);
        }
        return (c0 + c1) + (c2 + c3);
    }

    /// <summary><c>y[i] += Σ_g a[g]·M[g, i]</c> over <paramref name="count"/> rows of length <paramref name="n"/> (row-major).</summary>
    private static void AddTransposedProduct(ref float a, int count, ref float m, int n, ref float y)
    {
        for (int g = 0; g < count; g++)
        {
            Simd.MultiplyAdd(Unsafe.Add(ref a, g), ref Unsafe.Add(ref m, g * n), ref y, n);
        }
    }

    /// <summary><c>M[g, i] += a[g]·v[i]</c> (row-major), the outer product added.</summary>
    private static void AddOuterProduct(ref float a, int count, ref float v, int n, ref float m)
    {
        for (int g = 0; g < count; g++)
        {
            Simd.MultiplyAdd(Unsafe.Add(ref a, g), ref v, ref Unsafe.Add(ref m, g * n), n);
        }
    }

    /// <summary><c>y[i] += x[i]</c>.</summary>
    private static void Add(ref float x, ref float y, int n) => Simd.MultiplyAdd(1f, ref x, ref y, n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float At(Span<float> span, int index) => ref Unsafe.Add(ref MemoryMarshal.GetReference(span), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float At(ReadOnlySpan<float> span, int index) => ref Unsafe.Add(ref MemoryMarshal.GetReference(span), index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => VectorMath.Fma(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => VectorMath.Fma(a, b, c);
}
