using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

public static partial class RecurrentKernels
{
    // GRU, PyTorch's nn.GRU:
    //   r  = σ(W_ir·x + b_ir + W_hr·h + b_hr)
    //   z  = σ(W_iz·x + b_iz + W_hz·h + b_hz)
    //   n  = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))
    //   h′ = (1 − z) ⊙ n + z ⊙ h                       computed as n + z ⊙ (h − n)

    /// <summary>
    /// One time step of a (stacked) GRU on packed weights: each layer's h ← GRU(input, h), layer k &gt; 0 taking layer k − 1's
    /// new h as its input. The top layer's new h (the last H floats of <paramref name="h"/>) is the step's output.
    /// 0 bytes allocated.
    /// </summary>
    /// <param name="packed">Weights packed by <see cref="GruPack"/>.</param>
    /// <param name="x">The input frame, <paramref name="inputSize"/> floats.</param>
    /// <param name="h">The state, <c>layers × H</c> floats, updated in place.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // inlined into a generated Step: the sizes are constants there, so its checks fold
    public static void GruStep(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, Span<float> h, int inputSize, int hiddenSize, int layers = 1)
    {
        CheckStepPacked(packed.Length, GruGates, inputSize, hiddenSize, layers, "GRU");
        CheckLength(x.Length, inputSize, nameof(x), "GRU", inputSize, hiddenSize, layers);
        CheckLength(h.Length, layers * hiddenSize, nameof(h), "GRU", inputSize, hiddenSize, layers);
        ref float p = ref MemoryMarshal.GetReference(packed);
        ref float input = ref MemoryMarshal.GetReference(x);
        ref float state = ref MemoryMarshal.GetReference(h);
        GruStepLayers(ref p, ref input, ref state, inputSize, hiddenSize, layers);
    }

