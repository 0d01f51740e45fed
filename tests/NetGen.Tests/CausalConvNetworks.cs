namespace NetGen.Tests;

// The causal streaming Conv1D networks of tests/pytorch/make_streaming_network_fixtures.py (causal_networks.json): the same
// layers in the same order (issue 10b).

/// <summary>The streaming benchmark's convolution: 1 channel in, 12 filters of 5 taps (RTNeural's Conv1D workload).</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Conv1D(12, 5)]
public sealed partial class CausalConv12;

/// <summary>A TCN-style stack: dilations 1, 2, 4, then a Dense layer at every step.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Conv1D(4, 3, Activation.Tanh)]
[Conv1D(5, 3, Activation.Tanh, Dilation = 2)]
[Conv1D(3, 2, Activation.Sigmoid, Dilation = 4)]
[Dense(1)]
public sealed partial class CausalTcn;

/// <summary>A causal convolution feeding a GRU.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[Conv1D(6, 3, Activation.Tanh)]
[GRU(5)]
[Dense(1)]
public sealed partial class CausalConvGru;

/// <summary>A GRU feeding a dilated causal convolution.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[GRU(4)]
[Conv1D(3, 2, Activation.Tanh, Dilation = 2)]
[Dense(2)]
public sealed partial class GruCausalConv;

/// <summary>A kernel of 1 (no history), an LSTM, a causal convolution as the sigmoid output with binary cross-entropy.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(3)]
[Conv1D(3, 1)]
[LSTM(4)]
[Conv1D(1, 4, Activation.Sigmoid)]
public sealed partial class CausalLstmCausal;

/// <summary>Inference only, named: its tensors take the module's name.</summary>
[Network]
[Input(2)]
[Conv1D(3, 3, Activation.ReLU, Dilation = 2, Name = "tcn")]
[Dense(1, Name = "head")]
public sealed partial class NamedCausalConv;
