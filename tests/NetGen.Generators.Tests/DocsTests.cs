using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetGen.Generators.Diagnostics;

namespace NetGen.Generators.Tests;

/// <summary>
/// Every diagnostic has a page at its helpLinkUri's path (<c>docs/diagnostics/NGxxxx.md</c>) and a line in the README;
/// each page's example really produces the diagnostic with the message the page quotes, and its fix really removes it.
/// </summary>
public partial class DocsTests
{
    /// <summary>NG1xxx–NG4xxx; the weight-file diagnostics (NG5xxx) have pages in their own format and need AdditionalFiles.</summary>
    public static TheoryData<string> Ids() => new(Checked.Select(d => d.Id).Order(StringComparer.Ordinal));

    private static IEnumerable<DiagnosticDescriptor> Checked => DiagnosticDescriptors.All.Where(d => !d.Id.StartsWith("NG5", StringComparison.Ordinal));

    private static string PagePath(string id) => Path.Combine(RepoPaths.Root, "docs", "diagnostics", id + ".md");

    [Theory]
    [MemberData(nameof(Ids))]
    public void Page_ExistsWhereTheHelpLinkPoints_AndMatchesTheCatalogue(string id)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(id);
        Assert.StartsWith(DiagnosticDescriptors.HelpLinkBase, descriptor.HelpLinkUri);
        string relative = descriptor.HelpLinkUri.Substring(DiagnosticDescriptors.HelpLinkBase.Length);
        Assert.Equal(id + ".md", relative);
        Assert.True(File.Exists(PagePath(id)), $"missing {PagePath(id)}");
        string page = File.ReadAllText(PagePath(id));
        Assert.StartsWith($"# {id}: {descriptor.Title}\n", page);
        Assert.Contains($"| Severity | {descriptor.DefaultSeverity} |", page);
        Assert.Contains($"| Category | `{descriptor.Category}` |", page);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Page_ExampleProducesTheDiagnosticAndTheQuotedMessage_FixRemovesIt(string id)
    {
        string page = File.ReadAllText(PagePath(id));
        FullRun example = Run(Block(page, "## Example"));
        Diagnostic[] reported = example.NetGen.Where(d => d.Id == id).OrderBy(d => d.Location.GetLineSpan().Path, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToArray();
        Assert.NotEmpty(reported);
        string message = reported[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        string? messagesFile = Environment.GetEnvironmentVariable("NETGEN_WRITE_DOC_MESSAGES");
        if (messagesFile is not null)
        {
            lock (s_lock)
            {
                Dictionary<string, string> all = File.Exists(messagesFile) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(messagesFile))! : [];
                all[id] = message;
                File.WriteAllText(messagesFile, JsonSerializer.Serialize(all, new JsonSerializerOptions { WriteIndented = true }));
            }
        }
        Assert.Contains($"Message (for the example below): *{message}*", page);

        FullRun fix = Run(Block(page, "## Fix"));
        Assert.DoesNotContain(fix.NetGen, d => d.Id == id);
        Assert.DoesNotContain(fix.NetGen, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Readme_ListsEveryDiagnostic()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Contains("## Diagnostics", readme);
        foreach (DiagnosticDescriptor descriptor in Checked)
        {
            Assert.Contains($"[{descriptor.Id}](docs/diagnostics/{descriptor.Id}.md)", readme);
        }
    }

    private static readonly object s_lock = new();

    /// <summary>The first csharp block after <paramref name="heading"/>, split into files at "// File X.cs" lines.</summary>
    private static string[] Block(string page, string heading)
    {
        int at = page.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no {heading}");
        Match block = CodeBlock().Match(page, at);
        Assert.True(block.Success, $"no csharp block after {heading}");
        string code = block.Groups[1].Value;
        string[] parts = FileMarker().Split(code);
        return parts.Length == 1 ? [code] : parts.Skip(1).Select(p => "using NetGen;\n" + p).ToArray();
    }

    private static FullRun Run(string[] sources)
    {
        bool program = sources.Any(s => s.Contains("new ", StringComparison.Ordinal) && s.Contains("var net", StringComparison.Ordinal));
        FullRun run = GeneratorHarness.RunAll(GeneratorHarness.Compile(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, sources));
        Assert.Empty(run.AnalyzerExceptions);
        return run;
    }

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex("^// File \\w+\\.cs\n", RegexOptions.Multiline)]
    private static partial Regex FileMarker();
}

/// <summary>The repository address is written once (MSBuild property NetGenRepositoryUrl); help links and the package use it.</summary>
public class RepositoryAddressTests
{
    private static string PropertyValue()
    {
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        return Assert.Single(props.Descendants("NetGenRepositoryUrl")).Value;
    }

    [Fact]
    public void HelpLinks_ComeFromTheMSBuildProperty()
    {
        string url = PropertyValue();
        Assert.StartsWith("https://", url);
        Assert.Equal(DiagnosticDescriptors.HelpLinkBase, url + "/blob/main/docs/diagnostics/");
        Assert.All(DiagnosticDescriptors.All, d => Assert.StartsWith(url + "/", d.HelpLinkUri));
    }

    [Fact]
    public void ThePackagesRepositoryAddress_IsTheSameProperty()
    {
        string url = PropertyValue();
        // The .NET SDK writes RepositoryUrl into the assembly's metadata: the package's address as built.
        string? built = typeof(NetGen.INetwork).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "RepositoryUrl")?.Value;
        Assert.Equal(url, built);
    }

    [Fact]
    public void TheAddress_IsWrittenNowhereElseInTheBuildOrTheSources()
    {
        string url = PropertyValue();
        string[] kinds = ["*.cs", "*.csproj", "*.props", "*.targets"];
        var offenders = kinds.SelectMany(k => Directory.EnumerateFiles(RepoPaths.Root, k, SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}.git"))
            .Where(f => Path.GetFileName(f) != "Directory.Build.props" || Path.GetDirectoryName(f) != RepoPaths.Root.TrimEnd(Path.DirectorySeparatorChar))
            .Where(f => File.ReadAllText(f).Contains(url, StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.Empty(offenders);
    }
}
