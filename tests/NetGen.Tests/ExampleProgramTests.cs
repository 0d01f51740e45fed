using System.Diagnostics;
using System.Globalization;

namespace NetGen.Tests;

/// <summary>
/// The example programs a newcomer runs, run as they would run them (their builds are project references of this test
/// project, so they are current): what they print and write is checked, not a copy of their code.
/// </summary>
public class ExampleProgramTests
{
    private static (int ExitCode, string Output) Run(string project, params string[] arguments)
    {
        string dll = Path.Combine(RepoPaths.Root, "examples", project, "bin", RepoPaths.Configuration, "net10.0", project + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{project} did not finish in 5 minutes");
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void Digits_ShowsProgress_ReachesTheRequiredTestAccuracy_WritesPlotsAndModel()
    {
        string model = Path.Combine(Path.GetTempPath(), "netgen-digits-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int exit, string output) = Run("Digits", "--export", model);
            Assert.True(exit == 0, output);
            Assert.Contains("epoch   1/40", output);                              // the progress line of each epoch
            string line = output.Split('\n').Single(l => l.StartsWith("test accuracy: ", StringComparison.Ordinal));
            float accuracy = float.Parse(line["test accuracy: ".Length..].Trim(), CultureInfo.InvariantCulture);
            Assert.True(accuracy >= 0.97f, $"test accuracy {accuracy} < 0.97");
            foreach (string plot in new[] { "loss.png", "confusion.png" })
            {
                string path = Path.Combine(RepoPaths.Root, "examples", "Digits", "bin", RepoPaths.Configuration, "net10.0", "plots", plot);
                byte[] png = File.ReadAllBytes(path);
                Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', $"{path} is not a PNG");
            }
            Assert.True(new FileInfo(Path.Combine(model, "digits.safetensors")).Length > 17226 * 4);
            Assert.True(File.Exists(Path.Combine(model, "digits.weights.json")));
        }
        finally
        {
            if (Directory.Exists(model))
            {
                Directory.Delete(model, recursive: true);
            }
        }
    }

    [Fact]
    public void DigitsCnn_ShowsProgress_ReachesNinetyNinePercent_WritesPlotsAndModel()
    {
        // issue 9: `dotnet run --project examples/Digits -- cnn`, its default seed.
        string model = Path.Combine(Path.GetTempPath(), "netgen-digits-cnn-" + Guid.NewGuid().ToString("N"));
        try
        {
            (int exit, string output) = Run("Digits", "cnn", "--export", model);
            Assert.True(exit == 0, output);
            Assert.Contains("DigitsCnn: 1×8×8 → conv 32", output);
            Assert.Contains("epoch   1/40", output);
            string line = output.Split('\n').Single(l => l.StartsWith("test accuracy: ", StringComparison.Ordinal));
            float accuracy = float.Parse(line["test accuracy: ".Length..].Trim(), CultureInfo.InvariantCulture);
            Assert.True(accuracy >= 0.99f, $"test accuracy {accuracy} < 0.99");
            foreach (string plot in new[] { "cnn-loss.png", "cnn-confusion.png" })
            {
                string path = Path.Combine(RepoPaths.Root, "examples", "Digits", "bin", RepoPaths.Configuration, "net10.0", "plots", plot);
                byte[] png = File.ReadAllBytes(path);
                Assert.True(png.Length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', $"{path} is not a PNG");
            }
            Assert.True(new FileInfo(Path.Combine(model, "digits-cnn.safetensors")).Length > 62_250 * 4); // 62 250 parameters
            Assert.True(File.Exists(Path.Combine(model, "digits-cnn.weights.json")));
        }
        finally
        {
            if (Directory.Exists(model))
            {
                Directory.Delete(model, recursive: true);
            }
        }
    }

    [Fact]
    public void Digits_RejectsAnOddArgumentList()
    {
        (int exit, string output) = Run("Digits", "cnn", "--seed");
        Assert.Equal(2, exit);
        Assert.Contains("expected mlp or cnn first", output);
    }

    [Fact]
    public void Xor_LearnsAllFourCases()
    {
        (int exit, string output) = Run("Xor");
        Assert.True(exit == 0, output);
        Assert.Contains("4/4 correct", output);
        // Issue 13: the typed-buffer Forward gives the span Forward's value for 1 XOR 0.
        string span = System.Text.RegularExpressions.Regex.Match(output, @"\n1 XOR 0 = (\S+)  \(expected").Groups[1].Value;
        Assert.NotEmpty(span);
        Assert.Contains($"typed buffers: 1 XOR 0 = {span}", output);
    }

    [Fact]
    public void Scenarios_RejectsAnUnknownScenario()
    {
        (int exit, string output) = Run("Scenarios", "s9");
        Assert.Equal(2, exit);
        Assert.Contains("use s5, s6 or s7", output);
    }

    // issue 10
    [Fact]
    public void Amp_LearnsTheDistortion_ThenStreamsItFasterThanRealTime_WithoutAllocating()
    {
        (int exit, string output) = Run("Amp");
        Assert.True(exit == 0, output);
        Assert.Contains("epoch 12", output);
        string Value(string prefix) => output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();
        float esr = float.Parse(Value("error-to-signal ratio on unseen playing: "), CultureInfo.InvariantCulture);
        Assert.True(esr < 0.02f, $"ESR {esr}");
        float realTime = float.Parse(Value("real-time factor at 48 kHz: ×"), CultureInfo.InvariantCulture);
        Assert.True(realTime > 1f, $"real-time factor {realTime}");
        Assert.Contains(", 0 bytes allocated", output);
    }
}
