using System.Text.RegularExpressions;

namespace NetGen.Package.Tests;

/// <summary>
/// README's "Use NetGen in your app", done as a newcomer would: its commands run one by one (pack, `dotnet new console`,
/// the NuGet source, `dotnet add package`), its Program.cs replaces the template's, `dotnet run`. The app must train iris
/// with a stratified split, scaling ([Normalization] + Adapt) and a checkpoint resumed half-way, print a summary, evaluate a regression model and stop
/// a NaN; and it must print exactly what examples/Iris (the same program against the sources) prints.
/// </summary>
public class ReadmeAppTests
{
    private static readonly string s_readme = File.ReadAllText(Path.Combine(PackageConsumerTests.RepoRoot(), "README.md")).Replace("\r\n", "\n");

    /// <summary>The fenced block that follows <c>&lt;!-- app: name --&gt;</c> in the README.</summary>
    private static string Block(string name)
    {
        Match m = Regex.Match(s_readme, $@"<!-- app: {Regex.Escape(name)} -->\n```[a-z]*\n(.*?)```", RegexOptions.Singleline);
        Assert.True(m.Success, $"README has no block marked <!-- app: {name} -->");
        return m.Groups[1].Value;
    }

    private static string[] Lines(string block) => block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Elapsed times differ between runs; everything else must not.</summary>
    private static string WithoutTimes(string output) => Regex.Replace(output, @", \d+ ms$", ", … ms", RegexOptions.Multiline);

