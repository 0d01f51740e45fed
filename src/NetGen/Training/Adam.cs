using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using NetGen.Kernels;

namespace NetGen.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with PyTorch's <c>torch.optim.Adam</c> rule and defaults (η = 0.001, β = (0.9, 0.999), ε = 1e-8).
/// Weight decay here is the L2 kind, added to the gradient; for decoupled decay use <see cref="AdamW"/>.
/// </summary>
/// <remarks>
/// Per parameter at step t, with <c>g = s·∇θL</c>:
/// <code>
/// g ← g + λ·θ                                       (Adam; AdamW instead decays θ ← θ·(1 − η·λ) first)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²;    v̂ = max(v̂, v) with AMSGrad, else v̂ = v
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// </code>
/// </remarks>
public class Adam : Optimizer
{
    private float[] _m = [], _v = [], _vMax = [];
    private readonly bool _decoupled;

    /// <summary>Creates the optimizer with PyTorch's defaults unless given.</summary>
    /// <param name="learningRate">η &gt; 0 (0.001).</param>
    /// <param name="beta1">β₁ ∈ [0, 1) (0.9).</param>
    /// <param name="beta2">β₂ ∈ [0, 1) (0.999).</param>
    /// <param name="epsilon">ε &gt; 0 (1e-8).</param>
    /// <param name="weightDecay">λ ≥ 0 (0): L2 decay added to the gradient.</param>
    /// <param name="amsGrad">Use the running maximum of v (Reddi et al. 2018).</param>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f, bool amsGrad = false)
        : this(learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, decoupled: false)
    {
    }

    private protected Adam(float learningRate, float beta1, float beta2, float epsilon, float weightDecay, bool amsGrad, bool decoupled)
        : base(learningRate)
    {
        Beta1 = Check(beta1, 0f, 1f, nameof(beta1));
        Beta2 = Check(beta2, 0f, 1f, nameof(beta2));
        Epsilon = epsilon > 0f && float.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a positive finite number.");
        WeightDecay = Check(weightDecay, 0f, float.PositiveInfinity, nameof(weightDecay));
        AmsGrad = amsGrad;
        _decoupled = decoupled;
    }

    /// <summary>β₁, the decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>λ, the weight decay (coupled for <see cref="Adam"/>, decoupled for <see cref="AdamW"/>).</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc/>
    protected sealed override bool HasState => true;

    private protected sealed override List<(string Name, float[] Buffer)> StateBuffers() =>
        AmsGrad ? [("exp_avg", _m), ("exp_avg_sq", _v), ("max_exp_avg_sq", _vMax)] : [("exp_avg", _m), ("exp_avg_sq", _v)];

    /// <inheritdoc/>
    protected sealed override void CreateState(int length)
    {
        _m = length > 0 ? Aligned.Allocate(length) : [];
        _v = length > 0 ? Aligned.Allocate(length) : [];
        _vMax = AmsGrad && length > 0 ? Aligned.Allocate(length) : [];
    }

