using System;
using BenchmarkDotNet.Running;

namespace NetGen.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/NetGen.Benchmarks -- compare</c> runs every benchmark and the PyTorch script
/// and prints the ratio table (see benchmarks/README.md); any other arguments go to BenchmarkDotNet's switcher
/// (<c>--filter '*W3*'</c>, <c>--list flat</c>, …).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "accuracy")
        {
            return Accuracy.Run(args[1..]);
        }
        if (args.Length > 0 && args[0] == "quick")
        {
            return Quick.Run(args[1..]);
        }
        if (args.Length > 0 && args[0] == "profile")
        {
            return Profile.Run();
        }
        if (args.Length > 0 && args[0] == "streaming")
        {
            return StreamingCompare.Run(args[1..]);
        }
        if (args.Length > 0 && args[0] == "conv")
        {
            return ConvBenchmarks.Run();
        }
        if (args.Length > 0 && args[0] == "lenet")
        {
            return LeNetBenchmark.Run(args[1..]);
        }
        if (args.Length > 0 && args[0] == "parallel")
        {
            return ParallelBenchmark.Run(args[1..]); // issue 9: data-parallel training, 1 core vs 2 workers
        }
        if (args.Length > 0 && args[0] == "rtneural")
        {
            return RTNeuralCompare.RunAlone(args[1..]);
        }
        if (args.Length > 0 && args[0] == "compare")
        {
            return Compare.Run(args[1..]);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
