using NetGen;

namespace NetGen.Benchmarks;

/// <summary>S1 of the streaming benchmark: 1 → GRU 8 → Dense 1 (RTNeural's typical amp model).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[GRU(8)]
[Dense(1)]
public sealed partial class S1Gru8;

/// <summary>S2 of the streaming benchmark: 1 → LSTM 16 → Dense 1.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[LSTM(16)]
[Dense(1)]
public sealed partial class S2Lstm16;

/// <summary>S3 of the streaming benchmark: four stacked GRU 8 (PyTorch's num_layers = 4), then Dense 1.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[GRU(8, Layers = 4)]
[Dense(1)]
public sealed partial class S3Gru8x4;

/// <summary>S4 of the streaming benchmark: 1 → causal Conv1D, 12 filters of 5 taps → Dense 1 (issue 10b's streaming convolution).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Conv1D(12, 5)]
[Dense(1)]
public sealed partial class S4Conv12;
