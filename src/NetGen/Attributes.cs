using System;

namespace NetGen;

/// <summary>
/// Marks a <c>partial class</c> as a NetGen network. The layers are the <see cref="InputAttribute"/> and layer
/// attributes (<see cref="DenseAttribute"/>, …) on the same declaration, in order. At compile time the NetGen
/// generator writes the network's forward pass, backward pass and parameter storage into the other half of the class.
/// </summary>
/// <remarks>
/// Set <see cref="Loss"/> to make the network trainable (a <c>Backward</c> method is generated). Without a loss the
/// network is inference-only.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The loss minimised by training. Leave unset for an inference-only network.</summary>
    public Loss Loss { get; set; }

    /// <summary>How the per-element losses of one sample are combined; <see cref="Reduction.Mean"/> (PyTorch's default) unless set.</summary>
    public Reduction Reduction { get; set; }
}

/// <summary>The network's input: a vector of <c>size</c> values. Must be the first layer attribute.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares an input vector of <paramref name="size"/> values.</summary>
    public InputAttribute(int size) => Size = size;

    /// <summary>The number of input values.</summary>
    public int Size { get; }
}

/// <summary>
/// A fully connected layer: <c>a = f(W·x + b)</c> with <c>W</c> of shape <c>units × inputs</c> (row-major, the layout of
/// PyTorch's <c>nn.Linear.weight</c>) followed by the bias <c>b</c> of <c>units</c> values.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a dense layer of <paramref name="units"/> outputs with the given activation.</summary>
    public DenseAttribute(int units, Activation activation = Activation.Identity)
    {
        Units = units;
        Activation = activation;
    }

    /// <summary>The number of outputs.</summary>
    public int Units { get; }

    /// <summary>The activation applied to <c>W·x + b</c>.</summary>
    public Activation Activation { get; }

    /// <summary>The slope for negative inputs of <see cref="Activation.LeakyReLU"/>; 0.01 (PyTorch's default) unless set.</summary>
    public float NegativeSlope { get; set; } = 0.01f;
}
