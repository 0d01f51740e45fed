// A guitar-style distortion learned by a small GRU, then run sample by sample as an audio plug-in would.
//
// The "pedal" to imitate: a one-pole low-pass filter (the tone knob) followed by tanh saturation with gain (the drive):
//     s[t] = s[t−1] + α·(x[t] − s[t−1]),    y[t] = tanh(drive · s[t])
// It has memory (the filter), so a network that sees one sample at a time needs state: a GRU keeps it in h.
// NetGen generates AmpModel's Step (one sample in, one out, no allocation), ForwardSequence and backprop through time;
// open obj/generated/…/AmpModel.g.cs to read them.
using System;
using System.Diagnostics;
using NetGen;
using NetGen.Training;

const int SampleRate = 48_000;
const float Alpha = 0.2f, Drive = 4f;

// ── Training data: 1.5 s of generated "playing" (notes with harmonics and decay), cut into sequences of 256 samples ──
const int Steps = 256, Sequences = 288;
float[] train = Playing(Steps * Sequences, seed: 1);
float[] trainTarget = Pedal(train);
var data = new Dataset(train, trainTarget, Steps, Steps);

var net = new AmpModel(seed: 7);
Console.WriteLine($"AmpModel: 1 → GRU {AmpModel.StateCount} → Dense 1, {AmpModel.ParameterCount} parameters, trained through time on {Sequences} × {Steps} samples");
var trainer = new Trainer(new SequenceNetwork(net, Steps), new Adam(0.01f),
    new TrainerOptions { Epochs = 12, BatchSize = 8, ClipNorm = 1f, Seed = 2, Schedule = new CosineAnnealing(12) });
trainer.Fit(data, null, p =>
{
    if (p.Completed is { } epoch)
    {
        Console.WriteLine($"epoch {epoch.Epoch,2}  loss {epoch.TrainLoss:F6}");
    }
});

// ── Streaming: one second of new playing through Step, one sample at a time, timed ──
float[] test = Playing(SampleRate, seed: 99);
float[] expected = Pedal(test);
var output = new float[test.Length];
// Warm up for half a second (the JIT compiles Step's optimised code after its first calls), then time five passes of
// the second from the zero state and keep the median.
var warm = Stopwatch.StartNew();
while (warm.ElapsedMilliseconds < 500)
{
    net.ResetState();
    for (int t = 0; t < test.Length; t++)
    {
        net.Step(test.AsSpan(t, 1), output.AsSpan(t, 1));
    }
}
var times = new double[5];
long bytes = GC.GetAllocatedBytesForCurrentThread();
for (int pass = 0; pass < times.Length; pass++)
{
    net.ResetState();
    long start = Stopwatch.GetTimestamp();
    for (int t = 0; t < test.Length; t++)
    {
        net.Step(test.AsSpan(t, 1), output.AsSpan(t, 1));
    }
    times[pass] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / test.Length;
}
bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
Array.Sort(times);

double error = 0, energy = 0;
for (int t = 0; t < test.Length; t++)
{
    error += Math.Pow(output[t] - expected[t], 2);
    energy += Math.Pow(expected[t], 2);
}
double esr = error / energy;                           // error-to-signal ratio, the usual measure for amp models
double nsPerSample = times[times.Length / 2];
double realTime = 1e9 / SampleRate / nsPerSample;
Console.WriteLine($"streamed {test.Length} samples (1 s of audio) five times: median {nsPerSample:F1} ns per sample, {bytes} bytes allocated");
Console.WriteLine($"real-time factor at {SampleRate / 1000} kHz: ×{realTime:F0}");
Console.WriteLine($"error-to-signal ratio on unseen playing: {esr:F4}");
return esr < 0.02 && realTime > 1 && bytes == 0 ? 0 : 1;

// Notes of random pitch (82–660 Hz, a guitar's range) with three harmonics and an exponential decay, a new note every
// 0.1–0.3 s, at random loudness: what a pickup sends into a pedal.
static float[] Playing(int length, int seed)
{
    var random = new Random(seed);
    var x = new float[length];
    int t = 0;
    while (t < length)
    {
        int note = random.Next(SampleRate / 10, 3 * SampleRate / 10);
        double f = 82.4 * Math.Pow(2, random.Next(0, 36) / 12.0), loud = 0.2 + 0.8 * random.NextDouble();
        for (int i = 0; i < note && t < length; i++, t++)
        {
            double phase = 2 * Math.PI * f * i / SampleRate, decay = Math.Exp(-3.0 * i / note);
            x[t] = (float)(loud * decay * (0.6 * Math.Sin(phase) + 0.3 * Math.Sin(2 * phase) + 0.1 * Math.Sin(3 * phase)));
        }
    }
    return x;
}

// The pedal: one-pole low-pass, then tanh saturation.
static float[] Pedal(float[] x)
{
    var y = new float[x.Length];
    float s = 0f;
    for (int t = 0; t < x.Length; t++)
    {
        s += Alpha * (x[t] - s);
        y[t] = MathF.Tanh(Drive * s);
    }
    return y;
}

/// <summary>One sample in, one out; a GRU of 8 units keeps the filter's memory; MSE, trained through time.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(1)]
[GRU(8)]
[Dense(1)]
public sealed partial class AmpModel;
