// XOR: the problem a single perceptron cannot solve (Minsky & Papert, 1969) and one hidden layer can.
// The network below is all the code there is: NetGen generates XorNet's forward pass, backprop and
// parameter storage at compile time. Open obj/generated/…/XorNet.g.cs to read them.
using System;
using NetGen;
using System.Linq;
using NetGen.Training;

float[][] inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
float[][] targets = [[0], [1], [1], [0]];

var net = new XorNet(seed: 1);
var sgd = new Sgd(learningRate: 0.5f);
Console.WriteLine($"XorNet: {XorNet.InputSize} → 4 tanh → {XorNet.OutputSize} sigmoid, {XorNet.ParameterCount} parameters, binary cross-entropy");

const int Epochs = 2000;
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    // Batch gradient descent: accumulate ∂L/∂θ over the four samples, then take one step with their mean.
    float loss = 0f;
    for (int i = 0; i < inputs.Length; i++)
    {
        loss += net.Backward(inputs[i], targets[i]);
    }
    sgd.Step(net, batchSize: inputs.Length);
    if (epoch == 1 || epoch % 200 == 0)
    {
        Console.WriteLine($"epoch {epoch,5}  loss {loss / inputs.Length:F6}");
    }
}

Span<float> output = stackalloc float[XorNet.OutputSize];
int correct = 0;
foreach ((float[] x, float[] y) in inputs.Zip(targets))
{
    net.Forward(x, output);
    bool ok = (output[0] > 0.5f) == (y[0] > 0.5f);
    correct += ok ? 1 : 0;
    Console.WriteLine($"{x[0]} XOR {x[1]} = {output[0]:F4}  (expected {y[0]}) {(ok ? "✓" : "✗")}");
}
Console.WriteLine($"{correct}/{inputs.Length} correct");

// The same call on typed buffers: XorNet.InputBuffer is exactly 2 floats and XorNet.OutputBuffer exactly 1, values on the
// stack. Another network's buffer is another type, so a wrong shape is a compile error instead of an exception.
XorNet.InputBuffer typed = default;
typed[0] = 1f;
typed[1] = 0f;
net.Forward(in typed, out XorNet.OutputBuffer typedOutput);
Console.WriteLine($"typed buffers: 1 XOR 0 = {typedOutput[0]:F4}");
return correct == inputs.Length ? 0 : 1;

/// <summary>Two inputs, four tanh hidden units, one sigmoid output, trained with binary cross-entropy.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class XorNet;
