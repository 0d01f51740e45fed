using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

public static partial class RecurrentKernels
{
    // LSTM, PyTorch's nn.LSTM:
    //   i = σ(W_ii·x + b_ii + W_hi·h + b_hi)     f = σ(W_if·x + b_if + W_hf·h + b_hf)
    //   g = tanh(W_ig·x + b_ig + W_hg·h + b_hg)  o = σ(W_io·x + b_io + W_ho·h + b_ho)
    //   c′ = f ⊙ c + i ⊙ g                         h′ = o ⊙ tanh(c′)

    /// <summary>
    /// One time step of a (stacked) LSTM on packed weights: each layer's (h, c) ← LSTM(input, h, c), layer k &gt; 0 taking layer
    /// k − 1's new h as its input. The top layer's new h (the last H floats of <paramref name="h"/>) is the step's output.
    /// 0 bytes allocated.
    /// </summary>
    /// <param name="packed">Weights packed by <see cref="LstmPack"/>.</param>
    /// <param name="x">The input frame, <paramref name="inputSize"/> floats.</param>
    /// <param name="h">Hidden states, <c>layers × H</c>, updated in place.</param>
    /// <param name="c">Cell states, <c>layers × H</c>, updated in place.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // inlined into a generated Step: the sizes are constants there, so its checks fold
    public static void LstmStep(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, Span<float> h, Span<float> c, int inputSize, int hiddenSize, int layers = 1)
    {
        CheckStepPacked(packed.Length, LstmGates, inputSize, hiddenSize, layers, "LSTM");
        CheckLength(x.Length, inputSize, nameof(x), "LSTM", inputSize, hiddenSize, layers);
        CheckLength(h.Length, layers * hiddenSize, nameof(h), "LSTM", inputSize, hiddenSize, layers);
        CheckLength(c.Length, layers * hiddenSize, nameof(c), "LSTM", inputSize, hiddenSize, layers);
        ref float p = ref MemoryMarshal.GetReference(packed);
        ref float hs = ref MemoryMarshal.GetReference(h);
        ref float cs = ref MemoryMarshal.GetReference(c);
        int H = hiddenSize;
        LstmLayerStep(ref p, ref MemoryMarshal.GetReference(x), ref hs, ref cs, ref Unsafe.NullRef<float>(), false, inputSize, H);
        p = ref Unsafe.Add(ref p, LayerCount(LstmGates, inputSize, H, true));
        for (int k = 1; k < layers; k++)
        {
            LstmLayerStep(ref p, ref Unsafe.Add(ref hs, (k - 1) * H), ref Unsafe.Add(ref hs, k * H), ref Unsafe.Add(ref cs, k * H),
                ref Unsafe.NullRef<float>(), false, H, H);
            p = ref Unsafe.Add(ref p, LayerCount(LstmGates, H, H, true));
        }
    }

