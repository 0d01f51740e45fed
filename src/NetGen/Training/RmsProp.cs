using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using NetGen.Kernels;

namespace NetGen.Training;

/// <summary>
/// RMSProp (Hinton's lecture 6e) with PyTorch's <c>torch.optim.RMSprop</c> rule and defaults (η = 0.01, α = 0.99, ε = 1e-8).
/// </summary>
/// <remarks>
/// Per parameter, with <c>g = s·∇θL</c>, the squared average <c>r</c>, the gradient average <c>ḡ</c> (centered only) and the
/// momentum buffer <c>b</c>:
/// <code>
/// g ← g + λ·θ
/// r ← α·r + (1 − α)·g²
/// ḡ ← α·ḡ + (1 − α)·g;   d = √(r − ḡ²) + ε    (centered)      d = √r + ε   (otherwise)
/// b ← μ·b + g/d;   θ ← θ − η·b                (μ &gt; 0)          θ ← θ − η·g/d (otherwise)
/// </code>
/// </remarks>
public sealed class RmsProp : Optimizer
{
    private float[] _square = [], _average = [], _buffer = [];

    /// <summary>Creates the optimizer with PyTorch's defaults unless given.</summary>
    /// <param name="learningRate">η &gt; 0 (PyTorch: 0.01).</param>
    /// <param name="alpha">α ∈ [0, 1), the smoothing constant.</param>
    /// <param name="epsilon">ε &gt; 0, added to the denominator.</param>
    /// <param name="weightDecay">λ ≥ 0, added as λ·θ to the gradient.</param>
    /// <param name="momentum">μ ∈ [0, 1).</param>
    /// <param name="centered">Normalise by the estimated variance √(r − ḡ²) instead of √r.</param>
    public RmsProp(float learningRate = 0.01f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f, float momentum = 0f, bool centered = false)
        : base(learningRate)
    {
        Alpha = Check(alpha, 0f, 1f, nameof(alpha));
        Epsilon = epsilon > 0f && float.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a positive finite number.");
        WeightDecay = Check(weightDecay, 0f, float.PositiveInfinity, nameof(weightDecay));
        Momentum = Check(momentum, 0f, 1f, nameof(momentum));
        Centered = centered;
    }

    /// <summary>α, the decay of the squared-gradient average.</summary>
    public float Alpha { get; }

    /// <summary>ε, added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>λ, the weight decay.</summary>
    public float WeightDecay { get; }

    /// <summary>μ, the momentum.</summary>
    public float Momentum { get; }

    /// <summary>Whether the denominator uses the centred second moment.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    protected override bool HasState => true;

    private protected override List<(string Name, float[] Buffer)> StateBuffers()
    {
        List<(string Name, float[] Buffer)> buffers = [("square_avg", _square)];
        if (Centered)
        {
            buffers.Add(("grad_avg", _average));
        }
        if (Momentum > 0f)
        {
            buffers.Add(("momentum_buffer", _buffer));
        }
        return buffers;
    }

    /// <inheritdoc/>
    protected override void CreateState(int length)
    {
        _square = length > 0 ? Aligned.Allocate(length) : [];
        _average = Centered && length > 0 ? Aligned.Allocate(length) : [];
        _buffer = Momentum > 0f && length > 0 ? Aligned.Allocate(length) : [];
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale) =>
        Apply<KeepGradients>(parameters, ref MemoryMarshal.GetReference(gradients), gradientScale);

    private protected override void UpdateAndZero(Span<float> parameters, Span<float> gradients, float gradientScale) =>
        Apply<ClearGradients>(parameters, ref MemoryMarshal.GetReference(gradients), gradientScale);

