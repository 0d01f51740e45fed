using System;
using System.Globalization;
using System.Text;

namespace NetGen.IO;

/// <summary>Which of a network's buffers a <see cref="StateTensor"/> lives in.</summary>
public enum TensorBuffer
{
    /// <summary><see cref="INetwork.Parameters"/>: weights, biases, batch norm's γ and β.</summary>
    Parameters = 0,
    /// <summary><see cref="INetwork.RunningStatistics"/>: batch norm's running mean and variance.</summary>
    RunningStatistics = 1,
}

/// <summary>
/// One named tensor of a network's state, as it appears in the state dict of the equivalent PyTorch <c>nn.Sequential</c>
/// (see <see cref="StateDict"/> for the naming): its name, the buffer and offset it occupies, and its shape.
/// </summary>
public readonly struct StateTensor : IEquatable<StateTensor>
{
    private readonly int[] _shape;

    /// <summary>Describes a tensor.</summary>
    /// <param name="name">The PyTorch state-dict name, such as <c>0.weight</c>.</param>
    /// <param name="buffer">The buffer that holds it.</param>
    /// <param name="offset">Where it starts in that buffer.</param>
    /// <param name="shape">The dimensions, outermost first (a dense weight is <c>out × in</c>, row-major).</param>
    public StateTensor(string name, TensorBuffer buffer, int offset, params int[] shape)
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
        Buffer = buffer;
        Offset = offset;
        Length = checked((int)length);
        _shape = (int[])shape.Clone();
    }

    /// <summary>The PyTorch state-dict name, such as <c>0.weight</c>, <c>2.bias</c> or <c>3.running_mean</c>.</summary>
    public string Name { get; }

    /// <summary>The buffer that holds the tensor.</summary>
    public TensorBuffer Buffer { get; }

    /// <summary>Where the tensor's first value sits in its buffer.</summary>
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
    public bool Equals(StateTensor other) =>
        Name == other.Name && Buffer == other.Buffer && Offset == other.Offset && Shape.SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StateTensor other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Buffer, Offset, Length);

    /// <summary>Equality of name, buffer, offset and shape.</summary>
    public static bool operator ==(StateTensor left, StateTensor right) => left.Equals(right);

    /// <summary>Inequality of name, buffer, offset or shape.</summary>
    public static bool operator !=(StateTensor left, StateTensor right) => !left.Equals(right);

    /// <summary>For example <c>0.weight [32, 64] = θ[0..2048)</c> or <c>3.running_var [8] = s[8..16)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} {ShapeText} = {(Buffer == TensorBuffer.Parameters ? "θ" : "s")}[{Offset}..{Offset + Length})");
}
