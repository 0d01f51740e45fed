using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// A causal 1-D convolution streamed one frame at a time: step t computes
/// <c>z[f] = b[f] + Σ_c Σ_u W[f, c, u]·x_{t − (k − 1 − u)·d}[c]</c>, frames before the first reading 0, which is PyTorch's
/// <c>nn.Conv1d</c> (stride 1) on the sequence left-padded by <c>(k − 1)·d</c> zeros, one output frame per input frame.
/// W is <c>[filters, channels, k]</c> row-major (<c>nn.Conv1d.weight</c>), b one value per filter; a frame is
/// <c>channels</c> floats (a sequence is time-major, <c>steps × channels</c>).
/// </summary>
/// <remarks>
/// The state (<see cref="HistoryLength"/> floats, caller-owned, all zeros = no past) is a ring of the last
/// <c>(k − 1)·d</c> frames followed by one slot holding the ring's write position (an <see cref="int"/> stored in a float's
/// bits, 0 when cleared). A step reads k taps, writes one frame and moves the position: its cost does not grow with the
/// dilation. Each output is one chain of fused multiply-adds over (c, u) in order, so a sequence gives the bits of step after
/// step. 0 bytes allocated.
/// </remarks>
public static class CausalConvKernels
{
    /// <summary>State floats: <c>(k − 1)·d·channels</c> past frames and the position slot.</summary>
    public static int HistoryLength(int channels, int kernelSize, int dilation = 1)
    {
        CheckShape(channels, 1, kernelSize, dilation);
        return checked((kernelSize - 1) * dilation * channels + 1);
    }

    /// <summary>One streamed frame: <paramref name="z"/> = the convolution's output at this step (before any activation), then the frame joins the history.</summary>
    /// <param name="w">Weights <c>[filters, channels, kernelSize]</c>.</param>
    /// <param name="b">Biases, <paramref name="filters"/> floats.</param>
    /// <param name="x">This step's frame, <paramref name="channels"/> floats.</param>
    /// <param name="history">The state, <see cref="HistoryLength"/> floats, updated.</param>
    /// <param name="z">The output frame, <paramref name="filters"/> floats (must not overlap the other spans).</param>
    /// <param name="channels">Input channels per frame.</param>
    /// <param name="filters">Output channels per frame.</param>
    /// <param name="kernelSize">Taps k.</param>
    /// <param name="dilation">Spacing d of the taps in frames.</param>
    public static void Step(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> history, Span<float> z,
        int channels, int filters, int kernelSize, int dilation = 1)
    {
        Check(w, b, history, channels, filters, kernelSize, dilation);
        CheckLength(x.Length, channels, nameof(x));
        CheckLength(z.Length, filters, nameof(z));
        StepCore(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(x), history,
            ref MemoryMarshal.GetReference(z), channels, filters, kernelSize, dilation);
    }