    private void Apply<TMode>(Span<float> parameters, ref float g, float gradientScale)
        where TMode : struct, IGradientMode
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float r = ref Aligned.First(_square);
        ref float a = ref Aligned.First(_average);
        ref float b = ref Aligned.First(_buffer);
        int n = parameters.Length;
        float lr = LearningRate, s = gradientScale, wd = WeightDecay, alpha = Alpha, rest = 1f - Alpha, eps = Epsilon, mu = Momentum;
        bool centered = Centered, momentum = mu > 0f;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint k = (nuint)i;
                Vector512<float> pv = Vector512.LoadUnsafe(ref p, k);
                Vector512<float> gv = Vector512.LoadUnsafe(ref g, k) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector512<float>.Zero.StoreUnsafe(ref g, k);
                }
                Vector512<float> rv = Vector512.LoadUnsafe(ref r, k) * alpha + gv * gv * rest;
                rv.StoreUnsafe(ref r, k);
                Vector512<float> d;
                if (centered)
                {
                    Vector512<float> av = Vector512.LoadUnsafe(ref a, k) * alpha + gv * rest;
                    av.StoreUnsafe(ref a, k);
                    d = Vector512.Sqrt(rv - av * av) + Vector512.Create(eps);
                }
                else
                {
                    d = Vector512.Sqrt(rv) + Vector512.Create(eps);
                }
                Vector512<float> u = gv / d;
                if (momentum)
                {
                    u = Vector512.LoadUnsafe(ref b, k) * mu + u;
                    u.StoreUnsafe(ref b, k);
                }
                (pv - u * lr).StoreUnsafe(ref p, k);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint k = (nuint)i;
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, k);
                Vector256<float> gv = Vector256.LoadUnsafe(ref g, k) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector256<float>.Zero.StoreUnsafe(ref g, k);
                }
                Vector256<float> rv = Vector256.LoadUnsafe(ref r, k) * alpha + gv * gv * rest;
                rv.StoreUnsafe(ref r, k);
                Vector256<float> d;
                if (centered)
                {
                    Vector256<float> av = Vector256.LoadUnsafe(ref a, k) * alpha + gv * rest;
                    av.StoreUnsafe(ref a, k);
                    d = Vector256.Sqrt(rv - av * av) + Vector256.Create(eps);
                }
                else
                {
                    d = Vector256.Sqrt(rv) + Vector256.Create(eps);
                }
                Vector256<float> u = gv / d;
                if (momentum)
                {
                    u = Vector256.LoadUnsafe(ref b, k) * mu + u;
                    u.StoreUnsafe(ref b, k);
                }
                (pv - u * lr).StoreUnsafe(ref p, k);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                nuint k = (nuint)i;
                Vector128<float> pv = Vector128.LoadUnsafe(ref p, k);
                Vector128<float> gv = Vector128.LoadUnsafe(ref g, k) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector128<float>.Zero.StoreUnsafe(ref g, k);
                }
                Vector128<float> rv = Vector128.LoadUnsafe(ref r, k) * alpha + gv * gv * rest;
                rv.StoreUnsafe(ref r, k);
                Vector128<float> d;
                if (centered)
                {
                    Vector128<float> av = Vector128.LoadUnsafe(ref a, k) * alpha + gv * rest;
                    av.StoreUnsafe(ref a, k);
                    d = Vector128.Sqrt(rv - av * av) + Vector128.Create(eps);
                }
                else
                {
                    d = Vector128.Sqrt(rv) + Vector128.Create(eps);
                }
                Vector128<float> u = gv / d;
                if (momentum)
                {
                    u = Vector128.LoadUnsafe(ref b, k) * mu + u;
                    u.StoreUnsafe(ref b, k);
                }
                (pv - u * lr).StoreUnsafe(ref p, k);
            }
        }
        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i);
            float gi = Unsafe.Add(ref g, i) * s + pi * wd;
            if (typeof(TMode) == typeof(ClearGradients))
            {
                Unsafe.Add(ref g, i) = 0f;
            }
            float ri = Unsafe.Add(ref r, i) * alpha + gi * gi * rest;
            Unsafe.Add(ref r, i) = ri;
            float d;
            if (centered)
            {
                float ai = Unsafe.Add(ref a, i) * alpha + gi * rest;
                Unsafe.Add(ref a, i) = ai;
                d = MathF.Sqrt(ri - ai * ai) + eps;
            }
            else
            {
                d = MathF.Sqrt(ri) + eps;
            }
            float u = gi / d;
            if (momentum)
            {
                u = Unsafe.Add(ref b, i) * mu + u;
                Unsafe.Add(ref b, i) = u;
            }
            Unsafe.Add(ref p, i) = pi - u * lr;
        }
    }
}
