using System;
using System.Collections.Generic;
using System.Text;

namespace NetGen.IO;

/// <summary>A tensor as a weight file declares it, before any of its values are trusted.</summary>
/// <param name="Name">The tensor's name in the file.</param>
/// <param name="DType">The element type as the file spells it (<c>F32</c>, <c>F16</c>, …).</param>
/// <param name="Shape">The dimensions, outermost first.</param>
/// <param name="Begin">Where its bytes (safetensors) or values (JSON) start in the file's data.</param>
/// <param name="End">Where they end (exclusive).</param>
internal sealed record FileTensor(string Name, string DType, long[] Shape, long Begin, long End)
{
    public string ShapeText
    {
        get
        {
            var text = new StringBuilder("[");
            for (int i = 0; i < Shape.Length; i++)
            {
                text.Append(i == 0 ? "" : ", ").Append(Shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            return text.Append(']').ToString();
        }
    }
}

/// <summary>Checks a weight file's tensor list against a network's <see cref="StateDict.Tensors"/>, before any value is read.</summary>
internal static class TensorCatalog
{
    /// <summary>
    /// Throws the specific <see cref="WeightFileException"/> for the first problem, in the network's tensor order: a missing
    /// tensor, then a wrong dtype, then a wrong shape; after that, any tensor the network does not have.
    /// </summary>
    /// <returns>The network's tensors, in state-dict order.</returns>
    public static StateTensor[] Validate(INetwork network, IReadOnlyDictionary<string, FileTensor> found, string file)
    {
        StateTensor[] expected = StateDict.Tensors(network);
        var known = new HashSet<string>(StringComparer.Ordinal);
        var optional = new HashSet<string>(StateDict.BatchCounterNames(network), StringComparer.Ordinal);
        string networkName = network.GetType().Name;
        foreach (StateTensor tensor in expected)
        {
            known.Add(tensor.Name);
        }
        foreach (StateTensor tensor in expected)
        {
            if (!found.TryGetValue(tensor.Name, out FileTensor? actual))
            {
                var strangers = new List<string>();
                foreach (string name in found.Keys)
                {
                    if (!known.Contains(name) && !optional.Contains(name))
                    {
                        strangers.Add(name);
                    }
                }
                strangers.Sort(StringComparer.Ordinal);
                string hint = strangers.Count == 0
                    ? ""
                    : $" The file has tensors {networkName} does not know: {string.Join(", ", strangers)}; NetGen names tensors like the equivalent PyTorch nn.Sequential, where each activation other than identity is a module of its own.";
                throw new MissingTensorException(file, tensor.Name,
                    $"tensor '{tensor.Name}' ({tensor.ShapeText}) is missing; {networkName} needs {List(expected)}.{hint}");
            }
            if (actual.DType != "F32")
            {
                throw new TensorDTypeMismatchException(file, tensor.Name, actual.DType,
                    $"tensor '{tensor.Name}' has dtype {actual.DType}, but {networkName} holds float32 (F32); convert it first (in PyTorch: tensor.float()).");
            }
            if (!SameShape(tensor.Shape, actual.Shape))
            {
                throw new TensorShapeMismatchException(file, tensor.Name, tensor.ShapeText, actual.ShapeText,
                    $"tensor '{tensor.Name}' has shape {actual.ShapeText}, but {networkName} needs {tensor.ShapeText}.");
            }
        }
        foreach (FileTensor actual in found.Values)
        {
            if (!known.Contains(actual.Name) && !optional.Contains(actual.Name))
            {
                throw new UnexpectedTensorException(file, actual.Name,
                    $"tensor '{actual.Name}' ({actual.ShapeText}) is not part of {networkName}, which has exactly {List(expected)}.");
            }
        }
        return expected;
    }

    private static bool SameShape(ReadOnlySpan<int> expected, long[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                return false;
            }
        }
        return true;
    }

    private static string List(StateTensor[] tensors)
    {
        var text = new StringBuilder();
        for (int i = 0; i < tensors.Length; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(tensors[i].Name).Append(' ').Append(tensors[i].ShapeText);
        }
        return text.ToString();
    }
}
