namespace NetGen;

/// <summary>
/// A network that draws random numbers while it trains (dropout's masks): its generator's state, so that
/// <see cref="Training.Checkpoint"/> saves it and a resumed run draws the same masks as an uninterrupted one, bit for bit.
/// NetGen generates this (explicitly implemented) for every network with a <c>[Dropout]</c> layer.
/// </summary>
public interface IRandomStateNetwork
{
    /// <summary>The state of the network's dropout generator (<see cref="SeededRandom.State"/>); set it to continue a sequence.</summary>
    ulong RandomState { get; set; }
}
