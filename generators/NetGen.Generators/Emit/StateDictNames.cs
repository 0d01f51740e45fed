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
        foreach ((LayerEmitter layer, string prefix, int module) in Modules(spec))
        {
            tensors.AddRange(layer.Tensors(prefix));
            if (layer.Model.Activation.SlopeOffset >= 0)
            {
                // PReLU is its own module after the layer's, holding the slope: weight, shape [1].
                tensors.Add(new TensorSpec(ActivationModule(layer.Model, module) + ".weight", layer.Model.Activation.SlopeOffset, new EquatableArray<int>(new[] { 1 })));
            }
        }
        return tensors;
    }

    /// <summary>Entries a PyTorch file may have that NetGen does not store (batch norm's <c>num_batches_tracked</c>): accepted, never required.</summary>
    public static ISet<string> Ignored(NetworkSpec spec)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((LayerEmitter layer, string prefix, int _) in Modules(spec))
        {
            names.UnionWith(layer.IgnoredTensors(prefix));
        }
        return names;
    }

    private static IEnumerable<(LayerEmitter Layer, string Prefix, int Module)> Modules(NetworkSpec spec)
    {
        int module = 0;
        foreach (LayerEmitter layer in new EmitContext(spec).Layers)
        {
            // A named layer's tensors are {Name}.weight …; an unnamed one's take its nn.Sequential index.
            yield return (layer, Module(layer.Model, module) + ".", module);
            module += layer.Modules;
        }
    }

    /// <summary>The layer's module name: its Name, or its index <paramref name="module"/> in the nn.Sequential.</summary>
    public static string Module(LayerModel layer, int module) => layer.Name ?? module.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The name of the module of the layer's activation, the module right after the layer's (PReLU's slope lives there): the
    /// next index in the nn.Sequential, or <c>{Name}_{activation}</c> beside a named layer (<c>fc1</c>, <c>fc1_prelu</c>).
    /// </summary>
    public static string ActivationModule(LayerModel layer, int module) =>
        layer.Name is { } name ? name + "_" + layer.Activation.Kind.ToString().ToLowerInvariant() : (module + 1).ToString(CultureInfo.InvariantCulture);
}
