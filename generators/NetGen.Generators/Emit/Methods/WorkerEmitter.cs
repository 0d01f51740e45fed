using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>
/// Data-parallel training (issue 9): a worker of a trainable network for <c>NetGen.Training.DataParallel</c> — a second
/// instance of the class that shares θ (and the running statistics) with the network it was made from, read-only while a
/// step runs, and has its own gradients, workspace and dropout generator, so that each core backprops its own shard.
/// </summary>
internal static class WorkerEmitter
{
    public const string Interface = "global::NetGen.IDataParallelNetwork";

    public static void Write(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        w.Line();
        w.Line("/// <summary>A worker for data-parallel training: θ (and the running statistics) shared with the network <paramref name=\"main\"/>; its own ∂L/∂θ, workspace and dropout generator (NetGen.Training.DataParallel seeds it).</summary>");
        w.Open($"private {spec.Name}({Interface} main)");
        w.Line($"var network = ({spec.Name})main;");
        w.Line("_parameters = network._parameters;");
        if (spec.StatisticsCount > 0)
        {
            w.Line("_statistics = network._statistics;");
        }
        w.Line("Training = network.Training;");
        w.Close();
        w.Line($"global::NetGen.ITrainableNetwork {Interface}.CreateWorker() => new {spec.Name}(this);");
    }
}
