using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Tests;

/// <summary>
/// The generated <c>PyTorchModule</c> source of every network in every example project is committed under tests/pytorch/modules
/// (tests/pytorch/check_module_roundtrip.py runs each in PyTorch); a stale committed file fails here. With
/// NETGEN_WRITE_FIXTURES=1 the files are (re)written.
/// </summary>
public class PyTorchModuleSourceTests
{
    public static TheoryData<string> Examples() =>
        new(Directory.GetDirectories(Path.Combine(RepoPaths.Root, "examples")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryExampleNetwork_HasItsPyTorchModuleCommitted(string example)
    {
        string project = Path.Combine(RepoPaths.Root, "examples", example);
        string[] sources = Directory.GetFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText).ToArray();
        FullRun run = GeneratorHarness.RunAll(GeneratorHarness.Compile(OutputKind.ConsoleApplication, sources));
        IFieldSymbol[] modules = [.. run.Output.GetSymbolsWithName("PyTorchModule", SymbolFilter.Member).OfType<IFieldSymbol>()];
        Assert.NotEmpty(modules);
        foreach (IFieldSymbol module in modules)
        {
            string name = module.ContainingType.Name, source = Assert.IsType<string>(module.ConstantValue);
            Assert.Contains($"\nclass {name}(nn.", source);
            string path = Path.Combine(RepoPaths.Root, "tests", "pytorch", "modules", name + ".py");
            if (Environment.GetEnvironmentVariable("NETGEN_WRITE_FIXTURES") == "1")
            {
                File.WriteAllText(path, source);
                continue;
            }
            Assert.True(File.Exists(path), $"{path} is missing: run the tests with NETGEN_WRITE_FIXTURES=1, then tests/pytorch/check_module_roundtrip.py");
            Assert.Equal(File.ReadAllText(path), source);
        }
    }
}
