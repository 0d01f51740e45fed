using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace NetGen.Tests;

/// <summary>
/// The numeric tests again in a child test run with AVX-512 switched off (DOTNET_EnableAVX512=0: the Vector256 paths) and
/// with AVX2 switched off (DOTNET_EnableAVX2=0: Vector128 only, and no FMA, so multiply-adds round twice): PyTorch fixtures,
/// finite differences, every register form, TrainStep, the batched kernels and surface, dense kernels and span activations
/// for every length,
/// and the FastMath error bounds. The child reports the instruction sets it actually had, so the switch cannot silently fail.
/// </summary>
public class InstructionSetTests
{
    private const string ReportVariable = "NETGEN_ISA_REPORT";

    private const string Subset =
        "FullyQualifiedName~NetGen.Tests.PyTorchFixtureTests|FullyQualifiedName~NetGen.Tests.FiniteDifferenceTests|" +
        "FullyQualifiedName~NetGen.Tests.SpeedPathTests|FullyQualifiedName~NetGen.Tests.BatchedSurfaceTests|" +
        "FullyQualifiedName~NetGen.Tests.BackwardBatchTests|FullyQualifiedName~NetGen.Tests.DenseKernelTests|" +
        "FullyQualifiedName~NetGen.Tests.FastMathTests|FullyQualifiedName~NetGen.Tests.ActivationTailTests|" +
        "FullyQualifiedName~NetGen.Tests.ForwardSoftmaxKernelTests|FullyQualifiedName~NetGen.Tests.LanesTests|" +
        "FullyQualifiedName~NetGen.Tests.InstructionSetTests.ReportInstructionSets";

    [Theory]
    [InlineData("DOTNET_EnableAVX512", "Vector512=False Vector256=True")]
    [InlineData("DOTNET_EnableAVX2", "Vector512=False Vector256=False Vector128=True Fma=False")]
    public async Task NumericTestsPassWithTheInstructionSetSwitchedOff(string variable, string expectedReport)
    {
        string report = Path.Combine(Path.GetTempPath(), $"netgen-isa-{Environment.ProcessId}-{variable}.txt");
        File.Delete(report);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "test", typeof(InstructionSetTests).Assembly.Location, "--filter", Subset },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[variable] = "0";
        start.Environment[ReportVariable] = report;
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        string log = await output + await errors;
        Assert.True(process.ExitCode == 0, $"child test run with {variable}=0 failed:\n{log}");
        var summary = System.Text.RegularExpressions.Regex.Match(log, @"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+(\d+)");
        Assert.True(summary.Success && int.Parse(summary.Groups[1].Value) > 1000, $"unexpected child summary:\n{log}");
        Assert.Contains(expectedReport, File.ReadAllText(report));
        File.Delete(report);
    }

    /// <summary>In a child run, writes the instruction sets the JIT uses; in the main run it checks the report's shape.</summary>
    [Fact]
    public void ReportInstructionSets()
    {
        string text = $"Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} " +
            $"Vector128={Vector128.IsHardwareAccelerated} Fma={NetGen.Kernels.FastMath.HasFusedMultiplyAdd}";
        Assert.True(Vector128.IsHardwareAccelerated, text); // every x64 and Arm64 machine .NET runs on has 128-bit vectors
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } path)
        {
            File.WriteAllText(path, text);
        }
    }
}
