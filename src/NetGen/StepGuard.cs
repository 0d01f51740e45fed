using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Training;

namespace NetGen;

/// <summary>
/// The non-finite guard of a generated network's fused SGD step (<c>TrainStep</c>, <c>TrainStepBatch</c>). Called by
/// generated code only.
/// </summary>
/// <remarks>
/// <para>The generated step computes every layer's δ first (with the parameters as they were), then the guard, then applies
/// the step. Every term the step adds to a parameter is η/B·δₒ·aᵢ (a weight) or η/B·δₒ (a bias), so per layer each is at
/// most <c>η·Σ|δ|·(Σ|a| + 1)</c> over the layer's δ and inputs of all the batch's samples (and a layer whose gradients are
/// computed first, batch norm or a convolution, bounds them by <c>η·Σ|g|</c>). When that bound is finite and at most
/// <see cref="Limit"/> = 2¹⁰⁰ for every layer, no finite parameter can become NaN or ±∞: a finite float moved by less than
/// half the spacing of floats near <see cref="float.MaxValue"/> (2¹⁰³) rounds to a finite float, and the kernels' partial
/// sums stay below the bound. A NaN or ±∞ anywhere in δ or a makes a sum NaN or ∞, and the comparison false. So the check
/// costs one pass over the layers' δ and inputs, and no read of θ.</para>
/// <para>When the bound fails (a NaN/∞ value, or a step of 10³⁰, which is divergence in practice), the step is exact instead:
/// θ is copied (<see cref="Save"/>), the step applied, and <see cref="Restore"/> finds a parameter the step made NaN or ±∞,
/// puts every parameter back bit for bit, and the generated code restores the running statistics and the dropout
/// generator and calls <see cref="Throw"/>. A parameter that was NaN/±∞ before the step is not the step's doing and is not
/// reported.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StepGuard
{
    /// <summary>2¹⁰⁰: the largest step term (and partial sum) the fast check accepts.</summary>
    public const float Limit = 1.2676506E+30f;

    /// <summary>|v|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Magnitude(float value) => MathF.Abs(value);

    /// <summary>Σ|vᵢ| over the lanes (unused lanes are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Magnitude(Vector128<float> values) => Vector128.Sum(Vector128.Abs(values));

    /// <summary>Σ|vᵢ| over the lanes (unused lanes are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Magnitude(Vector256<float> values) => Vector256.Sum(Vector256.Abs(values));

    /// <summary>Σ|vᵢ| over the lanes (unused lanes are zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Magnitude(Vector512<float> values) => Vector512.Sum(Vector512.Abs(values));

    /// <summary>Σ|vᵢ|: NaN if any value is NaN, ∞ if any is ±∞ (or the sum overflows).</summary>
    public static float Magnitude(ReadOnlySpan<float> values)
    {
        ref float v = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> sum = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                sum += Vector256.Abs(Vector256.LoadUnsafe(ref v, (nuint)i));
            }
            float total = Vector256.Sum(sum);
            for (; i < n; i++)
            {
                total += MathF.Abs(Unsafe.Add(ref v, i));
            }
            return total;
        }
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> sum = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                sum += Vector128.Abs(Vector128.LoadUnsafe(ref v, (nuint)i));
            }
            float total = Vector128.Sum(sum);
            for (; i < n; i++)
            {
                total += MathF.Abs(Unsafe.Add(ref v, i));
            }
            return total;
        }
        float scalar = 0f;
        for (; i < n; i++)
        {
            scalar += MathF.Abs(Unsafe.Add(ref v, i));
        }
        return scalar;
    }

    /// <summary>
    /// True when a layer's step terms are bounded: <c>max(η, 1)·Σ|δ|·(Σ|a| + 1) ≤ 2¹⁰⁰</c> (false for NaN or ∞). For a layer
    /// whose gradients g are computed before the step, pass Σ|g| as <paramref name="delta"/> and 0 as <paramref name="input"/>.
    /// </summary>
    /// <param name="delta">Σ|δ| of the layer (all samples).</param>
    /// <param name="input">Σ|a| of the layer's input (all samples).</param>
    /// <param name="learningRate">η.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Bounded(float delta, float input, float learningRate) => MathF.Max(learningRate, 1f) * (delta * (input + 1f)) <= Limit;

    [ThreadStatic]
    private static float[]? t_saved;

    /// <summary>
    /// A copy of θ before a step taken on the exact path, in a buffer of the calling thread that is reused (grown only for a
    /// larger network), so that the exact path allocates nothing after its first use. Valid until the thread's next step.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float[] Save(ReadOnlySpan<float> parameters)
    {
        float[] saved = t_saved is { } buffer && buffer.Length >= parameters.Length ? buffer : t_saved = new float[parameters.Length];
        parameters.CopyTo(saved);
        return saved;
    }

    /// <summary>
    /// After a step taken on the exact path: finds the first parameter the step made NaN or ±∞ (that was finite in
    /// <paramref name="saved"/>); if there is one, puts every parameter back from <paramref name="saved"/> and returns true.
    /// </summary>
    /// <param name="parameters">θ after the step.</param>
    /// <param name="saved">θ before the step.</param>
    /// <param name="index">The parameter's index, or −1.</param>
    /// <param name="after">The value the step gave it.</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Restore(Span<float> parameters, float[] saved, out int index, out float after)
    {
        ArgumentNullException.ThrowIfNull(saved);
        index = -1;
        after = 0f;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!float.IsFinite(parameters[i]) && float.IsFinite(saved[i]))
            {
                index = i;
                after = parameters[i];
                break;
            }
        }
        if (index < 0)
        {
            return false;
        }
        saved.AsSpan(0, parameters.Length).CopyTo(parameters);
        return true;
    }

    /// <summary>
    /// The guarded step θᵢ ← θᵢ − η·gᵢ of a network whose gradients are all in a scratch buffer before the step (a streaming
    /// network's <c>TrainStep</c>/<c>TrainStepBatch</c>): one vectorised pass computes every new θᵢ into
    /// <paramref name="gradients"/> (the same bits as <c>θᵢ -= η·gᵢ</c>: a product, then a difference) and whether all are
    /// finite; only then are they copied into θ. Otherwise θ is untouched and the first finite parameter the step would
    /// make NaN or ±∞ is reported (<see cref="NonFiniteException"/>); a parameter that was NaN/±∞ before is not the step's
    /// doing, and if there is no other the step is applied.
    /// </summary>
    /// <param name="network">The network (its type name and layers name the parameter).</param>
    /// <param name="method"><c>TrainStep</c> or <c>TrainStepBatch</c>.</param>
    /// <param name="parameters">θ.</param>
    /// <param name="gradients">g, as long as θ; overwritten with θ − η·g.</param>
    /// <param name="learningRate">η (already divided by the batch size).</param>
    /// <param name="loss">The step's loss (for the message).</param>
    /// <exception cref="NonFiniteException">When the step would make a finite parameter NaN or ±∞; θ is unchanged.</exception>
    public static void Descend(INetwork network, string method, Span<float> parameters, Span<float> gradients, float learningRate, float loss)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (gradients.Length != parameters.Length)
        {
            throw new ArgumentException($"gradients has {gradients.Length} values; expected {parameters.Length} (one per parameter).", nameof(gradients));
        }
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = parameters.Length, i = 0;
        bool finite = true;
        // after·0 is ±0 for a finite value and NaN for NaN/±∞, so the sum of them is 0 exactly when every new θᵢ is finite.
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> eta = Vector256.Create(learningRate), check = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> after = Vector256.LoadUnsafe(ref p, (nuint)i) - eta * Vector256.LoadUnsafe(ref g, (nuint)i);
                after.StoreUnsafe(ref g, (nuint)i);
                check += after * Vector256<float>.Zero;
            }
            finite = Vector256.EqualsAll(check, Vector256<float>.Zero);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> eta = Vector128.Create(learningRate), check = Vector128<float>.Zero;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> after = Vector128.LoadUnsafe(ref p, (nuint)i) - eta * Vector128.LoadUnsafe(ref g, (nuint)i);
                after.StoreUnsafe(ref g, (nuint)i);
                check += after * Vector128<float>.Zero;
            }
            finite = Vector128.EqualsAll(check, Vector128<float>.Zero);
        }
        float tail = 0f;
        for (; i < n; i++)
        {
            float after = Unsafe.Add(ref p, i) - learningRate * Unsafe.Add(ref g, i);
            Unsafe.Add(ref g, i) = after;
            tail += after * 0f;
        }
        if (!finite || tail != 0f)
        {
            CheckDescent(network, method, parameters, gradients, loss);
        }
        gradients.CopyTo(parameters);
    }

    /// <summary>The slow half of <see cref="Descend"/> (and of data-parallel training's step): throws for the first finite θᵢ whose new value is NaN/±∞.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void CheckDescent(INetwork network, string method, ReadOnlySpan<float> parameters, ReadOnlySpan<float> after, float loss)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!float.IsFinite(after[i]) && float.IsFinite(parameters[i]))
            {
                Throw(network, method, i, after[i], parameters[i], loss);
            }
        }
    }

    /// <summary>Throws the <see cref="NonFiniteException"/> of a step that <see cref="Restore"/> undid.</summary>
    /// <param name="network">The network (its type name and layers name the parameter).</param>
    /// <param name="method"><c>TrainStep</c> or <c>TrainStepBatch</c>.</param>
    /// <param name="index">The parameter's index.</param>
    /// <param name="after">The value the step would have given it.</param>
    /// <param name="before">Its value, unchanged.</param>
    /// <param name="loss">The step's loss.</param>
    /// <exception cref="NonFiniteException">Always.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(INetwork network, string method, int index, float after, float before, float loss)
    {
        ArgumentNullException.ThrowIfNull(network);
        string where = NonFinite.Describe(network.Layers, index, out LayerInfo? layer);
        throw new NonFiniteException(
            $"{network.GetType().Name}.{method} would make {where} {after} (it is {before}; the loss was {loss}): its gradient, or " +
            "the step η·∂L/∂θ, is NaN or ±∞. Nothing was applied: the parameters, the running statistics and the dropout " +
            "generator are as they were. A NaN/∞ gradient comes from a NaN/∞ input or target (check the data) or from a " +
            "diverging network (lower the learning rate, clip the gradients or scale the inputs).",
            0, 0, null, layer, index, TrainingHistory.Empty);
    }
}