    /// <inheritdoc/>
    protected sealed override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale) =>
        Apply<KeepGradients>(parameters, ref MemoryMarshal.GetReference(gradients), gradientScale);

    private protected sealed override void UpdateAndZero(Span<float> parameters, Span<float> gradients, float gradientScale) =>
        Apply<ClearGradients>(parameters, ref MemoryMarshal.GetReference(gradients), gradientScale);

    private void Apply<TMode>(Span<float> parameters, ref float g, float gradientScale)
        where TMode : struct, IGradientMode
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float m = ref Aligned.First(_m);
        ref float v = ref Aligned.First(_v);
        ref float vMax = ref Aligned.First(_vMax);
        int n = parameters.Length;
        double t = StepCount;
        // The scalars as PyTorch forms them, in double, then rounded once.
        float stepSize = (float)(LearningRate / (1.0 - Math.Pow(Beta1, t)));
        float bc2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(Beta2, t));
        float s = gradientScale, b1 = Beta1, b2 = Beta2, r1 = 1f - Beta1, r2 = 1f - Beta2, eps = Epsilon;
        float wd = _decoupled ? 0f : WeightDecay;
        float keep = _decoupled ? (float)(1.0 - (double)LearningRate * WeightDecay) : 1f;
        bool ams = AmsGrad;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                nuint k = (nuint)i;
                Vector512<float> pv = Vector512.LoadUnsafe(ref p, k) * keep;
                Vector512<float> gv = Vector512.LoadUnsafe(ref g, k) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector512<float>.Zero.StoreUnsafe(ref g, k);
                }
                Vector512<float> mv = Vector512.LoadUnsafe(ref m, k) * b1 + gv * r1;
                Vector512<float> vv = Vector512.LoadUnsafe(ref v, k) * b2 + gv * gv * r2;
                mv.StoreUnsafe(ref m, k);
                vv.StoreUnsafe(ref v, k);
                if (ams)
                {
                    vv = Vector512.Max(Vector512.LoadUnsafe(ref vMax, k), vv);
                    vv.StoreUnsafe(ref vMax, k);
                }
                Vector512<float> d = Vector512.Sqrt(vv) / bc2Sqrt + Vector512.Create(eps);
                (pv - mv / d * stepSize).StoreUnsafe(ref p, k);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                nuint k = (nuint)i;
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, k) * keep;
                Vector256<float> gv = Vector256.LoadUnsafe(ref g, k) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector256<float>.Zero.StoreUnsafe(ref g, k);
                }
                Vector256<float> mv = Vector256.LoadUnsafe(ref m, k) * b1 + gv * r1;
                Vector256<float> vv = Vector256.LoadUnsafe(ref v, k) * b2 + gv * gv * r2;
                mv.StoreUnsafe(ref m, k);
                vv.StoreUnsafe(ref v, k);
                if (ams)
                {
                    vv = Vector256.Max(Vector256.LoadUnsafe(ref vMax, k), vv);
                    vv.StoreUnsafe(ref vMax, k);
                }
                Vector256<float> d = Vector256.Sqrt(vv) / bc2Sqrt + Vector256.Create(eps);
                (pv - mv / d * stepSize).StoreUnsafe(ref p, k);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                nuint k = (nuint)i;
                Vector128<float> pv = Vector128.LoadUnsafe(ref p, k) * keep;
                Vector128<float> gv = Vector128.LoadUnsafe(ref g, k) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector128<float>.Zero.StoreUnsafe(ref g, k);
                }
                Vector128<float> mv = Vector128.LoadUnsafe(ref m, k) * b1 + gv * r1;
                Vector128<float> vv = Vector128.LoadUnsafe(ref v, k) * b2 + gv * gv * r2;
                mv.StoreUnsafe(ref m, k);
                vv.StoreUnsafe(ref v, k);
                if (ams)
                {
                    vv = Vector128.Max(Vector128.LoadUnsafe(ref vMax, k), vv);
                    vv.StoreUnsafe(ref vMax, k);
                }
                Vector128<float> d = Vector128.Sqrt(vv) / bc2Sqrt + Vector128.Create(eps);
                (pv - mv / d * stepSize).StoreUnsafe(ref p, k);
            }
        }
        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i) * keep;
            float gi = Unsafe.Add(ref g, i) * s + pi * wd;
            if (typeof(TMode) == typeof(ClearGradients))
            {
                Unsafe.Add(ref g, i) = 0f;
            }
            float mi = Unsafe.Add(ref m, i) * b1 + gi * r1;
            float vi = Unsafe.Add(ref v, i) * b2 + gi * gi * r2;
            Unsafe.Add(ref m, i) = mi;
            Unsafe.Add(ref v, i) = vi;
            if (ams)
            {
                vi = MathF.Max(Unsafe.Add(ref vMax, i), vi);
                Unsafe.Add(ref vMax, i) = vi;
            }
            float d = MathF.Sqrt(vi) / bc2Sqrt + eps;
            Unsafe.Add(ref p, i) = pi - mi / d * stepSize;
        }
    }
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter 2019) with PyTorch's <c>torch.optim.AdamW</c> rule and defaults (η = 0.001,
/// β = (0.9, 0.999), ε = 1e-8, λ = 0.01): the weight decay is decoupled, <c>θ ← θ·(1 − η·λ)</c>, then an Adam step without decay.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer with PyTorch's defaults unless given.</summary>
    /// <param name="learningRate">η &gt; 0 (0.001).</param>
    /// <param name="beta1">β₁ ∈ [0, 1) (0.9).</param>
    /// <param name="beta2">β₂ ∈ [0, 1) (0.999).</param>
    /// <param name="epsilon">ε &gt; 0 (1e-8).</param>
    /// <param name="weightDecay">λ ≥ 0 (0.01): decoupled decay.</param>
    /// <param name="amsGrad">Use the running maximum of v.</param>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f, bool amsGrad = false)
        : base(learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, decoupled: true)
    {
    }
}