    private static void AssertTheAppWorked(string output)
    {
        Assert.Contains("IrisNet\nLayer (type)", output);
        Assert.Contains("normalization_1 (Normalization)", output);
        Assert.Contains("Total params: 75\nTrainable params: 67\nNon-trainable params: 8\n", output);
        Assert.Contains("resumed at epoch 51, trained to epoch 100\n", output);
        Assert.Contains("bit-identical to an uninterrupted run: True\n", output);
        float accuracy = float.Parse(Regex.Match(output, @"^test: loss [0-9.]+, accuracy ([0-9.]+)", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy >= 0.9f, $"test accuracy {accuracy}\n{output}");
        Assert.Contains("a flower of 6.3, 2.9, 5.6, 1.8 cm is virginica\n", output);
        float r2 = float.Parse(Regex.Match(output, @"^petal width: loss [0-9.]+, MAE [0-9.]+, RMSE [0-9.]+, R² ([0-9.]+)", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(r2 >= 0.85f, $"R² {r2}\n{output}");
        Assert.Contains("stopped: IrisNet's gradient of W⁽²⁾[0, 0] (parameter 0) in layer 2 (Dense 4 → 8, Tanh) is NaN", output);
        Assert.Contains("parameters unchanged: True\n", output);
    }

    [Fact]
    public void ReadmeProgram_IsExamplesIris_AndExamplesIrisWorks()
    {
        string root = PackageConsumerTests.RepoRoot();
        Assert.Equal(File.ReadAllText(Path.Combine(root, "examples", "Iris", "Program.cs")).Replace("\r\n", "\n"), Block("Program.cs"));
        AssertTheAppWorked(RunExample(Path.GetTempPath()));
    }

    private static string RunExample(string work)
    {
        string root = PackageConsumerTests.RepoRoot();
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;   // bin/<Configuration>/net10.0
        string dll = Path.Combine(root, "examples", "Iris", "bin", configuration, "net10.0", "Iris.dll");
        string folder = Path.Combine(work, "iris-example-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            return PackageConsumerTests.Run("dotnet", [dll, Path.Combine(root, "examples", "Iris", "iris.csv")], folder);
        }
        finally
        {
            PackageConsumerTests.DeleteQuietly(folder);
        }
    }

    [Fact]
    public void ReadmeApp_MadeAsTheReadmeSays_RunsFromTheFreshlyPackedPackage()
    {
        string work = Path.Combine(Path.GetTempPath(), "netgen-readme-app-" + Guid.NewGuid().ToString("N"));
        string clone = Path.Combine(work, "netgen"), feed = Path.Combine(work, "netgen-feed");
        string? version = null;
        Directory.CreateDirectory(work);
        try
        {
            PackageConsumerTests.CopySources(PackageConsumerTests.RepoRoot(), clone);
            Directory.CreateDirectory(Path.Combine(clone, "examples", "Iris"));
            File.Copy(Path.Combine(PackageConsumerTests.RepoRoot(), "examples", "Iris", "iris.csv"), Path.Combine(clone, "examples", "Iris", "iris.csv"));
            // The app folder must not inherit build settings from above it (the temporary folder has none, but be sure).
            File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />\n");

            string directory = work;
            foreach (string line in Lines(Block("pack")).Concat(Lines(Block("commands"))))
            {
                string[] words = line.Replace("~/netgen-feed", feed).Replace("~/netgen", clone).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words[0] == "cd")
                {
                    // `cd ~`: the app lives beside the NetGen clone, not inside it (it must not inherit NetGen's own build settings).
                    directory = words[1] == "~" ? work : Path.GetFullPath(words[1], directory);
                    continue;
                }
                string[] arguments = words[0] == "dotnet" && words[1] is "pack" or "add" or "new" or "nuget"
                    ? [.. words[1..], .. words[1] == "pack" ? new[] { "--disable-build-servers", "-nodeReuse:false" } : []]
                    : words[1..];
                PackageConsumerTests.Run(words[0], arguments, directory);
            }

            // A pack outside a release has a version of its own.
            string nupkg = Assert.Single(Directory.GetFiles(feed, "NetGen.*.nupkg"));
            version = Path.GetFileNameWithoutExtension(nupkg)["NetGen.".Length..];
            Assert.Matches(@"^0\.1\.0-dev\.\d{14}$", version);
            Assert.Contains($"<PackageReference Include=\"NetGen\" Version=\"{version}\" />", File.ReadAllText(Path.Combine(directory, "IrisApp.csproj")));

            File.WriteAllText(Path.Combine(directory, "Program.cs"), Block("Program.cs"));
            string output = PackageConsumerTests.Run("dotnet", ["run"], directory);
            string program = output[output.IndexOf("IrisNet\n", StringComparison.Ordinal)..];
            AssertTheAppWorked(program);
            Assert.Equal(WithoutTimes(RunExample(work)), WithoutTimes(program));

            // The package's own README (shown on nuget.org): its first snippet, pasted as Program.cs, compiles and runs.
            string packageReadme = File.ReadAllText(Path.Combine(PackageConsumerTests.RepoRoot(), "src", "NetGen", "PACKAGE.md")).Replace("\r\n", "\n");
            File.WriteAllText(Path.Combine(directory, "Program.cs"), Regex.Match(packageReadme, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value);
            string snippet = PackageConsumerTests.Run("dotnet", ["run"], directory);
            Assert.Contains("Digits\nLayer (type)", snippet);
            Assert.Contains("Total params: 2,410\n", snippet);
        }
        finally
        {
            PackageConsumerTests.DeleteQuietly(work);
            if (version is not null)
            {
                string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
                PackageConsumerTests.DeleteQuietly(Path.Combine(packages, "netgen", version));
            }
        }
    }

    [Fact]
    public void PackageVersion_ChangesWithEveryPackOutsideARelease()
    {
        string project = Path.Combine(PackageConsumerTests.RepoRoot(), "src", "NetGen", "NetGen.csproj");
        string Version(params string[] properties) =>
            PackageConsumerTests.Run("dotnet", ["msbuild", project, "-getProperty:PackageVersion", .. properties], Path.GetTempPath()).Trim();
        string first = Version();
        Thread.Sleep(1100);
        string second = Version();
        Assert.Matches(@"^0\.1\.0-dev\.\d{14}$", first);
        Assert.Matches(@"^0\.1\.0-dev\.\d{14}$", second);
        Assert.NotEqual(first, second);
        Assert.Equal("0.1.0", Version("-p:NetGenRelease=true"));
        Assert.Equal("0.1.0-ci.7", Version("-p:Version=0.1.0-ci.7"));
    }
}