    /// <summary>
    /// A whole sequence from the given state: exactly <paramref name="steps"/> calls of <see cref="LstmStep"/> (the same bits),
    /// also writing every layer's hidden state per step and, when <paramref name="record"/> is not empty, what
    /// <see cref="LstmBackwardSequence"/> needs. 0 bytes allocated.
    /// </summary>
    /// <param name="packed">Weights packed by <see cref="LstmPack"/>.</param>
    /// <param name="inputs">The input frames, <c>steps × inputSize</c>.</param>
    /// <param name="h">Hidden states, <c>layers × H</c>: initial in, final out.</param>
    /// <param name="c">Cell states, <c>layers × H</c>: initial in, final out.</param>
    /// <param name="outputs">Every layer's hidden state per step, <c>layers × steps × H</c> (the top layer's block is the output sequence).</param>
    /// <param name="record"><see cref="LstmRecordLength"/> floats (i, f, g, o, c, tanh c per layer and step), or empty for inference.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers.</param>
    public static void LstmForwardSequence(ReadOnlySpan<float> packed, ReadOnlySpan<float> inputs, Span<float> h, Span<float> c, Span<float> outputs,
        Span<float> record, int steps, int inputSize, int hiddenSize, int layers = 1)
    {
        const string Kind = "LSTM";
        CheckSteps(steps);
        int H = hiddenSize;
        CheckLength(packed.Length, LstmPackedLength(inputSize, H, layers), nameof(packed), Kind, inputSize, H, layers);
        CheckLength(inputs.Length, steps * inputSize, nameof(inputs), Kind, inputSize, H, layers);
        CheckLength(h.Length, layers * H, nameof(h), Kind, inputSize, H, layers);
        CheckLength(c.Length, layers * H, nameof(c), Kind, inputSize, H, layers);
        CheckLength(outputs.Length, layers * steps * H, nameof(outputs), Kind, inputSize, H, layers);
        CheckOptional(record.Length, LstmRecordLength(H, steps, layers), nameof(record), Kind, inputSize, H, layers);
        ref float p = ref MemoryMarshal.GetReference(packed);
        ref float hs = ref MemoryMarshal.GetReference(h);
        ref float cs = ref MemoryMarshal.GetReference(c);
        bool recording = !record.IsEmpty;
        for (int t = 0; t < steps; t++)
        {
            ref float lp = ref p;
            for (int k = 0; k < layers; k++)
            {
                int n = k == 0 ? inputSize : H;
                ref float input = ref k == 0 ? ref At(inputs, t * inputSize) : ref At(outputs, ((k - 1) * steps + t) * H);
                ref float hk = ref Unsafe.Add(ref hs, k * H);
                ref float rec = ref recording ? ref At(record, (k * steps + t) * 6 * H) : ref Unsafe.NullRef<float>();
                LstmLayerStep(ref lp, ref input, ref hk, ref Unsafe.Add(ref cs, k * H), ref rec, recording, n, H);
                MemoryMarshal.CreateReadOnlySpan(ref hk, H).CopyTo(outputs.Slice((k * steps + t) * H, H));
                lp = ref Unsafe.Add(ref lp, LayerCount(LstmGates, n, H, true));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmLayerStep(ref float p, ref float x, ref float h, ref float c, ref float record, bool recording, int n, int H)
    {
        if (Vector512.IsHardwareAccelerated && H == Vector512<float>.Count)
        {
            LstmBlock512(ref p, ref x, ref h, ref h, ref c, ref record, recording, n, H, 0);
        }
        else if (Vector256.IsHardwareAccelerated && H == Vector256<float>.Count)
        {
            LstmBlock256(ref p, ref x, ref h, ref h, ref c, ref record, recording, n, H, 0);
        }
        else
        {
            LstmLayerStepWide(ref p, ref x, ref h, ref c, ref record, recording, n, H);
        }
    }

    /// <summary>Larger (or odd) hidden sizes: blocks of rows into a stack copy of the new h (c is updated in place: unit o's c′ needs only unit o's c).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LstmLayerStepWide(ref float p, ref float x, ref float h, ref float c, ref float record, bool recording, int n, int H)
    {
        Span<float> next = stackalloc float[H];
        ref float hNew = ref MemoryMarshal.GetReference(next);
        int o = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; o <= H - Vector512<float>.Count; o += Vector512<float>.Count)
            {
                LstmBlock512(ref p, ref x, ref h, ref hNew, ref c, ref record, recording, n, H, o);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; o <= H - Vector256<float>.Count; o += Vector256<float>.Count)
            {
                LstmBlock256(ref p, ref x, ref h, ref hNew, ref c, ref record, recording, n, H, o);
            }
        }
        for (; o < H; o++)
        {
            LstmUnit(ref p, ref x, ref h, ref hNew, ref c, ref record, recording, n, H, o);
        }
        next.CopyTo(MemoryMarshal.CreateSpan(ref h, H));
    }

    private static void LstmUnit(ref float p, ref float x, ref float h, ref float hNew, ref float c, ref float record, bool recording, int n, int H, int o)
    {
        int rows = 4 * H;
        ref float columns = ref Unsafe.Add(ref p, rows);
        float i = FastMath.Sigmoid(RowSum(Unsafe.Add(ref p, o), ref columns, o, rows, ref x, n, ref h, H));
        float f = FastMath.Sigmoid(RowSum(Unsafe.Add(ref p, H + o), ref columns, H + o, rows, ref x, n, ref h, H));
        float g = FastMath.Tanh(RowSum(Unsafe.Add(ref p, 2 * H + o), ref columns, 2 * H + o, rows, ref x, n, ref h, H));
        float og = FastMath.Sigmoid(RowSum(Unsafe.Add(ref p, 3 * H + o), ref columns, 3 * H + o, rows, ref x, n, ref h, H));
        float cn = FastMath.MultiplyAdd(f, Unsafe.Add(ref c, o), i * g);
        float tc = FastMath.Tanh(cn);
        Unsafe.Add(ref c, o) = cn;
        Unsafe.Add(ref hNew, o) = og * tc;
        if (recording)
        {
            Unsafe.Add(ref record, o) = i;
            Unsafe.Add(ref record, H + o) = f;
            Unsafe.Add(ref record, 2 * H + o) = g;
            Unsafe.Add(ref record, 3 * H + o) = og;
            Unsafe.Add(ref record, 4 * H + o) = cn;
            Unsafe.Add(ref record, 5 * H + o) = tc;
        }
    }

    /// <summary>Rows o..o+8 of the four gates with Vector256, in the class's summation order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmBlock256(ref float p, ref float x, ref float h, ref float hNew, ref float c, ref float record, bool recording, int n, int H, int o)
    {
        int rows = 4 * H;
        nuint uo = (nuint)o, uh = (nuint)H, u2h = (nuint)(2 * H), u3h = (nuint)(3 * H);
        Vector256<float> i0 = Vector256.LoadUnsafe(ref p, uo), f0 = Vector256.LoadUnsafe(ref p, uh + uo);
        Vector256<float> g0 = Vector256.LoadUnsafe(ref p, u2h + uo), o0 = Vector256.LoadUnsafe(ref p, u3h + uo);
        ref float col = ref Unsafe.Add(ref p, rows);
        for (int j = 0; j < n; j++)
        {
            Vector256<float> xj = Vector256.Create(Unsafe.Add(ref x, j));
            i0 = Fma(Vector256.LoadUnsafe(ref col, uo), xj, i0);
            f0 = Fma(Vector256.LoadUnsafe(ref col, uh + uo), xj, f0);
            g0 = Fma(Vector256.LoadUnsafe(ref col, u2h + uo), xj, g0);
            o0 = Fma(Vector256.LoadUnsafe(ref col, u3h + uo), xj, o0);
            col = ref Unsafe.Add(ref col, rows);
        }
        Vector256<float> i1 = Vector256<float>.Zero, i2 = i1, i3 = i1, f1 = i1, f2 = i1, f3 = i1, g1 = i1, g2 = i1, g3 = i1, o1 = i1, o2 = i1, o3 = i1;
        for (int k = 0; k < H; k += 4)
        {
            Vector256<float> h0 = Vector256.Create(Unsafe.Add(ref h, k)), h1 = Vector256.Create(Unsafe.Add(ref h, k + 1));
            Vector256<float> h2 = Vector256.Create(Unsafe.Add(ref h, k + 2)), h3 = Vector256.Create(Unsafe.Add(ref h, k + 3));
            ref float c1 = ref Unsafe.Add(ref col, rows);
            ref float c2 = ref Unsafe.Add(ref col, 2 * rows);
            ref float c3 = ref Unsafe.Add(ref col, 3 * rows);
            i0 = Fma(Vector256.LoadUnsafe(ref col, uo), h0, i0);
            f0 = Fma(Vector256.LoadUnsafe(ref col, uh + uo), h0, f0);
            g0 = Fma(Vector256.LoadUnsafe(ref col, u2h + uo), h0, g0);
            o0 = Fma(Vector256.LoadUnsafe(ref col, u3h + uo), h0, o0);
            i1 = Fma(Vector256.LoadUnsafe(ref c1, uo), h1, i1);
            f1 = Fma(Vector256.LoadUnsafe(ref c1, uh + uo), h1, f1);
            g1 = Fma(Vector256.LoadUnsafe(ref c1, u2h + uo), h1, g1);
            o1 = Fma(Vector256.LoadUnsafe(ref c1, u3h + uo), h1, o1);
            i2 = Fma(Vector256.LoadUnsafe(ref c2, uo), h2, i2);
            f2 = Fma(Vector256.LoadUnsafe(ref c2, uh + uo), h2, f2);
            g2 = Fma(Vector256.LoadUnsafe(ref c2, u2h + uo), h2, g2);
            o2 = Fma(Vector256.LoadUnsafe(ref c2, u3h + uo), h2, o2);
            i3 = Fma(Vector256.LoadUnsafe(ref c3, uo), h3, i3);
            f3 = Fma(Vector256.LoadUnsafe(ref c3, uh + uo), h3, f3);
            g3 = Fma(Vector256.LoadUnsafe(ref c3, u2h + uo), h3, g3);
            o3 = Fma(Vector256.LoadUnsafe(ref c3, u3h + uo), h3, o3);
            col = ref Unsafe.Add(ref col, 4 * rows);
        }
        Vector256<float> i = FastMath.Sigmoid((i0 + i1) + (i2 + i3)), f = FastMath.Sigmoid((f0 + f1) + (f2 + f3));
        Vector256<float> g = FastMath.Tanh((g0 + g1) + (g2 + g3)), og = FastMath.Sigmoid((o0 + o1) + (o2 + o3));
        Vector256<float> cn = Fma(f, Vector256.LoadUnsafe(ref c, uo), i * g);
        Vector256<float> tc = FastMath.Tanh(cn);
        cn.StoreUnsafe(ref c, uo);
        (og * tc).StoreUnsafe(ref hNew, uo);
        if (recording)
        {
            i.StoreUnsafe(ref record, uo);
            f.StoreUnsafe(ref record, uh + uo);
            g.StoreUnsafe(ref record, u2h + uo);
            og.StoreUnsafe(ref record, u3h + uo);
            cn.StoreUnsafe(ref record, u3h + uh + uo);
            tc.StoreUnsafe(ref record, u3h + u2h + uo);
        }
    }

    /// <summary>Rows o..o+16 of the four gates with Vector512 (see <see cref="LstmBlock256"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmBlock512(ref float p, ref float x, ref float h, ref float hNew, ref float c, ref float record, bool recording, int n, int H, int o)
    {
        int rows = 4 * H;
        nuint uo = (nuint)o, uh = (nuint)H, u2h = (nuint)(2 * H), u3h = (nuint)(3 * H);
        Vector512<float> i0 = Vector512.LoadUnsafe(ref p, uo), f0 = Vector512.LoadUnsafe(ref p, uh + uo);
        Vector512<float> g0 = Vector512.LoadUnsafe(ref p, u2h + uo), o0 = Vector512.LoadUnsafe(ref p, u3h + uo);
        ref float col = ref Unsafe.Add(ref p, rows);
        for (int j = 0; j < n; j++)
        {
            Vector512<float> xj = Vector512.Create(Unsafe.Add(ref x, j));
            i0 = Fma(Vector512.LoadUnsafe(ref col, uo), xj, i0);
            f0 = Fma(Vector512.LoadUnsafe(ref col, uh + uo), xj, f0);
            g0 = Fma(Vector512.LoadUnsafe(ref col, u2h + uo), xj, g0);
            o0 = Fma(Vector512.LoadUnsafe(ref col, u3h + uo), xj, o0);
            col = ref Unsafe.Add(ref col, rows);
        }
        Vector512<float> i1 = Vector512<float>.Zero, i2 = i1, i3 = i1, f1 = i1, f2 = i1, f3 = i1, g1 = i1, g2 = i1, g3 = i1, o1 = i1, o2 = i1, o3 = i1;
        for (int k = 0; k < H; k += 4)
        {
            Vector512<float> h0 = Vector512.Create(Unsafe.Add(ref h, k)), h1 = Vector512.Create(Unsafe.Add(ref h, k + 1));
            Vector512<float> h2 = Vector512.Create(Unsafe.Add(ref h, k + 2)), h3 = Vector512.Create(Unsafe.Add(ref h, k + 3));
            ref float c1 = ref Unsafe.Add(ref col, rows);
            ref float c2 = ref Unsafe.Add(ref col, 2 * rows);
            ref float c3 = ref Unsafe.Add(ref col, 3 * rows);
            i0 = Fma(Vector512.LoadUnsafe(ref col, uo), h0, i0);
            f0 = Fma(Vector512.LoadUnsafe(ref col, uh + uo), h0, f0);
            g0 = Fma(Vector512.LoadUnsafe(ref col, u2h + uo), h0, g0);
            o0 = Fma(Vector512.LoadUnsafe(ref col, u3h + uo), h0, o0);
            i1 = Fma(Vector512.LoadUnsafe(ref c1, uo), h1, i1);
            f1 = Fma(Vector512.LoadUnsafe(ref c1, uh + uo), h1, f1);
            g1 = Fma(Vector512.LoadUnsafe(ref c1, u2h + uo), h1, g1);
            o1 = Fma(Vector512.LoadUnsafe(ref c1, u3h + uo), h1, o1);
            i2 = Fma(Vector512.LoadUnsafe(ref c2, uo), h2, i2);
            f2 = Fma(Vector512.LoadUnsafe(ref c2, uh + uo), h2, f2);
            g2 = Fma(Vector512.LoadUnsafe(ref c2, u2h + uo), h2, g2);
            o2 = Fma(Vector512.LoadUnsafe(ref c2, u3h + uo), h2, o2);
            i3 = Fma(Vector512.LoadUnsafe(ref c3, uo), h3, i3);
            f3 = Fma(Vector512.LoadUnsafe(ref c3, uh + uo), h3, f3);
            g3 = Fma(Vector512.LoadUnsafe(ref c3, u2h + uo), h3, g3);
            o3 = Fma(Vector512.LoadUnsafe(ref c3, u3h + uo), h3, o3);
            col = ref Unsafe.Add(ref col, 4 * rows);
        }
        Vector512<float> i = FastMath.Sigmoid((i0 + i1) + (i2 + i3)), f = FastMath.Sigmoid((f0 + f1) + (f2 + f3));
        Vector512<float> g = FastMath.Tanh((g0 + g1) + (g2 + g3)), og = FastMath.Sigmoid((o0 + o1) + (o2 + o3));
        Vector512<float> cn = Fma(f, Vector512.LoadUnsafe(ref c, uo), i * g);
        Vector512<float> tc = FastMath.Tanh(cn);
        cn.StoreUnsafe(ref c, uo);
        (og * tc).StoreUnsafe(ref hNew, uo);
        if (recording)
        {
            i.StoreUnsafe(ref record, uo);
            f.StoreUnsafe(ref record, uh + uo);
            g.StoreUnsafe(ref record, u2h + uo);
            og.StoreUnsafe(ref record, u3h + uo);
            cn.StoreUnsafe(ref record, u3h + uh + uo);
            tc.StoreUnsafe(ref record, u3h + u2h + uo);
        }
    }

    /// <summary>
    /// Backpropagation through time over a sequence that <see cref="LstmForwardSequence"/> ran and recorded: adds ∂L/∂θ (all four
    /// tensors of every layer) to <paramref name="gradients"/> and writes ∂L/∂xₜ and ∂L/∂(h₀, c₀). 0 bytes allocated.
    /// </summary>
    /// <remarks>
    /// Per step t, from the last back, with δh = ∂L/∂hₜ from above + the δh carried from t + 1 and δc carried from t + 1:
    /// <code>
    /// δo = δh ⊙ tanh c              δc ← δc + δh ⊙ o ⊙ (1 − tanh² c)
    /// δi = δc ⊙ g    δg = δc ⊙ i    δf = δc ⊙ c₋    δc₋ = δc ⊙ f
    /// δa = [δi ⊙ i(1 − i); δf ⊙ f(1 − f); δg ⊙ (1 − g²); δo ⊙ o(1 − o)]
    /// ∂W_ih += δa·xᵀ  ∂W_hh += δa·h₋ᵀ  ∂b_ih += δa  ∂b_hh += δa      δx = W_ihᵀ·δa   δh₋ = W_hhᵀ·δa
    /// </code>
    /// </remarks>
    /// <param name="parameters">PyTorch-layout parameters.</param>
    /// <param name="inputs">The input frames, <c>steps × inputSize</c>.</param>
    /// <param name="initialH">The hidden states the forward pass started from, <c>layers × H</c>.</param>
    /// <param name="initialC">The cell states the forward pass started from, <c>layers × H</c>.</param>
    /// <param name="outputs">The forward pass's hidden states, <c>layers × steps × H</c>.</param>
    /// <param name="record">The forward pass's record, <see cref="LstmRecordLength"/> floats.</param>
    /// <param name="outputGradients">∂L/∂hₜ of the top layer from the layer above, <c>steps × H</c>.</param>
    /// <param name="gradients">∂L/∂θ, added to.</param>
    /// <param name="inputGradients">∂L/∂xₜ, <c>steps × inputSize</c>, overwritten; or empty to skip.</param>
    /// <param name="initialStateGradients">∂L/∂h₀ then ∂L/∂c₀, <c>2 × layers × H</c>, overwritten; or empty to skip.</param>
    /// <param name="scratch">At least <see cref="LstmBackwardScratchLength"/> floats, overlapping nothing else.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers.</param>
    public static void LstmBackwardSequence(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> initialH,
        ReadOnlySpan<float> initialC, ReadOnlySpan<float> outputs, ReadOnlySpan<float> record, ReadOnlySpan<float> outputGradients,
        Span<float> gradients, Span<float> inputGradients, Span<float> initialStateGradients, Span<float> scratch,
        int steps, int inputSize, int hiddenSize, int layers = 1)
    {
        const string Kind = "LSTM";
        CheckSteps(steps);
        int count = LstmParameterCount(inputSize, hiddenSize, layers), H = hiddenSize;
        CheckLength(parameters.Length, count, nameof(parameters), Kind, inputSize, H, layers);
        CheckLength(inputs.Length, steps * inputSize, nameof(inputs), Kind, inputSize, H, layers);
        CheckLength(initialH.Length, layers * H, nameof(initialH), Kind, inputSize, H, layers);
        CheckLength(initialC.Length, layers * H, nameof(initialC), Kind, inputSize, H, layers);
        CheckLength(outputs.Length, layers * steps * H, nameof(outputs), Kind, inputSize, H, layers);
        CheckLength(record.Length, LstmRecordLength(H, steps, layers), nameof(record), Kind, inputSize, H, layers);
        CheckLength(outputGradients.Length, steps * H, nameof(outputGradients), Kind, inputSize, H, layers);
        CheckLength(gradients.Length, count, nameof(gradients), Kind, inputSize, H, layers);
        CheckOptional(inputGradients.Length, steps * inputSize, nameof(inputGradients), Kind, inputSize, H, layers);
        CheckOptional(initialStateGradients.Length, 2 * layers * H, nameof(initialStateGradients), Kind, inputSize, H, layers);
        CheckAtLeast(scratch.Length, LstmBackwardScratchLength(H, steps, layers), nameof(scratch), Kind, inputSize, H, layers);

        Span<float> work = scratch.Slice(0, 7 * H);
        Span<float> above = layers > 1 ? scratch.Slice(7 * H, steps * H) : default;
        Span<float> below = layers > 1 ? scratch.Slice(7 * H + steps * H, steps * H) : default;
        int offset = count;
        for (int k = layers - 1; k >= 0; k--)
        {
            int n = k == 0 ? inputSize : H;
            int size = LayerCount(LstmGates, n, H, false);
            offset -= size;
            ReadOnlySpan<float> dh = k == layers - 1 ? outputGradients : above;
            Span<float> dx = k == 0 ? inputGradients : below;
            ReadOnlySpan<float> x = k == 0 ? inputs : outputs.Slice((k - 1) * steps * H, steps * H);
            LstmLayerBackward(parameters.Slice(offset, size), x, initialH.Slice(k * H, H), initialC.Slice(k * H, H),
                outputs.Slice(k * steps * H, steps * H), record.Slice(k * steps * 6 * H, steps * 6 * H), dh, gradients.Slice(offset, size), dx,
                initialStateGradients.IsEmpty ? default : initialStateGradients.Slice(k * H, H),
                initialStateGradients.IsEmpty ? default : initialStateGradients.Slice((layers + k) * H, H), work, steps, n, H);
            if (k > 0)
            {
                below.CopyTo(above);
            }
        }
    }

    private static void LstmLayerBackward(ReadOnlySpan<float> theta, ReadOnlySpan<float> inputs, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0,
        ReadOnlySpan<float> outputs, ReadOnlySpan<float> record, ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients,
        Span<float> h0Gradients, Span<float> c0Gradients, Span<float> work, int steps, int n, int H)
    {
        int rows = 4 * H;
        ref float wih = ref At(theta, 0);
        ref float whh = ref At(theta, rows * n);
        ref float gwih = ref At(gradients, 0);
        ref float gwhh = ref At(gradients, rows * n);
        ref float gbih = ref At(gradients, rows * (n + H));
        ref float gbhh = ref At(gradients, rows * (n + H) + rows);
        // work: δa (4H), δh (H), δc (H), δh₋ (H).
        ref float da = ref At(work, 0);
        ref float dh = ref At(work, 4 * H);
        ref float dc = ref At(work, 5 * H);
        ref float dhPrev = ref At(work, 6 * H);
        work.Slice(4 * H, 2 * H).Clear();
        bool wantInput = !inputGradients.IsEmpty;
        for (int t = steps - 1; t >= 0; t--)
        {
            Add(ref At(outputGradients, t * H), ref dh, H);
            ref float rec = ref At(record, t * 6 * H);
            ref float hPrev = ref t > 0 ? ref At(outputs, (t - 1) * H) : ref At(h0, 0);
            ref float cPrev = ref t > 0 ? ref At(record, (t - 1) * 6 * H + 4 * H) : ref At(c0, 0);
            ref float x = ref At(inputs, t * n);
            for (int u = 0; u < H; u++)
            {
                float i = Unsafe.Add(ref rec, u), f = Unsafe.Add(ref rec, H + u), g = Unsafe.Add(ref rec, 2 * H + u), o = Unsafe.Add(ref rec, 3 * H + u);
                float tc = Unsafe.Add(ref rec, 5 * H + u);
                float d = Unsafe.Add(ref dh, u);
                float dct = Unsafe.Add(ref dc, u) + d * o * (1f - tc * tc);
                Unsafe.Add(ref da, u) = dct * g * (i * (1f - i));
                Unsafe.Add(ref da, H + u) = dct * Unsafe.Add(ref cPrev, u) * (f * (1f - f));
                Unsafe.Add(ref da, 2 * H + u) = dct * i * (1f - g * g);
                Unsafe.Add(ref da, 3 * H + u) = d * tc * (o * (1f - o));
                Unsafe.Add(ref dc, u) = dct * f;
            }
            Add(ref da, ref gbih, rows);
            Add(ref da, ref gbhh, rows);
            AddOuterProduct(ref da, rows, ref x, n, ref gwih);
            AddOuterProduct(ref da, rows, ref hPrev, H, ref gwhh);
            if (wantInput)
            {
                ref float dx = ref At(inputGradients, t * n);
                MemoryMarshal.CreateSpan(ref dx, n).Clear();
                AddTransposedProduct(ref da, rows, ref wih, n, ref dx);
            }
            // δh₋ = W_hhᵀ·δa: the recursion across time (δc₋ = δc ⊙ f is already in δc).
            MemoryMarshal.CreateSpan(ref dhPrev, H).Clear();
            AddTransposedProduct(ref da, rows, ref whh, H, ref dhPrev);
            MemoryMarshal.CreateSpan(ref dhPrev, H).CopyTo(MemoryMarshal.CreateSpan(ref dh, H));
        }
        if (!h0Gradients.IsEmpty)
        {
            MemoryMarshal.CreateSpan(ref dh, H).CopyTo(h0Gradients);
            MemoryMarshal.CreateSpan(ref dc, H).CopyTo(c0Gradients);
        }
    }
}
