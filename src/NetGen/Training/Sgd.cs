using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Training;

/// <summary>
/// Stochastic gradient descent, the textbook's <c>θ ← θ − η·∇θL</c>, with PyTorch's <c>torch.optim.SGD</c> options.
/// Batch, stochastic and mini-batch descent differ only in how many samples' gradients were accumulated per step.
/// </summary>
/// <remarks>
/// The update, per parameter, with <c>g = s·∇θL</c> (s the gradient scale), λ the weight decay, μ the momentum, τ the
/// dampening and <c>v</c> the velocity buffer (PyTorch's <c>momentum_buffer</c>):
/// <code>
/// g ← g + λ·θ
/// v ← g                          (first step)
/// v ← μ·v + (1 − τ)·g            (later steps)
/// u = g + μ·v  (Nesterov)   or   u = v  (classical momentum)   or   u = g  (μ = 0)
/// θ ← θ − η·u
/// </code>
/// </remarks>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = [];

    /// <summary>Creates the optimizer; every option but the learning rate defaults to PyTorch's (off).</summary>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="momentum">μ ∈ [0, 1); 0 turns momentum off.</param>
    /// <param name="dampening">τ ∈ [0, 1), the share of the new gradient left out of the velocity.</param>
    /// <param name="weightDecay">λ ≥ 0, added as <c>λ·θ</c> to the gradient (an L2 penalty of <c>λ/2·‖θ‖²</c>).</param>
    /// <param name="nesterov">Nesterov momentum (needs μ &gt; 0 and τ = 0, as in PyTorch).</param>
    public Sgd(float learningRate, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(learningRate)
    {
        Momentum = Check(momentum, 0f, 1f, nameof(momentum));
        Dampening = Check(dampening, 0f, 1f, nameof(dampening));
        WeightDecay = Check(weightDecay, 0f, float.PositiveInfinity, nameof(weightDecay));
        if (nesterov && (momentum <= 0f || dampening != 0f))
        {
            throw new ArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening.", nameof(nesterov));
        }
        Nesterov = nesterov;
    }

    /// <summary>μ, the momentum factor.</summary>
    public float Momentum { get; }

    /// <summary>τ, the dampening of the gradient entering the velocity.</summary>
    public float Dampening { get; }

    /// <summary>λ, the weight decay.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override bool HasState => Momentum != 0f;

    private protected override List<(string Name, float[] Buffer)> StateBuffers() =>
        Momentum != 0f ? [("momentum_buffer", _velocity)] : [];

    /// <inheritdoc/>
    protected override void CreateState(int length) => _velocity = Momentum != 0f && length > 0 ? Aligned.Allocate(length) : [];

    /// <inheritdoc/>
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float gradientScale) =>
        Apply<KeepGradients>(parameters, ref MemoryMarshal.GetReference(gradients), gradientScale);

    private protected override void UpdateAndZero(Span<float> parameters, Span<float> gradients, float gradientScale) =>
        Apply<ClearGradients>(parameters, ref MemoryMarshal.GetReference(gradients), gradientScale);

    private void Apply<TMode>(Span<float> parameters, ref float g, float gradientScale)
        where TMode : struct, IGradientMode
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        int n = parameters.Length;
        float lr = LearningRate, wd = WeightDecay, mu = Momentum;
        if (mu == 0f)
        {
            if (wd == 0f)
            {
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    MultiplyAddAndClear(-lr * gradientScale, ref g, ref p, n);
                }
                else
                {
                    Simd.MultiplyAdd(-lr * gradientScale, ref g, ref p, n);
                }
            }
            else
            {
                Plain<TMode>(ref p, ref g, n, lr, gradientScale, wd);
            }
            return;
        }
        bool first = StepCount == 1;
        // First step: v = g (PyTorch clones the gradient into the buffer), i.e. keep 0·v and take all of g.
        float decay = first ? 0f : mu, take = first ? 1f : 1f - Dampening;
        WithMomentum<TMode>(ref p, ref g, ref Aligned.First(_velocity), n, lr, gradientScale, wd, decay, take, Nesterov ? mu : 0f, Nesterov);
    }

    /// <summary>θ ← θ − η·(s·g + λ·θ).</summary>
    private static void Plain<TMode>(ref float p, ref float g, int n, float lr, float s, float wd)
        where TMode : struct, IGradientMode
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                Vector512<float> gv = Vector512.LoadUnsafe(ref g, (nuint)i) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector512<float>.Zero.StoreUnsafe(ref g, (nuint)i);
                }
                (pv - gv * lr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> gv = Vector256.LoadUnsafe(ref g, (nuint)i) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector256<float>.Zero.StoreUnsafe(ref g, (nuint)i);
                }
                (pv - gv * lr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> pv = Vector128.LoadUnsafe(ref p, (nuint)i);
                Vector128<float> gv = Vector128.LoadUnsafe(ref g, (nuint)i) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector128<float>.Zero.StoreUnsafe(ref g, (nuint)i);
                }
                (pv - gv * lr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float pi = Unsafe.Add(ref p, i);
            Unsafe.Add(ref p, i) = pi - (Unsafe.Add(ref g, i) * s + pi * wd) * lr;
            if (typeof(TMode) == typeof(ClearGradients))
            {
                Unsafe.Add(ref g, i) = 0f;
            }
        }
    }

    /// <summary>g = s·∇ + λ·θ; v ← decay·v + take·g; u = nesterov ? g + μ·v : v; θ ← θ − η·u.</summary>
    private static void WithMomentum<TMode>(ref float p, ref float g, ref float v, int n, float lr, float s, float wd, float decay, float take, float mu, bool nesterov)
        where TMode : struct, IGradientMode
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                Vector512<float> gv = Vector512.LoadUnsafe(ref g, (nuint)i) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector512<float>.Zero.StoreUnsafe(ref g, (nuint)i);
                }
                Vector512<float> vv = Vector512.LoadUnsafe(ref v, (nuint)i) * decay + gv * take;
                vv.StoreUnsafe(ref v, (nuint)i);
                Vector512<float> u = nesterov ? gv + vv * mu : vv;
                (pv - u * lr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> gv = Vector256.LoadUnsafe(ref g, (nuint)i) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector256<float>.Zero.StoreUnsafe(ref g, (nuint)i);
                }
                Vector256<float> vv = Vector256.LoadUnsafe(ref v, (nuint)i) * decay + gv * take;
                vv.StoreUnsafe(ref v, (nuint)i);
                Vector256<float> u = nesterov ? gv + vv * mu : vv;
                (pv - u * lr).StoreUnsafe(ref p, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> pv = Vector128.LoadUnsafe(ref p, (nuint)i);
                Vector128<float> gv = Vector128.LoadUnsafe(ref g, (nuint)i) * s + pv * wd;
                if (typeof(TMode) == typeof(ClearGradients))
                {
                    Vector128<float>.Zero.StoreUnsafe(ref g, (nuint)i);
                }
                Vector128<float> vv = Vector128.LoadUnsafe(ref v, (nuint)i) * decay + gv * take;
                vv.StoreUnsafe(ref v, (nuint)i);
                Vector128<float> u = nesterov ? gv + vv * mu : vv;
                (pv - u * lr).StoreUnsafe(ref p, (nuint)i);
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
            float vi = Unsafe.Add(ref v, i) * decay + gi * take;
            Unsafe.Add(ref v, i) = vi;
            float u = nesterov ? gi + vi * mu : vi;
            Unsafe.Add(ref p, i) = pi - u * lr;
        }
    }

    /// <summary>
    /// <see cref="Simd.MultiplyAdd"/> (θ ← θ + α·g, the same vector widths, fused multiply-adds and scalar tail, so the same
    /// bits) that stores 0 in each gradient once read.
    /// </summary>
    private static void MultiplyAddAndClear(float alpha, ref float x, ref float y, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            Vector512<float> va = Vector512.Create(alpha);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> xv = Vector512.LoadUnsafe(ref x, (nuint)i);
                Vector512<float>.Zero.StoreUnsafe(ref x, (nuint)i);
                Simd.Fma(va, xv, Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> va = Vector256.Create(alpha);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> xv = Vector256.LoadUnsafe(ref x, (nuint)i);
                Vector256<float>.Zero.StoreUnsafe(ref x, (nuint)i);
                Simd.Fma(va, xv, Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> va = Vector128.Create(alpha);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> xv = Vector128.LoadUnsafe(ref x, (nuint)i);
                Vector128<float>.Zero.StoreUnsafe(ref x, (nuint)i);
                Simd.Fma(va, xv, Vector128.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float xi = Unsafe.Add(ref x, i);
            Unsafe.Add(ref x, i) = 0f;
            Unsafe.Add(ref y, i) += alpha * xi;
        }
    }
}
