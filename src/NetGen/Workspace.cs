using System;
using System.Runtime.CompilerServices;
using NetGen.Kernels;

namespace NetGen;

/// <summary>
/// The memory a generated network's training methods keep between calls, so that they allocate nothing per call: fixed
/// buffers (one sample's record of the forward pass — z⁽ˡ⁾, a⁽ˡ⁾, δ⁽ˡ⁾ of the layers that are not kept in registers —
/// cache-line aligned as θ) and row buffers (the same for a mini-batch, row-major, one row per sample, grown to the largest
/// batch seen). The generated code names each buffer by its index; it belongs to one thread at a time, as training does.
/// </summary>
public sealed class Workspace
{
    private readonly float[][] _buffers;
    private readonly int[] _rowLengths;
    private readonly float[][] _rows;
    private int _capacity;

    /// <summary>Creates the fixed buffers (zeroed); the row buffers are created by the first <see cref="EnsureBatch"/>.</summary>
    /// <param name="bufferLengths">The length of each fixed buffer.</param>
    /// <param name="rowLengths">The floats per sample of each row buffer.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is negative.</exception>
    public Workspace(int[] bufferLengths, int[] rowLengths)
    {
        ArgumentNullException.ThrowIfNull(bufferLengths);
        ArgumentNullException.ThrowIfNull(rowLengths);
        _buffers = new float[bufferLengths.Length][];
        for (int i = 0; i < bufferLengths.Length; i++)
        {
            _buffers[i] = Aligned.Allocate(bufferLengths[i]);
        }
        foreach (int length in rowLengths)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(rowLengths));
        }
        _rowLengths = (int[])rowLengths.Clone();
        _rows = new float[rowLengths.Length][];
        Array.Fill(_rows, Array.Empty<float>());
    }

    /// <summary>The largest batch the row buffers hold.</summary>
    public int BatchCapacity => _capacity;

    /// <summary>
    /// Fixed buffer <paramref name="index"/>, aligned to 64 bytes. The generated code passes its length as a constant, so
    /// that the JIT knows the span's length and drops the bounds checks of constant indices.
    /// </summary>
    /// <param name="index">The buffer's index.</param>
    /// <param name="length">At most the length it was created with.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Buffer(int index, int length) => Aligned.Span(_buffers[index], length);

    /// <summary>Makes the row buffers hold <paramref name="batchSize"/> rows; allocates only when that is more than ever before.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is negative.</exception>
    public void EnsureBatch(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        if (batchSize <= _capacity)
        {
            return;
        }
        for (int i = 0; i < _rows.Length; i++)
        {
            _rows[i] = new float[checked(batchSize * _rowLengths[i])];
        }
        _capacity = batchSize;
    }

    /// <summary>The first <paramref name="batchSize"/> rows of row buffer <paramref name="index"/> (sample after sample).</summary>
    /// <exception cref="ArgumentOutOfRangeException">More rows than <see cref="EnsureBatch"/> made room for.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Rows(int index, int batchSize) => new(_rows[index], 0, batchSize * _rowLengths[index]);
}