    /// <summary>
    /// A whole sequence from the given state: exactly <paramref name="steps"/> calls of <see cref="GruStep"/> (the same bits),
    /// also writing every layer's hidden state per step and, when <paramref name="record"/> is not empty, the gates that
    /// <see cref="GruBackwardSequence"/> needs. 0 bytes allocated.
    /// </summary>
    /// <param name="packed">Weights packed by <see cref="GruPack"/>.</param>
    /// <param name="inputs">The input frames, <c>steps × inputSize</c>.</param>
    /// <param name="h">The state, <c>layers × H</c>: the initial state in, the final state out.</param>
    /// <param name="outputs">Every layer's hidden state per step, <c>layers × steps × H</c> (layer k's block at k·steps·H; the top layer's block is the output sequence).</param>
    /// <param name="record"><see cref="GruRecordLength"/> floats (r, z, n, W_hn·h + b_hn per layer and step, layer after layer), or empty for inference.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers.</param>
    public static void GruForwardSequence(ReadOnlySpan<float> packed, ReadOnlySpan<float> inputs, Span<float> h, Span<float> outputs, Span<float> record,
        int steps, int inputSize, int hiddenSize, int layers = 1)
    {
        CheckSteps(steps);
        CheckLength(packed.Length, GruPackedLength(inputSize, hiddenSize, layers), nameof(packed), "GRU", inputSize, hiddenSize, layers);
        CheckLength(inputs.Length, steps * inputSize, nameof(inputs), "GRU", inputSize, hiddenSize, layers);
        CheckLength(h.Length, layers * hiddenSize, nameof(h), "GRU", inputSize, hiddenSize, layers);
        CheckLength(outputs.Length, layers * steps * hiddenSize, nameof(outputs), "GRU", inputSize, hiddenSize, layers);
        CheckOptional(record.Length, GruRecordLength(hiddenSize, steps, layers), nameof(record), "GRU", inputSize, hiddenSize, layers);
        ref float p = ref MemoryMarshal.GetReference(packed);
        ref float state = ref MemoryMarshal.GetReference(h);
        bool recording = !record.IsEmpty;
        int H = hiddenSize;
        for (int t = 0; t < steps; t++)
        {
            ref float lp = ref p;
            for (int k = 0; k < layers; k++)
            {
                int n = k == 0 ? inputSize : H;
                ref float input = ref k == 0 ? ref At(inputs, t * inputSize) : ref At(outputs, ((k - 1) * steps + t) * H);
                ref float hk = ref Unsafe.Add(ref state, k * H);
                ref float rec = ref recording ? ref At(record, (k * steps + t) * 4 * H) : ref Unsafe.NullRef<float>();
                GruLayerStep(ref lp, ref input, ref hk, ref rec, recording, n, H);
                MemoryMarshal.CreateReadOnlySpan(ref hk, H).CopyTo(outputs.Slice((k * steps + t) * H, H));
                lp = ref Unsafe.Add(ref lp, LayerCount(GruGates, n, H, true));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GruStepLayers(ref float p, ref float x, ref float h, int inputSize, int H, int layers)
    {
        GruLayerStep(ref p, ref x, ref h, ref Unsafe.NullRef<float>(), false, inputSize, H);
        p = ref Unsafe.Add(ref p, LayerCount(GruGates, inputSize, H, true));
        for (int k = 1; k < layers; k++)
        {
            ref float below = ref Unsafe.Add(ref h, (k - 1) * H);
            GruLayerStep(ref p, ref below, ref Unsafe.Add(ref h, k * H), ref Unsafe.NullRef<float>(), false, H, H);
            p = ref Unsafe.Add(ref p, LayerCount(GruGates, H, H, true));
        }
    }

    /// <summary>One layer's step: h ← GRU(x, h), recording r, z, n, W_hn·h + b_hn when asked. Dispatches on H and the hardware.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GruLayerStep(ref float p, ref float x, ref float h, ref float record, bool recording, int n, int H)
    {
        if (Vector512.IsHardwareAccelerated && H == Vector512<float>.Count)
        {
            GruBlock512(ref p, ref x, ref h, ref h, ref record, recording, n, H, 0);
        }
        else if (Vector256.IsHardwareAccelerated && H == Vector256<float>.Count)
        {
            GruBlock256(ref p, ref x, ref h, ref h, ref record, recording, n, H, 0);
        }
        else
        {
            GruLayerStepWide(ref p, ref x, ref h, ref record, recording, n, H);
        }
    }

    /// <summary>Larger (or odd) hidden sizes: blocks of rows into a stack copy of the new h, then copied over h.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void GruLayerStepWide(ref float p, ref float x, ref float h, ref float record, bool recording, int n, int H)
    {
        Span<float> next = stackalloc float[H];
        ref float hNew = ref MemoryMarshal.GetReference(next);
        int o = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; o <= H - Vector512<float>.Count; o += Vector512<float>.Count)
            {
                GruBlock512(ref p, ref x, ref h, ref hNew, ref record, recording, n, H, o);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; o <= H - Vector256<float>.Count; o += Vector256<float>.Count)
            {
                GruBlock256(ref p, ref x, ref h, ref hNew, ref record, recording, n, H, o);
            }
        }
        for (; o < H; o++)
        {
            GruUnit(ref p, ref x, ref h, ref hNew, ref record, recording, n, H, o);
        }
        next.CopyTo(MemoryMarshal.CreateSpan(ref h, H));
    }

    /// <summary>Unit o of the new h in the scalar form (the same operations as a vector lane).</summary>
    private static void GruUnit(ref float p, ref float x, ref float h, ref float hNew, ref float record, bool recording, int n, int H, int o)
    {
        int rows = 3 * H;
        ref float columns = ref Unsafe.Add(ref p, 4 * H);
        float ar = RowSum(Unsafe.Add(ref p, o), ref columns, o, rows, ref x, n, ref h, H);
        float az = RowSum(Unsafe.Add(ref p, H + o), ref columns, H + o, rows, ref x, n, ref h, H);
        // n's two halves: W_in·x + b_in (the input columns only), W_hn·h + b_hn (the hidden columns only).
        float anx = RowSum(Unsafe.Add(ref p, 2 * H + o), ref columns, 2 * H + o, rows, ref x, n, ref h, 0);
        float anh = RowSum(Unsafe.Add(ref p, 3 * H + o), ref Unsafe.Add(ref columns, n * rows), 2 * H + o, rows, ref x, 0, ref h, H);
        float r = FastMath.Sigmoid(ar), z = FastMath.Sigmoid(az);
        float g = FastMath.Tanh(FastMath.MultiplyAdd(r, anh, anx));
        float hp = Unsafe.Add(ref h, o);
        Unsafe.Add(ref hNew, o) = FastMath.MultiplyAdd(z, hp - g, g);
        if (recording)
        {
            Unsafe.Add(ref record, o) = r;
            Unsafe.Add(ref record, H + o) = z;
            Unsafe.Add(ref record, 2 * H + o) = g;
            Unsafe.Add(ref record, 3 * H + o) = anh;
        }
    }

    /// <summary>Rows o..o+8 of every gate, with Vector256: columns times broadcast inputs, in the class's summation order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GruBlock256(ref float p, ref float x, ref float h, ref float hNew, ref float record, bool recording, int n, int H, int o)
    {
        int rows = 3 * H;
        nuint uo = (nuint)o, uh = (nuint)H, u2h = (nuint)(2 * H);
        Vector256<float> r0 = Vector256.LoadUnsafe(ref p, uo);
        Vector256<float> z0 = Vector256.LoadUnsafe(ref p, uh + uo);
        Vector256<float> nx = Vector256.LoadUnsafe(ref p, u2h + uo);
        Vector256<float> nh0 = Vector256.LoadUnsafe(ref p, u2h + uh + uo);
        ref float col = ref Unsafe.Add(ref p, 4 * H);
        for (int j = 0; j < n; j++)
        {
            Vector256<float> xj = Vector256.Create(Unsafe.Add(ref x, j));
            r0 = Fma(Vector256.LoadUnsafe(ref col, uo), xj, r0);
            z0 = Fma(Vector256.LoadUnsafe(ref col, uh + uo), xj, z0);
            nx = Fma(Vector256.LoadUnsafe(ref col, u2h + uo), xj, nx);
            col = ref Unsafe.Add(ref col, rows);
        }
        Vector256<float> r1 = Vector256<float>.Zero, r2 = r1, r3 = r1, z1 = r1, z2 = r1, z3 = r1, nh1 = r1, nh2 = r1, nh3 = r1;
        for (int k = 0; k < H; k += 4)
        {
            Vector256<float> h0 = Vector256.Create(Unsafe.Add(ref h, k)), h1 = Vector256.Create(Unsafe.Add(ref h, k + 1));
            Vector256<float> h2 = Vector256.Create(Unsafe.Add(ref h, k + 2)), h3 = Vector256.Create(Unsafe.Add(ref h, k + 3));
            ref float c1 = ref Unsafe.Add(ref col, rows);
            ref float c2 = ref Unsafe.Add(ref col, 2 * rows);
            ref float c3 = ref Unsafe.Add(ref col, 3 * rows);
            r0 = Fma(Vector256.LoadUnsafe(ref col, uo), h0, r0);
            z0 = Fma(Vector256.LoadUnsafe(ref col, uh + uo), h0, z0);
            nh0 = Fma(Vector256.LoadUnsafe(ref col, u2h + uo), h0, nh0);
            r1 = Fma(Vector256.LoadUnsafe(ref c1, uo), h1, r1);
            z1 = Fma(Vector256.LoadUnsafe(ref c1, uh + uo), h1, z1);
            nh1 = Fma(Vector256.LoadUnsafe(ref c1, u2h + uo), h1, nh1);
            r2 = Fma(Vector256.LoadUnsafe(ref c2, uo), h2, r2);
            z2 = Fma(Vector256.LoadUnsafe(ref c2, uh + uo), h2, z2);
            nh2 = Fma(Vector256.LoadUnsafe(ref c2, u2h + uo), h2, nh2);
            r3 = Fma(Vector256.LoadUnsafe(ref c3, uo), h3, r3);
            z3 = Fma(Vector256.LoadUnsafe(ref c3, uh + uo), h3, z3);
            nh3 = Fma(Vector256.LoadUnsafe(ref c3, u2h + uo), h3, nh3);
            col = ref Unsafe.Add(ref col, 4 * rows);
        }
        Vector256<float> ar = (r0 + r1) + (r2 + r3), az = (z0 + z1) + (z2 + z3), anh = (nh0 + nh1) + (nh2 + nh3);
        // r and z through separate σ: only r is on the step's critical path (n waits for it), z runs alongside tanh.
        Vector256<float> r = FastMath.Sigmoid(ar), z = FastMath.Sigmoid(az);
        Vector256<float> g = FastMath.Tanh(Fma(r, anh, nx));
        Vector256<float> hp = Vector256.LoadUnsafe(ref h, uo);
        Fma(z, hp - g, g).StoreUnsafe(ref hNew, uo);
        if (recording)
        {
            r.StoreUnsafe(ref record, uo);
            z.StoreUnsafe(ref record, uh + uo);
            g.StoreUnsafe(ref record, u2h + uo);
            anh.StoreUnsafe(ref record, u2h + uh + uo);
        }
    }

    /// <summary>Rows o..o+16 of every gate, with Vector512 (see <see cref="GruBlock256"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GruBlock512(ref float p, ref float x, ref float h, ref float hNew, ref float record, bool recording, int n, int H, int o)
    {
        int rows = 3 * H;
        nuint uo = (nuint)o, uh = (nuint)H, u2h = (nuint)(2 * H);
        Vector512<float> r0 = Vector512.LoadUnsafe(ref p, uo);
        Vector512<float> z0 = Vector512.LoadUnsafe(ref p, uh + uo);
        Vector512<float> nx = Vector512.LoadUnsafe(ref p, u2h + uo);
        Vector512<float> nh0 = Vector512.LoadUnsafe(ref p, u2h + uh + uo);
        ref float col = ref Unsafe.Add(ref p, 4 * H);
        for (int j = 0; j < n; j++)
        {
            Vector512<float> xj = Vector512.Create(Unsafe.Add(ref x, j));
            r0 = Fma(Vector512.LoadUnsafe(ref col, uo), xj, r0);
            z0 = Fma(Vector512.LoadUnsafe(ref col, uh + uo), xj, z0);
            nx = Fma(Vector512.LoadUnsafe(ref col, u2h + uo), xj, nx);
            col = ref Unsafe.Add(ref col, rows);
        }
        Vector512<float> r1 = Vector512<float>.Zero, r2 = r1, r3 = r1, z1 = r1, z2 = r1, z3 = r1, nh1 = r1, nh2 = r1, nh3 = r1;
        for (int k = 0; k < H; k += 4)
        {
            Vector512<float> h0 = Vector512.Create(Unsafe.Add(ref h, k)), h1 = Vector512.Create(Unsafe.Add(ref h, k + 1));
            Vector512<float> h2 = Vector512.Create(Unsafe.Add(ref h, k + 2)), h3 = Vector512.Create(Unsafe.Add(ref h, k + 3));
            ref float c1 = ref Unsafe.Add(ref col, rows);
            ref float c2 = ref Unsafe.Add(ref col, 2 * rows);
            ref float c3 = ref Unsafe.Add(ref col, 3 * rows);
            r0 = Fma(Vector512.LoadUnsafe(ref col, uo), h0, r0);
            z0 = Fma(Vector512.LoadUnsafe(ref col, uh + uo), h0, z0);
            nh0 = Fma(Vector512.LoadUnsafe(ref col, u2h + uo), h0, nh0);
            r1 = Fma(Vector512.LoadUnsafe(ref c1, uo), h1, r1);
            z1 = Fma(Vector512.LoadUnsafe(ref c1, uh + uo), h1, z1);
            nh1 = Fma(Vector512.LoadUnsafe(ref c1, u2h + uo), h1, nh1);
            r2 = Fma(Vector512.LoadUnsafe(ref c2, uo), h2, r2);
            z2 = Fma(Vector512.LoadUnsafe(ref c2, uh + uo), h2, z2);
            nh2 = Fma(Vector512.LoadUnsafe(ref c2, u2h + uo), h2, nh2);
            r3 = Fma(Vector512.LoadUnsafe(ref c3, uo), h3, r3);
            z3 = Fma(Vector512.LoadUnsafe(ref c3, uh + uo), h3, z3);
            nh3 = Fma(Vector512.LoadUnsafe(ref c3, u2h + uo), h3, nh3);
            col = ref Unsafe.Add(ref col, 4 * rows);
        }
        Vector512<float> r = FastMath.Sigmoid((r0 + r1) + (r2 + r3)), z = FastMath.Sigmoid((z0 + z1) + (z2 + z3));
        Vector512<float> anh = (nh0 + nh1) + (nh2 + nh3);
        Vector512<float> g = FastMath.Tanh(Fma(r, anh, nx));
        Vector512<float> hp = Vector512.LoadUnsafe(ref h, uo);
        Fma(z, hp - g, g).StoreUnsafe(ref hNew, uo);
        if (recording)
        {
            r.StoreUnsafe(ref record, uo);
            z.StoreUnsafe(ref record, uh + uo);
            g.StoreUnsafe(ref record, u2h + uo);
            anh.StoreUnsafe(ref record, u2h + uh + uo);
        }
    }

    /// <summary>
    /// Backpropagation through time over a sequence that <see cref="GruForwardSequence"/> ran and recorded: adds ∂L/∂θ (all four
    /// tensors of every layer, PyTorch's layout) to <paramref name="gradients"/> and writes ∂L/∂xₜ and ∂L/∂h₀. 0 bytes allocated.
    /// </summary>
    /// <remarks>
    /// Per step t, from the last back, with δh = ∂L/∂hₜ from above + the δh carried from step t + 1:
    /// <code>
    /// δn = δh ⊙ (1 − z)            δz = δh ⊙ (h₋ − n)          δh₋ = δh ⊙ z + W_hhᵀ·[δa_r; δa_z; δa_hn]
    /// δa_n = δn ⊙ (1 − n²)         δa_hn = δa_n ⊙ r            δa_r = δa_n ⊙ (W_hn·h₋ + b_hn) ⊙ r(1 − r)
    /// δa_z = δz ⊙ z(1 − z)         δx = W_ihᵀ·[δa_r; δa_z; δa_n]
    /// ∂W_ih += [δa_r; δa_z; δa_n]·xᵀ   ∂b_ih += [δa_r; δa_z; δa_n]   ∂W_hh += [δa_r; δa_z; δa_hn]·h₋ᵀ   ∂b_hh += [δa_r; δa_z; δa_hn]
    /// </code>
    /// Stacked layers run top-down: layer k's ∂L/∂x is layer k − 1's ∂L/∂h from above.
    /// </remarks>
    /// <param name="parameters">PyTorch-layout parameters (the ones packed for the forward pass).</param>
    /// <param name="inputs">The input frames, <c>steps × inputSize</c>.</param>
    /// <param name="initialH">The state the forward pass started from, <c>layers × H</c>.</param>
    /// <param name="outputs">The forward pass's hidden states, <c>layers × steps × H</c>.</param>
    /// <param name="record">The forward pass's record, <see cref="GruRecordLength"/> floats.</param>
    /// <param name="outputGradients">∂L/∂hₜ of the top layer from the layer above, <c>steps × H</c>.</param>
    /// <param name="gradients">∂L/∂θ, added to (same layout as <paramref name="parameters"/>).</param>
    /// <param name="inputGradients">∂L/∂xₜ, <c>steps × inputSize</c>, overwritten; or empty to skip.</param>
    /// <param name="initialStateGradients">∂L/∂h₀, <c>layers × H</c>, overwritten; or empty to skip.</param>
    /// <param name="scratch">At least <see cref="GruBackwardScratchLength"/> floats, overlapping nothing else.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="inputSize">Inputs per time step.</param>
    /// <param name="hiddenSize">Hidden units H per layer.</param>
    /// <param name="layers">Stacked layers.</param>
    public static void GruBackwardSequence(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> initialH,
        ReadOnlySpan<float> outputs, ReadOnlySpan<float> record, ReadOnlySpan<float> outputGradients, Span<float> gradients,
        Span<float> inputGradients, Span<float> initialStateGradients, Span<float> scratch, int steps, int inputSize, int hiddenSize, int layers = 1)
    {
        const string Kind = "GRU";
        CheckSteps(steps);
        int count = GruParameterCount(inputSize, hiddenSize, layers), H = hiddenSize;
        CheckLength(parameters.Length, count, nameof(parameters), Kind, inputSize, H, layers);
        CheckLength(inputs.Length, steps * inputSize, nameof(inputs), Kind, inputSize, H, layers);
        CheckLength(initialH.Length, layers * H, nameof(initialH), Kind, inputSize, H, layers);
        CheckLength(outputs.Length, layers * steps * H, nameof(outputs), Kind, inputSize, H, layers);
        CheckLength(record.Length, GruRecordLength(H, steps, layers), nameof(record), Kind, inputSize, H, layers);
        CheckLength(outputGradients.Length, steps * H, nameof(outputGradients), Kind, inputSize, H, layers);
        CheckLength(gradients.Length, count, nameof(gradients), Kind, inputSize, H, layers);
        CheckOptional(inputGradients.Length, steps * inputSize, nameof(inputGradients), Kind, inputSize, H, layers);
        CheckOptional(initialStateGradients.Length, layers * H, nameof(initialStateGradients), Kind, inputSize, H, layers);
        CheckAtLeast(scratch.Length, GruBackwardScratchLength(H, steps, layers), nameof(scratch), Kind, inputSize, H, layers);

        Span<float> work = scratch.Slice(0, 6 * H);
        Span<float> above = layers > 1 ? scratch.Slice(6 * H, steps * H) : default;
        Span<float> below = layers > 1 ? scratch.Slice(6 * H + steps * H, steps * H) : default;
        int offset = count;
        for (int k = layers - 1; k >= 0; k--)
        {
            int n = k == 0 ? inputSize : H;
            int size = LayerCount(GruGates, n, H, false);
            offset -= size;
            ReadOnlySpan<float> dh = k == layers - 1 ? outputGradients : above;
            Span<float> dx = k == 0 ? inputGradients : below;
            ReadOnlySpan<float> x = k == 0 ? inputs : outputs.Slice((k - 1) * steps * H, steps * H);
            GruLayerBackward(parameters.Slice(offset, size), x, initialH.Slice(k * H, H), outputs.Slice(k * steps * H, steps * H),
                record.Slice(k * steps * 4 * H, steps * 4 * H), dh, gradients.Slice(offset, size), dx,
                initialStateGradients.IsEmpty ? default : initialStateGradients.Slice(k * H, H), work, steps, n, H);
            if (k > 0)
            {
                below.CopyTo(above);
            }
        }
    }

    private static void GruLayerBackward(ReadOnlySpan<float> theta, ReadOnlySpan<float> inputs, ReadOnlySpan<float> h0, ReadOnlySpan<float> outputs,
        ReadOnlySpan<float> record, ReadOnlySpan<float> outputGradients, Span<float> gradients, Span<float> inputGradients,
        Span<float> h0Gradients, Span<float> work, int steps, int n, int H)
    {
        int rows = 3 * H;
        ref float wih = ref At(theta, 0);
        ref float whh = ref At(theta, rows * n);
        ref float gwih = ref At(gradients, 0);
        ref float gwhh = ref At(gradients, rows * n);
        ref float gbih = ref At(gradients, rows * (n + H));
        ref float gbhh = ref At(gradients, rows * (n + H) + rows);
        // work: [δa_r, δa_z, δa_hn] (3H, the hidden-side gate gradients), δa_n (H), δh (H), δh₋ (H).
        ref float dHidden = ref At(work, 0);
        ref float dan = ref At(work, 3 * H);
        ref float dh = ref At(work, 4 * H);
        ref float dhPrev = ref At(work, 5 * H);
        work.Slice(4 * H, H).Clear();
        bool wantInput = !inputGradients.IsEmpty;
        for (int t = steps - 1; t >= 0; t--)
        {
            Add(ref At(outputGradients, t * H), ref dh, H);
            ref float rec = ref At(record, t * 4 * H);
            ref float hPrev = ref t > 0 ? ref At(outputs, (t - 1) * H) : ref At(h0, 0);
            ref float x = ref At(inputs, t * n);
            for (int u = 0; u < H; u++)
            {
                float r = Unsafe.Add(ref rec, u), z = Unsafe.Add(ref rec, H + u), g = Unsafe.Add(ref rec, 2 * H + u), anh = Unsafe.Add(ref rec, 3 * H + u);
                float d = Unsafe.Add(ref dh, u);
                float dan_ = d * (1f - z) * (1f - g * g);
                Unsafe.Add(ref dan, u) = dan_;
                Unsafe.Add(ref dHidden, u) = dan_ * anh * (r * (1f - r));
                Unsafe.Add(ref dHidden, H + u) = d * (Unsafe.Add(ref hPrev, u) - g) * (z * (1f - z));
                Unsafe.Add(ref dHidden, 2 * H + u) = dan_ * r;
                Unsafe.Add(ref dhPrev, u) = d * z;
            }
            // Biases: b_ih gets [δa_r; δa_z; δa_n], b_hh gets [δa_r; δa_z; δa_hn].
            Add(ref dHidden, ref gbih, 2 * H);
            Add(ref dan, ref Unsafe.Add(ref gbih, 2 * H), H);
            Add(ref dHidden, ref gbhh, 3 * H);
            // Weights: outer products with the step's input and the previous hidden state.
            AddOuterProduct(ref dHidden, 2 * H, ref x, n, ref gwih);
            AddOuterProduct(ref dan, H, ref x, n, ref Unsafe.Add(ref gwih, 2 * H * n));
            AddOuterProduct(ref dHidden, 3 * H, ref hPrev, H, ref gwhh);
            if (wantInput)
            {
                ref float dx = ref At(inputGradients, t * n);
                MemoryMarshal.CreateSpan(ref dx, n).Clear();
                AddTransposedProduct(ref dHidden, 2 * H, ref wih, n, ref dx);
                AddTransposedProduct(ref dan, H, ref Unsafe.Add(ref wih, 2 * H * n), n, ref dx);
            }
            // δh₋ = δh ⊙ z + W_hhᵀ·[δa_r; δa_z; δa_hn]: the recursion across time.
            AddTransposedProduct(ref dHidden, 3 * H, ref whh, H, ref dhPrev);
            MemoryMarshal.CreateSpan(ref dhPrev, H).CopyTo(MemoryMarshal.CreateSpan(ref dh, H));
        }
        if (!h0Gradients.IsEmpty)
        {
            MemoryMarshal.CreateSpan(ref dh, H).CopyTo(h0Gradients);
        }
    }
}
