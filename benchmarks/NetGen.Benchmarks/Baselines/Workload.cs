namespace NetGen.Benchmarks.Baselines;

/// <summary>The activations the reference workloads use.</summary>
public enum Act
{
    Identity,
    Tanh,
    Sigmoid,
    ReLU,
    Softmax,
}

/// <summary>The losses the reference workloads use (PyTorch's definitions, reduction 'mean').</summary>
public enum LossKind
{
    /// <summary>Sigmoid output: BCE from the logit, δ = (ŷ − y)/n.</summary>
    BinaryCrossEntropy,

    /// <summary>Softmax output: −Σ y·log ŷ per sample, δ = ŷ − y.</summary>
    CrossEntropy,

    /// <summary>Mean over outputs of (ŷ − y)², δ = 2(ŷ − y)/n.</summary>
    MeanSquaredError,
}

/// <summary>One reference workload: input size, layers, loss — the shape every implementation builds.</summary>
public sealed record Workload(string Name, int InputSize, (int Units, Act Activation)[] Layers, LossKind Loss)
{
    public int OutputSize => Layers[^1].Units;

    public static readonly Workload W1 = new("W1", 2, [(4, Act.Tanh), (1, Act.Sigmoid)], LossKind.BinaryCrossEntropy);
    public static readonly Workload W2 = new("W2", 64, [(32, Act.ReLU), (10, Act.Softmax)], LossKind.CrossEntropy);
    public static readonly Workload W3 = new("W3", 784, [(128, Act.ReLU), (64, Act.ReLU), (10, Act.Softmax)], LossKind.CrossEntropy);
    public static readonly Workload W4 = new("W4", 1, [(8, Act.Tanh), (8, Act.Tanh), (1, Act.Identity)], LossKind.MeanSquaredError);
}
