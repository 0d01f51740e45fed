using System.Collections.Generic;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>How a generated member collides with a user's member of the same name.</summary>
internal enum GeneratedMemberKind
{
    /// <summary>A constant, field or property: any member of the same name collides.</summary>
    Value,

    /// <summary>A method: a non-method of the same name collides, and a method with the same parameter types.</summary>
    Method,

    /// <summary>The constructor <c>(int seed)</c>: a constructor with the same parameter types collides.</summary>
    Constructor,

    /// <summary>An explicit implementation of <c>NetGen.INetwork</c>'s member: the user's explicit implementation collides.</summary>
    ExplicitINetwork,
}

/// <summary>A member NetGen writes into the network class; <paramref name="ParameterTypes"/> are display strings.</summary>
internal sealed record GeneratedMember(string Name, GeneratedMemberKind Kind, string Purpose, params string[] ParameterTypes);

/// <summary>
/// The members the emitter writes into a network class, so that the parser can refuse a class that already has one
/// (NG1005–NG1007) instead of generating code that does not compile. A test compares this list with the members of
/// generated classes: when the emitter gains a member, add it here.
/// </summary>
internal static class GeneratedMembers
{
    private const string ReadOnlySpan = "System.ReadOnlySpan<float>";
    private const string Span = "System.Span<float>";

