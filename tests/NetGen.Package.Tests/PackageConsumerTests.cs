using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace NetGen.Package.Tests;

/// <summary>
/// Packs the NetGen package from a copy of the sources, checks its contents, then builds a fresh consumer project
/// (net8.0 and net10.0) from a local folder feed and runs it. The consumer embeds weights through [Network(Weights = …)],
/// trains, saves and loads safetensors; its output must equal what the same code computes here against the sources.
/// </summary>
/// <remarks>
/// NuGet caches packages by id and version, so each run packs a unique version and deletes it from the global packages
/// folder afterwards. The copy keeps the pack away from the solution's own obj/ folders.
/// </remarks>
public class PackageConsumerTests
{
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Package_HasRuntimeGeneratorReadmeLicenceAndSymbols_AndAFreshConsumerBuildsAndRunsOnNet8AndNet10()
    {
        string work = Path.Combine(Path.GetTempPath(), "netgen-package-" + Guid.NewGuid().ToString("N"));
        string version = $"0.1.0-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Directory.CreateDirectory(work);
        try
        {
            // 1. Pack from a copy of the sources.
            string repo = Path.Combine(work, "repo");
            CopySources(RepoRoot(), repo);
            string feed = Path.Combine(work, "feed");
            Run("dotnet", ["pack", "src/NetGen/NetGen.csproj", "-c", "Release", "-o", feed, $"-p:Version={version}", "--disable-build-servers", "-nodeReuse:false"], repo);

            // 2. What is inside.
            string nupkg = Path.Combine(feed, $"NetGen.{version}.nupkg");
            using (ZipArchive package = ZipFile.OpenRead(nupkg))
            {
                var entries = package.Entries.Select(e => e.FullName).ToHashSet();
                Assert.Contains("lib/net8.0/NetGen.dll", entries);
                Assert.Contains("lib/net10.0/NetGen.dll", entries);
                Assert.Contains("lib/net10.0/NetGen.xml", entries);
                Assert.Contains("analyzers/dotnet/cs/NetGen.Generators.dll", entries);
                Assert.Contains("analyzers/dotnet/cs/NetGen.CodeFixes.dll", entries);
                Assert.Contains("README.md", entries);
                Assert.Contains("LICENSE", entries);
                Assert.DoesNotContain(entries, e => e.StartsWith("lib/netstandard", StringComparison.Ordinal));

                using var nuspec = package.GetEntry("NetGen.nuspec")!.Open();
                XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
                Assert.Equal("NetGen", Field("id"));
                Assert.Equal(version, Field("version"));
                Assert.Equal("README.md", Field("readme"));
                Assert.Equal("LICENSE", Field("license"));
                // The release notes are the version's section of CHANGELOG.md.
                Assert.StartsWith("### Added", Field("releaseNotes"), StringComparison.Ordinal);
                // The generator ships inside the package, never as a dependency.
                Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
            }
            using (ZipArchive symbols = ZipFile.OpenRead(Path.Combine(feed, $"NetGen.{version}.snupkg")))
            {
                var entries = symbols.Entries.Select(e => e.FullName).ToHashSet();
                Assert.Contains("lib/net8.0/NetGen.pdb", entries);
                Assert.Contains("lib/net10.0/NetGen.pdb", entries);
            }

            // 3. A fresh consumer project that knows nothing of this repository, restoring from the folder feed.
            string consumer = Path.Combine(work, "consumer");
            Directory.CreateDirectory(consumer);
            string template = Path.Combine(AppContext.BaseDirectory, "Consumer");
            foreach (string file in new[] { "Networks.cs", "Report.cs", "Program.cs", "tiny.weights.json" })
            {
                File.Copy(Path.Combine(template, file), Path.Combine(consumer, file));
            }
            File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"),
                File.ReadAllText(Path.Combine(template, "Consumer.csproj.template")).Replace("$(NetGenVersion)", version));
            File.WriteAllText(Path.Combine(consumer, "Directory.Build.props"), "<Project />\n");  // stop MSBuild's upward search
            File.WriteAllText(Path.Combine(consumer, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="netgen-local-feed" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            Run("dotnet", ["build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false"], consumer);

            // 4. Run both builds; the output must equal the same code compiled here against the sources.
            string expected = PackageConsumer.Report.Create(work);
            string net10 = Run("dotnet", [Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"), work], consumer);
            Assert.Equal(expected, WithoutRuntimeLine(net10));
            Assert.Contains("runtime: 10.", net10);

            // No .NET 8 runtime may be installed: the net8.0 build then runs on the newest runtime (roll-forward). Either way
            // the net8.0 build compiled the generated code against the net8.0 reference assemblies and the net8.0 runtime library.
            bool hasNet8 = Run("dotnet", ["--list-runtimes"], consumer).Contains("Microsoft.NETCore.App 8.", StringComparison.Ordinal);
            string net8 = Run("dotnet", [Path.Combine(consumer, "bin", "Release", "net8.0", "Consumer.dll"), work], consumer,
                hasNet8 ? null : new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major" });
            Assert.Equal(expected, WithoutRuntimeLine(net8));
            Assert.Contains("tensors: 0.weight[4,2] 0.bias[4] 2.weight[1,4] 2.bias[1]", net8);
        }
        finally
        {
            DeleteQuietly(work);
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            DeleteQuietly(Path.Combine(packages, "netgen", version));
        }
    }

    private static string WithoutRuntimeLine(string output) =>
        string.Concat(output.Split('\n').Where(l => !l.StartsWith("runtime: ", StringComparison.Ordinal) && l.Length > 0).Select(l => l + Environment.NewLine));

    /// <summary>What `dotnet pack src/NetGen` needs: the runtime, the generator, the shared build settings and the licence.</summary>
    internal static void CopySources(string root, string target)
    {
        foreach (string folder in new[] { "src/NetGen", "generators/NetGen.Generators", "generators/NetGen.CodeFixes" })
        {
            CopyFolder(Path.Combine(root, folder), Path.Combine(target, folder));
        }
        foreach (string file in new[] { "Directory.Build.props", "global.json", "LICENSE", "CHANGELOG.md", ".editorconfig" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        }
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        foreach (string directory in Directory.GetDirectories(source))
        {
            string name = Path.GetFileName(directory);
            if (name is not ("bin" or "obj"))
            {
                CopyFolder(directory, Path.Combine(target, name));
            }
        }
    }

    internal static string Run(string fileName, string[] arguments, string workingDirectory, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The test host runs inside `dotnet test`, whose MSBuild variables would steer the nested build.
        foreach (string key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_HOST_PATH", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(key);
            }
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(s_commandTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{fileName} {string.Join(' ', arguments)}` did not finish within {s_commandTimeout}:\n{output}");
        }
        process.WaitForExit();
        string text;
        lock (output)
        {
            text = output.ToString();
        }
        Assert.True(process.ExitCode == 0, $"`{fileName} {string.Join(' ', arguments)}` exited with {process.ExitCode}:\n{text}");
        return text.Replace("\r\n", "\n");
    }

    internal static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Walks up from the test binary to NetGen.sln (not [CallerFilePath]: CI builds map source paths to "/_/").</summary>
    internal static string RepoRoot()
    {
        string file = AppContext.BaseDirectory;
        for (string? dir = file; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "NetGen.sln")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException("NetGen.sln not found above " + file);
    }
}
