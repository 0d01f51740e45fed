namespace NetGen;

/// <summary>
/// A trainable network that can make workers for data-parallel mini-batch training (<see cref="Training.DataParallel"/>).
/// NetGen generates this (explicitly implemented) for every trainable network without recurrent layers.
/// </summary>
public interface IDataParallelNetwork
{
    /// <summary>
    /// A new instance of the same class that shares <see cref="INetwork.Parameters"/> (and the batch-norm running statistics)
    /// with this one — the same memory, not a copy — and has its own <see cref="ITrainableNetwork.Gradients"/>, workspace and
    /// dropout generator. While a worker computes, nobody may write the shared parameters. Allocates the worker's buffers.
    /// </summary>
    ITrainableNetwork CreateWorker();
}
