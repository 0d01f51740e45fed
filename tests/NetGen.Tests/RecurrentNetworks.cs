namespace NetGen.Tests;

// The streaming networks of tests/pytorch/make_streaming_network_fixtures.py (the same layers, in the same order), and a
// few more for the surface tests.

/// <summary>1 → GRU 8 × 2 stacked → Dense 1: the generated twin of StreamingSurfaceTests.GruDenseNet.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[GRU(8, Layers = 2)]
[Dense(1)]
public sealed partial class GruDenseStream;

/// <summary>A GRU alone: its h is the output.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[GRU(4)]
public sealed partial class GruAlone;

/// <summary>An LSTM alone.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[LSTM(5)]
public sealed partial class LstmAlone;

/// <summary>A stacked LSTM, then two Dense layers at every step.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[LSTM(6, Layers = 2)]
[Dense(3, Activation.Tanh)]
[Dense(2)]
public sealed partial class LstmDenseDense;

/// <summary>A Dense layer before the recurrent ones, a GRU into a stacked LSTM, a sigmoid output with binary cross-entropy.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.ReLU)]
[GRU(5)]
[LSTM(4, Layers = 2)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class MixedStream;

/// <summary>A per-step classifier: LSTM then a softmax with cross-entropy.</summary>
[Network(Loss = Loss.CrossEntropy)]
[Input(2)]
[LSTM(7)]
[Dense(3, Activation.Softmax)]
public sealed partial class LstmClassifier;

/// <summary>PyTorch's nn.GRU(2, 6, num_layers = 3), inference only.</summary>
[Network]
[Input(2)]
[GRU(6, Layers = 3)]
public sealed partial class Gru3;

/// <summary>The streaming benchmark's sizes: 1 → GRU 8 → Dense 1 and 1 → LSTM 16 → Dense 1.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[GRU(8)]
[Dense(1)]
public sealed partial class Gru8Stream;

/// <summary>1 → LSTM 16 → Dense 1.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[LSTM(16)]
[Dense(1)]
public sealed partial class Lstm16Stream;

/// <summary>A named recurrent layer: its tensors take the module's name, as PyTorch's <c>self.rnn = nn.LSTM(…)</c>.</summary>
[Network]
[Input(2)]
[LSTM(3, Name = "rnn")]
[Dense(1, Name = "head")]
public sealed partial class NamedLstm;
