using System;
using System.Collections.Generic;
using System.Globalization;
using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>
/// A network's tensors named as in the equivalent PyTorch <c>nn.Sequential</c> state dict (must agree with
/// NetGen.IO.StateDict). The Sequential has one module per layer plus one per activation other than identity, so
/// <c>[Dense(32, ReLU)][Dropout(0.5)][Dense(10, Softmax)]</c> is <c>Sequential(Linear, ReLU, Dropout, Linear, Softmax)</c>:
/// <c>0.*</c>, <c>3.*</c>. Each layer's emitter names its own tensors.
/// </summary>
internal static class StateDictNames
{
    /// <summary>The tensors in state-dict order.</summary>
    public static IReadOnlyList<TensorSpec> Tensors(NetworkSpec spec)
    {
        var tensors = new List<TensorSpec>(2 * spec.Layers.Count);
        foreach ((LayerEmitter layer, string prefix) in Modules(spec))
        {
            tensors.AddRange(layer.Tensors(prefix));
        }
        return tensors;
    }

    /// <summary>Entries a PyTorch file may have that NetGen does not store (batch norm's <c>num_batches_tracked</c>): accepted, never required.</summary>
    public static ISet<string> Ignored(NetworkSpec spec)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((LayerEmitter layer, string prefix) in Modules(spec))
        {
            names.UnionWith(layer.IgnoredTensors(prefix));
        }
        return names;
    }

    private static IEnumerable<(LayerEmitter Layer, string Prefix)> Modules(NetworkSpec spec)
    {
        int module = 0;
        foreach (LayerEmitter layer in new EmitContext(spec).Layers)
        {
            // A named layer's tensors are {Name}.weight …; an unnamed one's take its nn.Sequential index.
            yield return (layer, (layer.Model.Name ?? module.ToString(CultureInfo.InvariantCulture)) + ".");
            module += layer.Modules;
        }
    }
}
