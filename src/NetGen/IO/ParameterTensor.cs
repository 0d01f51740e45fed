using System;
using System.Globalization;
using System.Text;

namespace NetGen;

/// <summary>
/// One named tensor inside a network's <see cref="INetwork.Parameters"/>: its name, where it starts in the buffer and its shape.
/// Every generated network lists its tensors in <see cref="INetwork.ParameterTensors"/>; weight files (safetensors, the
/// embeddable JSON) are checked against that list before anything is copied.
/// </summary>
/// <remarks>
/// Names follow the state dict of the equivalent PyTorch <c>nn.Sequential</c>: every dense layer is an <c>nn.Linear</c>
/// module followed by its activation module, and an identity activation has no module. So
/// <c>[Dense(32, ReLU)][Dense(16)][Dense(10, Softmax)]</c> is <c>Sequential(Linear, ReLU, Linear, Linear, Softmax)</c> with
/// tensors <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c>, <c>3.weight</c>, <c>3.bias</c>.
/// </remarks>
public readonly struct ParameterTensor : IEquatable<ParameterTensor>
{
    private readonly int[] _shape;

    /// <summary>Describes a tensor.</summary>
    /// <param name="name">The PyTorch state-dict name, such as <c>0.weight</c>.</param>
    /// <param name="offset">Where the tensor starts in <see cref="INetwork.Parameters"/>.</param>
    /// <param name="shape">The dimensions, outermost first (a dense weight is <c>out × in</c>, row-major).</param>
    public ParameterTensor(string name, int offset, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        long length = 1;
        foreach (int dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            length = checked(length * dimension);
        }
        Name = name;
        Offset = offset;
        Length = checked((int)length);
        _shape = (int[])shape.Clone();
    }

    /// <summary>The PyTorch state-dict name, such as <c>0.weight</c> or <c>2.bias</c>.</summary>
    public string Name { get; }

    /// <summary>Where the tensor's first value sits in <see cref="INetwork.Parameters"/>.</summary>
    public int Offset { get; }

    /// <summary>The number of values: the product of <see cref="Shape"/>.</summary>
    public int Length { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape written as <c>[32, 64]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>Writes a shape as <c>[32, 64]</c>.</summary>
    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }

    /// <inheritdoc/>
    public bool Equals(ParameterTensor other) =>
        Name == other.Name && Offset == other.Offset && Shape.SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ParameterTensor other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Offset, Length);

    /// <summary>Equality of name, offset and shape.</summary>
    public static bool operator ==(ParameterTensor left, ParameterTensor right) => left.Equals(right);

    /// <summary>Inequality of name, offset or shape.</summary>
    public static bool operator !=(ParameterTensor left, ParameterTensor right) => !left.Equals(right);

    /// <summary>For example <c>0.weight [32, 64] = θ[0..2048)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} {ShapeText} = θ[{Offset}..{Offset + Length})");
}
