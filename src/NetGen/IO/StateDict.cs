using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetGen.IO;

/// <summary>
/// The names NetGen gives a network's tensors in weight files: those of the state dict of the equivalent PyTorch
/// <c>nn.Sequential</c>, so that <c>model.load_state_dict(...)</c> takes a NetGen file and NetGen takes PyTorch's.
/// </summary>
/// <remarks>
/// <para>The Sequential has one module per NetGen layer plus one per activation other than identity:
/// <c>[Dense(n, f)]</c> is <c>nn.Linear</c> then f's module (<c>nn.ReLU</c>, <c>nn.Tanh</c>, <c>nn.Softmax(dim=-1)</c>, …);
/// <c>[Dropout(p)]</c> is <c>nn.Dropout(p)</c>; <c>[BatchNorm(f)]</c> is <c>nn.BatchNorm1d</c> then f's module. A tensor is named
/// by its module's index in the Sequential. For example <c>[Input(64)][Dense(32, ReLU)][Dropout(0.5)][Dense(16)][Dense(10, Softmax)]</c>
/// is <c>Sequential(Linear, ReLU, Dropout, Linear, Linear, Softmax)</c> with tensors <c>0.weight</c>, <c>0.bias</c>,
/// <c>3.weight</c>, <c>3.bias</c>, <c>4.weight</c>, <c>4.bias</c>.</para>
/// <para>Shapes: a dense weight is <c>[out, in]</c> (nn.Linear.weight), a bias <c>[out]</c>; batch norm has <c>weight</c> (γ),
/// <c>bias</c> (β), <c>running_mean</c> and <c>running_var</c>, each <c>[features]</c>. PyTorch's <c>num_batches_tracked</c>
/// counter (an int64 scalar) has no NetGen counterpart: it is written as 0 and ignored when read.</para>
/// <para><c>[Normalization]</c> (issue 13) is a module of its own (the class <c>Normalization</c> in the generated <c>PyTorchModule</c>)
/// with two buffers, <c>running_mean</c> and <c>running_var</c>, each <c>[features]</c>.</para>
/// <para>A layer with a <see cref="LayerInfo.Name"/> (a PyTorch module's own name, such as <c>fc1</c>) has tensors
/// <c>fc1.weight</c>, <c>fc1.bias</c>, … instead of its Sequential index; unnamed layers keep their index, counted as above.</para>
/// <para>A dense layer with <see cref="Activation.PReLU"/> is <c>nn.Linear</c> then <c>nn.PReLU()</c>, whose one learnable slope is
/// the PReLU module's <c>weight</c> (shape [1]): <c>{k+1}.weight</c> after the Linear <c>{k}</c>, or <c>{Name}_prelu.weight</c> beside
/// a named layer (<c>fc1.weight</c>, <c>fc1.bias</c>, <c>fc1_prelu.weight</c>).</para>
/// </remarks>
public static class StateDict
{
    /// <summary>The tensors of <paramref name="network"/> in state-dict order, derived from <see cref="INetwork.Layers"/>.</summary>
    public static StateTensor[] Tensors(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var tensors = new List<StateTensor>();
        int module = 0, statistics = 0;
        foreach (LayerInfo layer in network.Layers)
        {
            string prefix = ModuleName(layer, module) + ".";
            switch (layer.Kind)
            {
                case LayerKind.Dense:
                    tensors.Add(new StateTensor(prefix + "weight", TensorBuffer.Parameters, layer.WeightOffset, layer.Outputs, layer.Inputs));
                    tensors.Add(new StateTensor(prefix + "bias", TensorBuffer.Parameters, layer.BiasOffset, layer.Outputs));
                    if (layer.SlopeCount == 1)
                    {
                        // nn.PReLU() is its own module after the nn.Linear: the next index, or {Name}_prelu beside a named layer.
                        string prelu = layer.Name is { } name ? name + "_prelu" : (module + 1).ToString(CultureInfo.InvariantCulture);
                        tensors.Add(new StateTensor(prelu + ".weight", TensorBuffer.Parameters, layer.SlopeOffset, 1));
                    }
                    break;
                case LayerKind.Conv2D:
                    int k = layer.KernelSize, filters = layer.BiasCount;
                    tensors.Add(new StateTensor(prefix + "weight", TensorBuffer.Parameters, layer.WeightOffset, filters, layer.WeightCount / (filters * k * k), k, k));
                    tensors.Add(new StateTensor(prefix + "bias", TensorBuffer.Parameters, layer.BiasOffset, filters));
                    break;
                case LayerKind.Conv1D:
                    tensors.Add(new StateTensor(prefix + "weight", TensorBuffer.Parameters, layer.WeightOffset, layer.BiasCount,
                        layer.WeightCount / (layer.BiasCount * layer.KernelSize), layer.KernelSize));
                    tensors.Add(new StateTensor(prefix + "bias", TensorBuffer.Parameters, layer.BiasOffset, layer.BiasCount));
                    break;
                case LayerKind.GRU or LayerKind.LSTM:
                    // issue 10: PyTorch's nn.GRU / nn.LSTM names, stacked layer after stacked layer
                    foreach ((string name, int offset, int rows, int columns) in layer.RecurrentTensors())
                    {
                        tensors.Add(columns == 0
                            ? new StateTensor(prefix + name, TensorBuffer.Parameters, offset, rows)
                            : new StateTensor(prefix + name, TensorBuffer.Parameters, offset, rows, columns));
                    }
                    break;
                case LayerKind.BatchNorm:
                    // One γ, β, mean and variance per feature (BatchNorm1d on vectors) or per channel (BatchNorm2d/1d after a convolution).
                    int features = layer.WeightCount;
                    tensors.Add(new StateTensor(prefix + "weight", TensorBuffer.Parameters, layer.WeightOffset, features));
                    tensors.Add(new StateTensor(prefix + "bias", TensorBuffer.Parameters, layer.BiasOffset, features));
                    tensors.Add(new StateTensor(prefix + "running_mean", TensorBuffer.RunningStatistics, statistics, features));
                    tensors.Add(new StateTensor(prefix + "running_var", TensorBuffer.RunningStatistics, statistics + features, features));
                    statistics += 2 * features;
                    break;
                case LayerKind.Normalization:
                    // issue 13: Keras's Normalization; its mean and variance are buffers of a small module (see PyTorchModule).
                    tensors.Add(new StateTensor(prefix + "running_mean", TensorBuffer.RunningStatistics, statistics, layer.Outputs));
                    tensors.Add(new StateTensor(prefix + "running_var", TensorBuffer.RunningStatistics, statistics + layer.Outputs, layer.Outputs));
                    statistics += 2 * layer.Outputs;
                    break;
            }
            module += Modules(layer);
        }
        return tensors.ToArray();
    }

