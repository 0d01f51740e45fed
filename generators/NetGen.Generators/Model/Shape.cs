using System.Globalization;

namespace NetGen.Generators.Model;

/// <summary>
/// The shape of the values between two layers: a vector of <c>n</c> values (<see cref="Rank"/> 1), a signal of
/// <c>channels × length</c> (rank 2) or an image of <c>channels × height × width</c> (rank 3), stored channel-major as
/// PyTorch's tensors without the batch dimension. Dense layers see every shape as its <see cref="Size"/> values.
/// </summary>
/// <param name="Rank">1, 2 or 3.</param>
/// <param name="Channels">The first dimension (the value count of a vector).</param>
/// <param name="Height">The second dimension (a signal's length, an image's height); 1 below rank 2.</param>
/// <param name="Width">The third dimension (an image's width); 1 below rank 3.</param>
internal readonly record struct Shape(int Rank, int Channels, int Height, int Width)
{
    /// <summary>A vector of <paramref name="size"/> values.</summary>
    public static Shape Vector(int size) => new(1, size, 1, 1);

    /// <summary><paramref name="channels"/> channels of <paramref name="length"/> values each.</summary>
    public static Shape Signal(int channels, int length) => new(2, channels, length, 1);

    /// <summary><paramref name="channels"/> channels of <paramref name="height"/> × <paramref name="width"/> values.</summary>
    public static Shape Image(int channels, int height, int width) => new(3, channels, height, width);

    /// <summary>The number of values (the product of the dimensions).</summary>
    public int Size => Channels * Height * Width;

    /// <summary>"4", "3×100" or "3×28×28".</summary>
    public override string ToString() => Rank switch
    {
        1 => Text(Channels),
        2 => Text(Channels) + "×" + Text(Height),
        _ => Text(Channels) + "×" + Text(Height) + "×" + Text(Width),
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