    /// <summary><paramref name="steps"/> frames in order: exactly <paramref name="steps"/> calls of <see cref="Step"/>.</summary>
    /// <param name="w">Weights <c>[filters, channels, kernelSize]</c>.</param>
    /// <param name="b">Biases.</param>
    /// <param name="inputs">Frames, <c>steps × channels</c>.</param>
    /// <param name="history">The state, updated.</param>
    /// <param name="outputs">Output frames, <c>steps × filters</c>.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="channels">Input channels per frame.</param>
    /// <param name="filters">Output channels per frame.</param>
    /// <param name="kernelSize">Taps k.</param>
    /// <param name="dilation">Spacing d of the taps in frames.</param>
    public static void ForwardSequence(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> inputs, Span<float> history, Span<float> outputs,
        int steps, int channels, int filters, int kernelSize, int dilation = 1)
    {
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of time steps must not be negative.");
        }
        Check(w, b, history, channels, filters, kernelSize, dilation);
        CheckLength(inputs.Length, steps * channels, nameof(inputs));
        CheckLength(outputs.Length, steps * filters, nameof(outputs));
        for (int t = 0; t < steps; t++)
        {
            StepCore(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(b), ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), t * channels),
                history, ref Unsafe.Add(ref MemoryMarshal.GetReference(outputs), t * filters), channels, filters, kernelSize, dilation);
        }
    }

    /// <summary>
    /// Backpropagation through a sequence that <see cref="ForwardSequence"/> ran from <paramref name="initialHistory"/>: adds
    /// <c>∂L/∂W[f,c,u] += Σₜ δₜ[f]·x_{t−(k−1−u)·d}[c]</c> and <c>∂L/∂b[f] += Σₜ δₜ[f]</c>, and writes
    /// <c>∂L/∂xₛ[c] = Σ_{f,u} δ_{s+(k−1−u)·d}[f]·W[f,c,u]</c> (terms past the last step are 0). Frames before the first step are
    /// read from the initial history (zeros for a fresh stream); no gradient flows into them. 0 bytes allocated.
    /// </summary>
    /// <param name="w">Weights <c>[filters, channels, kernelSize]</c>.</param>
    /// <param name="inputs">The frames the forward pass read, <c>steps × channels</c>.</param>
    /// <param name="initialHistory">The state the forward pass started from, <see cref="HistoryLength"/> floats.</param>
    /// <param name="outputGradients">∂L/∂zₜ, <c>steps × filters</c> (through the activation already).</param>
    /// <param name="gradW">∂L/∂W, added to.</param>
    /// <param name="gradB">∂L/∂b, added to.</param>
    /// <param name="inputGradients">∂L/∂xₜ, <c>steps × channels</c>, overwritten; or empty to skip.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="channels">Input channels per frame.</param>
    /// <param name="filters">Output channels per frame.</param>
    /// <param name="kernelSize">Taps k.</param>
    /// <param name="dilation">Spacing d of the taps in frames.</param>
    public static void BackwardSequence(ReadOnlySpan<float> w, ReadOnlySpan<float> inputs, ReadOnlySpan<float> initialHistory,
        ReadOnlySpan<float> outputGradients, Span<float> gradW, Span<float> gradB, Span<float> inputGradients,
        int steps, int channels, int filters, int kernelSize, int dilation = 1)
    {
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of time steps must not be negative.");
        }
        CheckShape(channels, filters, kernelSize, dilation);
        CheckLength(w.Length, checked(filters * channels * kernelSize), nameof(w));
        CheckLength(inputs.Length, steps * channels, nameof(inputs));
        CheckLength(initialHistory.Length, HistoryLength(channels, kernelSize, dilation), nameof(initialHistory));
        CheckLength(outputGradients.Length, steps * filters, nameof(outputGradients));
        CheckLength(gradW.Length, w.Length, nameof(gradW));
        CheckLength(gradB.Length, filters, nameof(gradB));
        if (!inputGradients.IsEmpty)
        {
            CheckLength(inputGradients.Length, steps * channels, nameof(inputGradients));
            inputGradients.Clear();
        }
        int frames = (kernelSize - 1) * dilation;
        int position = BitConverter.SingleToInt32Bits(initialHistory[frames * channels]);
        if ((uint)position >= (uint)Math.Max(frames, 1))
        {
            throw new ArgumentException($"initialHistory holds the ring position {position}, outside 0..{Math.Max(frames, 1) - 1}: it is not a state of this convolution.", nameof(initialHistory));
        }
        for (int t = 0; t < steps; t++)
        {
            for (int f = 0; f < filters; f++)
            {
                float delta = outputGradients[t * filters + f];
                gradB[f] += delta;
                for (int u = 0; u < kernelSize; u++)
                {
                    int source = t - (kernelSize - 1 - u) * dilation;
                    for (int c = 0; c < channels; c++)
                    {
                        int wi = (f * channels + c) * kernelSize + u;
                        float x;
                        if (source >= 0)
                        {
                            x = inputs[source * channels + c];
                            if (!inputGradients.IsEmpty)
                            {
                                inputGradients[source * channels + c] += delta * w[wi];
                            }
                        }
                        else
                        {
                            int slot = position + source;
                            x = initialHistory[(slot < 0 ? slot + frames : slot) * channels + c];
                        }
                        gradW[wi] += delta * x;
                    }
                }
            }
        }
    }

    // ── The packed form the generated streaming networks call (SIMD across the filters) ─────────────────────────

    /// <summary>Floats of the packed weights <see cref="Pack"/> writes: the biases, then W transposed to <c>[channels·k, filters]</c>.</summary>
    public static int PackedLength(int channels, int filters, int kernelSize)
    {
        CheckShape(channels, filters, kernelSize, 1);
        return checked(filters + channels * kernelSize * filters);
    }

    /// <summary>
    /// Packs W <c>[filters, channels, k]</c> and b for <see cref="PackedStep"/>: <c>packed[0..F) = b</c>, then
    /// <c>packed[F + (c·k + u)·F + f] = W[f, c, u]</c>, so that one tap's weights for every filter are contiguous (one vector load
    /// per tap and block of filters).
    /// </summary>
    public static void Pack(ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> packed, int channels, int filters, int kernelSize)
    {
        CheckShape(channels, filters, kernelSize, 1);
        CheckLength(w.Length, checked(filters * channels * kernelSize), nameof(w));
        CheckLength(b.Length, filters, nameof(b));
        CheckLength(packed.Length, PackedLength(channels, filters, kernelSize), nameof(packed));
        b.CopyTo(packed);
        int taps = channels * kernelSize;
        for (int f = 0; f < filters; f++)
        {
            for (int i = 0; i < taps; i++)
            {
                packed[filters + i * filters + f] = w[f * taps + i];
            }
        }
    }

    /// <summary>
    /// <see cref="Step"/> on weights packed by <see cref="Pack"/>, vectorised across the filters: the k·C taps of this step are
    /// gathered into <paramref name="window"/> (tap (c, u) reads frame t − (k − 1 − u)·d), then each block of 8 (or 4) filters is
    /// one chain of fused multiply-adds over the taps in the order of <see cref="Step"/>, so it gives <see cref="Step"/>'s bits.
    /// </summary>
    /// <param name="packed">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="x">This step's frame, <paramref name="channels"/> floats.</param>
    /// <param name="history">The state, <see cref="HistoryLength"/> floats, updated.</param>
    /// <param name="z">The output frame, <paramref name="filters"/> floats.</param>
    /// <param name="window">Scratch for the taps, <c>channels·k</c> floats.</param>
    /// <param name="channels">Input channels per frame.</param>
    /// <param name="filters">Output channels per frame.</param>
    /// <param name="kernelSize">Taps k.</param>
    /// <param name="dilation">Spacing d of the taps in frames.</param>
    public static void PackedStep(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, Span<float> history, Span<float> z, Span<float> window,
        int channels, int filters, int kernelSize, int dilation = 1)
    {
        CheckPacked(packed, history, window, channels, filters, kernelSize, dilation);
        CheckLength(x.Length, channels, nameof(x));
        CheckLength(z.Length, filters, nameof(z));
        PackedStepCore(ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(x), history, ref MemoryMarshal.GetReference(z),
            ref MemoryMarshal.GetReference(window), channels, filters, kernelSize, dilation);
    }

    /// <summary><paramref name="steps"/> frames through <see cref="PackedStep"/> in order (the same bits as step after step).</summary>
    /// <param name="packed">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="inputs">Frames, <c>steps × channels</c>.</param>
    /// <param name="history">The state, updated.</param>
    /// <param name="outputs">Output frames, <c>steps × filters</c>.</param>
    /// <param name="window">Scratch for the taps, <c>channels·k</c> floats.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="channels">Input channels per frame.</param>
    /// <param name="filters">Output channels per frame.</param>
    /// <param name="kernelSize">Taps k.</param>
    /// <param name="dilation">Spacing d of the taps in frames.</param>
    public static void PackedForwardSequence(ReadOnlySpan<float> packed, ReadOnlySpan<float> inputs, Span<float> history, Span<float> outputs, Span<float> window,
        int steps, int channels, int filters, int kernelSize, int dilation = 1)
    {
        if (steps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of time steps must not be negative.");
        }
        CheckPacked(packed, history, window, channels, filters, kernelSize, dilation);
        CheckLength(inputs.Length, steps * channels, nameof(inputs));
        CheckLength(outputs.Length, steps * filters, nameof(outputs));
        for (int t = 0; t < steps; t++)
        {
            PackedStepCore(ref MemoryMarshal.GetReference(packed), ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), t * channels), history,
                ref Unsafe.Add(ref MemoryMarshal.GetReference(outputs), t * filters), ref MemoryMarshal.GetReference(window), channels, filters, kernelSize, dilation);
        }
    }

    private static void PackedStepCore(ref float packed, ref float x, Span<float> history, ref float z, ref float window, int channels, int filters, int kernelSize, int dilation)
    {
        int frames = (kernelSize - 1) * dilation;
        ref float ring = ref MemoryMarshal.GetReference(history);
        ref int positionSlot = ref Unsafe.As<float, int>(ref Unsafe.Add(ref ring, frames * channels));
        int position = positionSlot;
        if ((uint)position >= (uint)Math.Max(frames, 1))
        {
            throw new ArgumentException($"history holds the ring position {position}, outside 0..{Math.Max(frames, 1) - 1}: it is not a state of this convolution.", nameof(history));
        }
        // The window: tap (c, u) at c·k + u; taps u < k − 1 read the ring (frame t − (k − 1 − u)·d), tap k − 1 this frame.
        int taps = channels * kernelSize;
        for (int u = 0; u < kernelSize - 1; u++)
        {
            int slot = position - (kernelSize - 1 - u) * dilation;
            if (slot < 0)
            {
                slot += frames;
            }
            ref float frame = ref Unsafe.Add(ref ring, slot * channels);
            for (int c = 0; c < channels; c++)
            {
                Unsafe.Add(ref window, c * kernelSize + u) = Unsafe.Add(ref frame, c);
            }
        }
        for (int c = 0; c < channels; c++)
        {
            Unsafe.Add(ref window, c * kernelSize + kernelSize - 1) = Unsafe.Add(ref x, c);
        }
        // z[f] = b[f] + Σ_i Wᵀ[i, f]·window[i], eight (then four, then one) filters at a time.
        ref float weights = ref Unsafe.Add(ref packed, filters);
        int f0 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; f0 + 8 <= filters; f0 += 8)
            {
                Vector256<float> acc = Vector256.LoadUnsafe(ref packed, (nuint)f0);
                for (int i = 0; i < taps; i++)
                {
                    Vector256<float> wv = Vector256.LoadUnsafe(ref weights, (nuint)(i * filters + f0));
                    Vector256<float> xv = Vector256.Create(Unsafe.Add(ref window, i));
                    acc = VectorMath.Fma(wv, xv, acc);
                }
                acc.StoreUnsafe(ref z, (nuint)f0);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; f0 + 4 <= filters; f0 += 4)
            {
                Vector128<float> acc = Vector128.LoadUnsafe(ref packed, (nuint)f0);
                for (int i = 0; i < taps; i++)
                {
                    Vector128<float> wv = Vector128.LoadUnsafe(ref weights, (nuint)(i * filters + f0));
                    Vector128<float> xv = Vector128.Create(Unsafe.Add(ref window, i));
                    acc = VectorMath.Fma(wv, xv, acc);
                }
                acc.StoreUnsafe(ref z, (nuint)f0);
            }
        }
        for (; f0 < filters; f0++)
        {
            float acc = Unsafe.Add(ref packed, f0);
            for (int i = 0; i < taps; i++)
            {
                acc = FastMath.MultiplyAdd(Unsafe.Add(ref weights, i * filters + f0), Unsafe.Add(ref window, i), acc);
            }
            Unsafe.Add(ref z, f0) = acc;
        }
        if (frames > 0)
        {
            MemoryMarshal.CreateReadOnlySpan(ref x, channels).CopyTo(history.Slice(position * channels, channels));
            positionSlot = position + 1 == frames ? 0 : position + 1;
        }
    }

    private static void CheckPacked(ReadOnlySpan<float> packed, Span<float> history, Span<float> window, int channels, int filters, int kernelSize, int dilation)
    {
        CheckShape(channels, filters, kernelSize, dilation);
        CheckLength(packed.Length, PackedLength(channels, filters, kernelSize), nameof(packed));
        CheckLength(history.Length, HistoryLength(channels, kernelSize, dilation), nameof(history));
        CheckLength(window.Length, channels * kernelSize, nameof(window));
    }

    private static void StepCore(ref float w, ref float b, ref float x, Span<float> history, ref float z, int channels, int filters, int kernelSize, int dilation)
    {
        int frames = (kernelSize - 1) * dilation;
        ref float ring = ref MemoryMarshal.GetReference(history);
        ref int positionSlot = ref Unsafe.As<float, int>(ref Unsafe.Add(ref ring, frames * channels));
        int position = positionSlot;
        if ((uint)position >= (uint)Math.Max(frames, 1))
        {
            throw new ArgumentException($"history holds the ring position {position}, outside 0..{Math.Max(frames, 1) - 1}: it is not a state of this convolution.", nameof(history));
        }
        for (int f = 0; f < filters; f++)
        {
            float acc = Unsafe.Add(ref b, f);
            ref float wf = ref Unsafe.Add(ref w, f * channels * kernelSize);
            for (int c = 0; c < channels; c++)
            {
                ref float wfc = ref Unsafe.Add(ref wf, c * kernelSize);
                for (int u = 0; u < kernelSize - 1; u++)
                {
                    // Tap u reads frame t − m, m = (k − 1 − u)·d, which sits m slots before the write position (mod the ring).
                    int slot = position - (kernelSize - 1 - u) * dilation;
                    if (slot < 0)
                    {
                        slot += frames;
                    }
                    acc = FastMath.MultiplyAdd(Unsafe.Add(ref wfc, u), Unsafe.Add(ref ring, slot * channels + c), acc);
                }
                acc = FastMath.MultiplyAdd(Unsafe.Add(ref wfc, kernelSize - 1), Unsafe.Add(ref x, c), acc);
            }
            Unsafe.Add(ref z, f) = acc;
        }
        if (frames > 0)
        {
            MemoryMarshal.CreateReadOnlySpan(ref x, channels).CopyTo(history.Slice(position * channels, channels));
            positionSlot = position + 1 == frames ? 0 : position + 1;
        }
    }

    private static void Check(ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> history, int channels, int filters, int kernelSize, int dilation)
    {
        CheckShape(channels, filters, kernelSize, dilation);
        CheckLength(w.Length, checked(filters * channels * kernelSize), nameof(w));
        CheckLength(b.Length, filters, nameof(b));
        CheckLength(history.Length, HistoryLength(channels, kernelSize, dilation), nameof(history));
    }

    private static void CheckShape(int channels, int filters, int kernelSize, int dilation)
    {
        if (channels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "A convolution needs at least 1 input channel.");
        }
        if (filters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(filters), filters, "A convolution needs at least 1 filter.");
        }
        if (kernelSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "The kernel size must be at least 1.");
        }
        if (dilation < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dilation), dilation, "The dilation must be at least 1.");
        }
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has length {actual}, but this causal convolution needs {expected}.", name);
        }
    }
}