    /// <summary>The <c>num_batches_tracked</c> names of the network's batch-norm modules: accepted in a file, never required.</summary>
    public static string[] BatchCounterNames(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var names = new List<string>();
        int module = 0;
        foreach (LayerInfo layer in network.Layers)
        {
            if (layer.Kind == LayerKind.BatchNorm)
            {
                names.Add(ModuleName(layer, module) + ".num_batches_tracked");
            }
            module += Modules(layer);
        }
        return names.ToArray();
    }

    /// <summary>
    /// Modules the layer is in the nn.Sequential: dropout, pooling and flatten one each; a dense, convolution or batch-norm
    /// layer one, plus its activation's unless identity.
    /// </summary>
    private static int Modules(LayerInfo layer) =>
        layer.Kind is LayerKind.Dropout or LayerKind.MaxPool2D or LayerKind.AvgPool2D or LayerKind.Flatten
            or LayerKind.MaxPool1D or LayerKind.AvgPool1D or LayerKind.GlobalAvgPool or LayerKind.Normalization || layer.Activation == Activation.Identity ? 1 : 2;

    /// <summary>A layer's module name: its <see cref="LayerInfo.Name"/>, else its index in the equivalent <c>nn.Sequential</c>.</summary>
    private static string ModuleName(LayerInfo layer, int sequentialIndex) =>
        layer.Name ?? sequentialIndex.ToString(CultureInfo.InvariantCulture);

    /// <summary>The buffer a tensor lives in.</summary>
    internal static Span<float> Storage(INetwork network, TensorBuffer buffer) =>
        buffer == TensorBuffer.Parameters ? network.Parameters : network.RunningStatistics;
}
