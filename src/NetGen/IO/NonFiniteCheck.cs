using System;
using System.Globalization;
using System.Text;

namespace NetGen.IO;

/// <summary>Finds the first NaN or ±∞ among the values read for a network's tensors, before any is copied into the network.</summary>
internal static class NonFiniteCheck
{
    /// <summary>
    /// Throws <see cref="NonFiniteWeightException"/> for the first non-finite value, in the network's tensor order, naming the
    /// file, the tensor, the value and its position (flat and per dimension).
    /// </summary>
    public static void Check(INetwork network, StateTensor[] tensors, float[] parameters, float[] statistics, string file)
    {
        foreach (StateTensor tensor in tensors)
        {
            ReadOnlySpan<float> values = (tensor.Buffer == TensorBuffer.Parameters ? parameters : statistics).AsSpan(tensor.Offset, tensor.Length);
            int i = IndexOfNonFinite(values);
            if (i < 0)
            {
                continue;
            }
            float value = values[i];
            string position = Position(tensor.Shape, i);
            string shown = float.IsNaN(value) ? "NaN" : value > 0 ? "+∞" : "−∞";
            throw new NonFiniteWeightException(file, tensor.Name, i, position, value,
                string.Create(CultureInfo.InvariantCulture,
                    $"tensor '{tensor.Name}' ({tensor.ShapeText}) holds {shown} at {position} (flat index {i}); {network.GetType().Name} was left unchanged. " +
                    $"Weights that are not finite make every output NaN or infinite; pass allowNonFinite: true to load them anyway."));
        }
    }

    /// <summary>The index of the first NaN or ±∞ in <paramref name="values"/>, or −1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Flat index <paramref name="flat"/> of a row-major tensor written per dimension: <c>[1, 3]</c>.</summary>
    public static string Position(ReadOnlySpan<int> shape, int flat)
    {
        if (shape.Length == 0)
        {
            return "[]";
        }
        Span<int> index = stackalloc int[shape.Length];
        int rest = flat;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            int size = Math.Max(shape[d], 1);
            index[d] = rest % size;
            rest /= size;
        }
        var text = new StringBuilder("[");
        for (int d = 0; d < index.Length; d++)
        {
            text.Append(d == 0 ? "" : ", ").Append(index[d].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
}
