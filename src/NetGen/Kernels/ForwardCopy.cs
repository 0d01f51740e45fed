using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace NetGen.Kernels;

/// <summary>
/// Forward's copy of θ for a tiny network (issue 11). θ keeps every W row-major (PyTorch's layout, what <c>Parameters</c>
/// shows and the training pass writes); the generated <c>Forward</c> of a network whose small layers are faster by columns
/// (<see cref="Lanes.TimesColumns(ReadOnlySpan{float}, System.Runtime.Intrinsics.Vector256{float}, System.Runtime.Intrinsics.Vector256{float})"/>)
/// reads this copy instead: the same values with those W stored by columns. The copy lives in θ's own buffer, after θ,
/// followed by one mark, so data-parallel workers, which share the buffer, share the copy too:
/// <c>[θ (n) | padding | copy (n) | mark]</c>, n = ParameterCount, the copy on a 64-byte boundary like θ.
/// </summary>
/// <remarks>
/// The generated code makes the copy in a local function of <c>Forward</c>: into <see cref="Copy"/>, θ's values outside the
/// column-form W, one <see cref="Lanes.Transpose"/> per such W, then <see cref="MarkCurrent"/>. The mark is 1 when the copy
/// matches θ. Every read of the network's <c>Parameters</c> (a span a caller may write through, and how every method that
/// changes θ reaches it) clears it, and the next <c>Forward</c> makes the copy again first — the scheme of the streaming
/// networks' packed weights: read <c>Parameters</c> again after a <c>Forward</c> rather than writing through a span kept
/// across it. Threads that call <c>Forward</c> at once may each make the copy: each value is written once, final (never θ's
/// row-major W first and its columns after), so they write the same values over each other. Changing θ while other threads
/// run <c>Forward</c> is, as for any network, the caller's race: a copy made from half-written θ may be marked current.
/// </remarks>
public static class ForwardCopy
{
    /// <summary>The floats to allocate (with <see cref="Aligned.Allocate"/>) for θ of <paramref name="parameterCount"/> values with its copy and mark.</summary>
    public static int Length(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        return CopyOffset(parameterCount) + parameterCount + 1;
    }

    /// <summary>The mark of a copy that matches θ: the bits of 1f.</summary>
    private const int Current = 0x3F80_0000;

    /// <summary>Where the copy starts: θ's length rounded up to a cache line (16 floats), so its vector loads stay aligned.</summary>
    private static int CopyOffset(int parameterCount) => (parameterCount + 15) & ~15;

    /// <summary>Marks the copy stale: θ may be about to change.</summary>
    /// <param name="buffer">θ's buffer, of <see cref="Length"/>(<paramref name="parameterCount"/>) aligned floats.</param>
    /// <param name="parameterCount">n, the network's ParameterCount.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MarkStale(float[] buffer, int parameterCount) =>
        Volatile.Write(ref Aligned.Span(buffer, Length(parameterCount))[CopyOffset(parameterCount) + parameterCount], 0f);

    /// <summary>
    /// Whether the copy matches θ (no read of <c>Parameters</c> since it was made); <paramref name="copy"/> is the copy either
    /// way, so a caller that finds it stale makes it (into <see cref="Copy"/>, then <see cref="MarkCurrent"/>) and reads it.
    /// </summary>
    /// <param name="buffer">θ's buffer, of <see cref="Length"/>(<paramref name="parameterCount"/>) aligned floats.</param>
    /// <param name="parameterCount">n, the network's ParameterCount.</param>
    /// <param name="copy">The copy's n values.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCurrent(float[] buffer, int parameterCount, out ReadOnlySpan<float> copy)
    {
        int start = CopyOffset(parameterCount);
        Span<float> all = Aligned.Span(buffer, start + parameterCount + 1);
        copy = all.Slice(start, parameterCount);
        // The mark's bits as an integer: one compare and one branch (a float compare also branches on unordered).
        return Volatile.Read(ref Unsafe.As<float, int>(ref all[start + parameterCount])) == Current;
    }

    /// <summary>
    /// The copy's n values, to be written (nothing is written here): by the caller, θ's values outside its column-form W, then
    /// each such W by columns (<see cref="Lanes.Transpose"/>), then <see cref="MarkCurrent"/>. Every value is written once and
    /// final, so threads that make the copy at the same time only write the same values over each other.
    /// </summary>
    /// <param name="buffer">θ's buffer, of <see cref="Length"/>(<paramref name="parameterCount"/>) aligned floats.</param>
    /// <param name="parameterCount">n, the network's ParameterCount.</param>
    public static Span<float> Copy(float[] buffer, int parameterCount) =>
        Aligned.Span(buffer, Length(parameterCount)).Slice(CopyOffset(parameterCount), parameterCount);

    /// <summary>Marks the copy as matching θ (after it was written, see <see cref="Copy"/>).</summary>
    /// <param name="buffer">θ's buffer, of <see cref="Length"/>(<paramref name="parameterCount"/>) aligned floats.</param>
    /// <param name="parameterCount">n, the network's ParameterCount.</param>
    public static void MarkCurrent(float[] buffer, int parameterCount) =>
        Volatile.Write(ref Aligned.Span(buffer, Length(parameterCount))[CopyOffset(parameterCount) + parameterCount], 1f);
}
