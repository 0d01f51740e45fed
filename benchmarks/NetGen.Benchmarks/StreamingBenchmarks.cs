using System;
using BenchmarkDotNet.Attributes;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// Per-sample streaming of the networks RTNeural is measured on: 1 → GRU 8 → Dense 1 and 1 → LSTM 16 → Dense 1, one audio
/// sample per step (the recurrent step on packed weights, then the dense head as a dot product with the new h), over a block
/// of 1024 samples of a 440 Hz sine at 48 kHz: the kernels alone, under BenchmarkDotNet (<c>--filter '*Streaming*'</c>).
/// The generated networks' <c>Step</c> beside RTNeural and PyTorch is <see cref="StreamingCompare"/> (<c>-- streaming</c>).
/// </summary>
[MemoryDiagnoser]
public class Streaming
{
    public const int Block = 1024;
    private const double SampleRate = 48_000;

    private readonly float[] _input = new float[Block];
    private readonly float[] _output = new float[Block];
    private float[] _gruPacked = [], _gruHead = [], _gruState = [];
    private float[] _lstmPacked = [], _lstmHead = [], _lstmH = [], _lstmC = [];
    private float _gruBias, _lstmBias;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new SeededRandom(10);
        for (int i = 0; i < Block; i++)
        {
            _input[i] = 0.8f * MathF.Sin(2 * MathF.PI * 440 * i / (float)SampleRate);
        }
        _gruPacked = Packed(ref rng, lstm: false, 8);
        _gruHead = Draw(ref rng, 8);
        _gruBias = 0.1f;
        _gruState = new float[8];
        _lstmPacked = Packed(ref rng, lstm: true, 16);
        _lstmHead = Draw(ref rng, 16);
        _lstmBias = -0.1f;
        _lstmH = new float[16];
        _lstmC = new float[16];
    }

    private static float[] Packed(ref SeededRandom rng, bool lstm, int hidden)
    {
        float[] theta = Draw(ref rng, lstm ? RecurrentKernels.LstmParameterCount(1, hidden) : RecurrentKernels.GruParameterCount(1, hidden));
        var packed = new float[lstm ? RecurrentKernels.LstmPackedLength(1, hidden) : RecurrentKernels.GruPackedLength(1, hidden)];
        if (lstm)
        {
            RecurrentKernels.LstmPack(theta, packed, 1, hidden);
        }
        else
        {
            RecurrentKernels.GruPack(theta, packed, 1, hidden);
        }
        return packed;
    }

    private static float[] Draw(ref SeededRandom rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(rng.NextDouble() - 0.5);
        }
        return values;
    }

    /// <summary>1 → GRU 8 → Dense 1, per sample.</summary>
    [Benchmark(OperationsPerInvoke = Block)]
    public float Gru8()
    {
        ReadOnlySpan<float> packed = _gruPacked, head = _gruHead;
        Span<float> h = _gruState;
        for (int i = 0; i < Block; i++)
        {
            RecurrentKernels.GruStep(packed, _input.AsSpan(i, 1), h, 1, 8);
            _output[i] = Simd.Dot(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(head), ref h[0], 8) + _gruBias;
        }
        return _output[Block - 1];
    }

    /// <summary>1 → LSTM 16 → Dense 1, per sample.</summary>
    [Benchmark(OperationsPerInvoke = Block)]
    public float Lstm16()
    {
        ReadOnlySpan<float> packed = _lstmPacked, head = _lstmHead;
        Span<float> h = _lstmH, c = _lstmC;
        for (int i = 0; i < Block; i++)
        {
            RecurrentKernels.LstmStep(packed, _input.AsSpan(i, 1), h, c, 1, 16);
            _output[i] = Simd.Dot(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(head), ref h[0], 16) + _lstmBias;
        }
        return _output[Block - 1];
    }
}