    public static IEnumerable<GeneratedMember> For(bool trainable, IReadOnlyList<LayerKindSpec> layers)
    {
        bool statistics = false, random = false, streams = false, adapts = false;
        foreach (LayerKindSpec kind in layers)
        {
            LayerRule rule = LayerRules.ForKind(kind);
            statistics |= rule.HasStatistics;
            random |= rule.UsesRandom;
            streams |= rule.Streams;
            adapts |= kind == LayerKindSpec.Normalization; // issue 13
        }
        yield return new GeneratedMember("InputSize", GeneratedMemberKind.Value, "the input size constant");
        yield return new GeneratedMember("OutputSize", GeneratedMemberKind.Value, "the output size constant");
        yield return new GeneratedMember("ParameterCount", GeneratedMemberKind.Value, "the parameter count constant");
        yield return new GeneratedMember("_parameters", GeneratedMemberKind.Value, "the parameter buffer");
        yield return new GeneratedMember("Parameters", GeneratedMemberKind.Value, "the parameter span");
        yield return new GeneratedMember("Layers", GeneratedMemberKind.Value, "the layer list");
        yield return new GeneratedMember("PyTorchModule", GeneratedMemberKind.Value, "the PyTorch module source");
        yield return new GeneratedMember("InputSize", GeneratedMemberKind.ExplicitINetwork, "INetwork.InputSize");
        yield return new GeneratedMember("OutputSize", GeneratedMemberKind.ExplicitINetwork, "INetwork.OutputSize");
        yield return new GeneratedMember("ParameterCount", GeneratedMemberKind.ExplicitINetwork, "INetwork.ParameterCount");
        yield return new GeneratedMember("Layers", GeneratedMemberKind.ExplicitINetwork, "INetwork.Layers");
        if (statistics)
        {
            yield return new GeneratedMember("_statistics", GeneratedMemberKind.Value, "batch norm's running statistics");
            yield return new GeneratedMember("RunningStatistics", GeneratedMemberKind.Value, "batch norm's running statistics");
        }
        else
        {
            yield return new GeneratedMember("RunningStatistics", GeneratedMemberKind.ExplicitINetwork, "INetwork.RunningStatistics");
        }
        if (adapts)
        {
            // issue 13: [Normalization] (AdaptEmitter)
            yield return new GeneratedMember("IsAdapted", GeneratedMemberKind.Value, "whether the normalization was adapted");
            yield return new GeneratedMember("Adapt", GeneratedMemberKind.Method, "the normalization's adapt from a dataset", "NetGen.Training.Dataset");
            yield return new GeneratedMember("Adapt", GeneratedMemberKind.Method, "the normalization's adapt from rows", ReadOnlySpan);
        }
        if (random)
        {
            yield return new GeneratedMember("_random", GeneratedMemberKind.Value, "dropout's mask generator");
            yield return new GeneratedMember("RandomState", GeneratedMemberKind.ExplicitINetwork, "IRandomStateNetwork.RandomState");
        }
        yield return new GeneratedMember(".ctor", GeneratedMemberKind.Constructor, "the seeded constructor", "int");
        yield return new GeneratedMember("Forward", GeneratedMemberKind.Method, "the forward pass", ReadOnlySpan, Span);
        yield return new GeneratedMember("ForwardBatch", GeneratedMemberKind.Method, "the batched forward pass", ReadOnlySpan, Span, "int");
        if (streams)
        {
            // issue 10: the streaming surface (StepEmitter)
            yield return new GeneratedMember("StateCount", GeneratedMemberKind.Value, "the state size constant");
            yield return new GeneratedMember("StateCount", GeneratedMemberKind.ExplicitINetwork, "IStreamingNetwork.StateCount");
            yield return new GeneratedMember("State", GeneratedMemberKind.Value, "the caller-owned stream state type");
            yield return new GeneratedMember("_state", GeneratedMemberKind.Value, "the instance's stream state");
            yield return new GeneratedMember("_packed", GeneratedMemberKind.Value, "the packed recurrent weights");
            yield return new GeneratedMember("_packedStale", GeneratedMemberKind.Value, "the packed weights' stale flag");
            yield return new GeneratedMember("ResetState", GeneratedMemberKind.Method, "resets the stream");
            yield return new GeneratedMember("Step", GeneratedMemberKind.Method, "one time step of the instance's stream", ReadOnlySpan, Span);
            yield return new GeneratedMember("Step", GeneratedMemberKind.Value, "one time step of a caller's stream (its State)");
            yield return new GeneratedMember("ForwardSequence", GeneratedMemberKind.Method, "the forward pass over a sequence", ReadOnlySpan, Span, "int");
            yield return new GeneratedMember("StepCore", GeneratedMemberKind.Value, "the time step every inference path runs");
            yield return new GeneratedMember("Repack", GeneratedMemberKind.Value, "packs the recurrent weights");
        }
        // Issue 13: typed fixed-size buffers and the Forward that takes them.
        yield return new GeneratedMember("InputBuffer", GeneratedMemberKind.Value, "the typed input buffer");
        yield return new GeneratedMember("OutputBuffer", GeneratedMemberKind.Value, "the typed output buffer");
        yield return new GeneratedMember("Forward", GeneratedMemberKind.Method, "Forward on typed buffers", "InputBuffer", "OutputBuffer");
        if (!trainable)
        {
            yield break;
        }
        yield return new GeneratedMember("_gradients", GeneratedMemberKind.Value, "the gradient buffer");
        yield return new GeneratedMember("_workspace", GeneratedMemberKind.Value, "the training buffers");
        yield return new GeneratedMember("Loss", GeneratedMemberKind.Value, "the declared loss");
        yield return new GeneratedMember("Loss", GeneratedMemberKind.ExplicitINetwork, "ITrainableNetwork.Loss");
        yield return new GeneratedMember("Gradients", GeneratedMemberKind.Value, "the gradient span");
        yield return new GeneratedMember("ZeroGradients", GeneratedMemberKind.Method, "clears the gradients");
        yield return new GeneratedMember("Training", GeneratedMemberKind.Value, "the training-mode switch");
        yield return new GeneratedMember("Evaluate", GeneratedMemberKind.Method, "inference plus the loss", ReadOnlySpan, ReadOnlySpan, Span);
        yield return new GeneratedMember("Backward", GeneratedMemberKind.Method, "the backward pass", ReadOnlySpan, ReadOnlySpan);
        yield return new GeneratedMember("BackwardBatch", GeneratedMemberKind.Method, "the mini-batch backward pass", ReadOnlySpan, ReadOnlySpan, "int", Span);
        yield return new GeneratedMember("TrainStep", GeneratedMemberKind.Method, "the fused SGD step", ReadOnlySpan, ReadOnlySpan, "float");
        yield return new GeneratedMember("TrainStepBatch", GeneratedMemberKind.Method, "the fused mini-batch SGD step", ReadOnlySpan, ReadOnlySpan, "int", "float", Span);
        if (streams)
        {
            yield return new GeneratedMember("BackwardSequence", GeneratedMemberKind.Method, "backprop through time", ReadOnlySpan, ReadOnlySpan, "int");
            yield return new GeneratedMember("BackwardSequence", GeneratedMemberKind.Value, "truncated backprop through time from a caller's State");
            yield return new GeneratedMember("EvaluateSequence", GeneratedMemberKind.Method, "the loss over a sequence", ReadOnlySpan, ReadOnlySpan, Span, "int");
            yield return new GeneratedMember("EvaluateCore", GeneratedMemberKind.Value, "one step and its loss");
            yield return new GeneratedMember("BatchCore", GeneratedMemberKind.Value, "the batch of one-step sequences");
            yield return new GeneratedMember("Descend", GeneratedMemberKind.Value, "the SGD update");
            yield return new GeneratedMember("BackwardSequenceCore", GeneratedMemberKind.Value, "the recorded sequence and its backward pass");
            yield break;
        }
        // The private forward passes that keep z⁽ˡ⁾ and a⁽ˡ⁾ for backprop and the backprop passes: their parameters depend on
        // the layers (or are generic), so any member of the same name collides.
        yield return new GeneratedMember("RecordForward", GeneratedMemberKind.Value, "the forward pass kept for backprop");
        yield return new GeneratedMember("RecordForwardBatch", GeneratedMemberKind.Value, "the batched forward pass kept for backprop");
        yield return new GeneratedMember("Backprop", GeneratedMemberKind.Value, "the backward pass shared by Backward and TrainStep");
        yield return new GeneratedMember("BackpropBatch", GeneratedMemberKind.Value, "the batched backward pass shared by BackwardBatch and TrainStepBatch");
    }
}
