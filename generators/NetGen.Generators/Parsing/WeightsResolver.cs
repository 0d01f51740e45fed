using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// Matches a network's <c>Weights = "…"</c> to one of the project's additional files and checks the file's tensors against
/// the network's (<see cref="Emit.StateDictNames.Tensors"/>): every problem becomes an NG5xxx diagnostic naming the file and the tensor.
/// </summary>
internal static class WeightsResolver
{
    /// <summary>Whether an additional file is worth reading: its file name is one that some [Network] asks for.</summary>
    public static bool IsRequested(string path, EquatableArray<string> requestedFileNames)
    {
        string name = FileName(path);
        foreach (string requested in requestedFileNames)
        {
            if (string.Equals(requested, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public static EmbedResult Resolve(NetworkSpec spec, WeightsReference reference, ImmutableArray<WeightFile> files)
    {
        var diagnostics = new List<DiagnosticInfo>();
        List<WeightFile> matches = Match(reference, files);
        if (matches.Count == 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.WeightsFileNotFound, reference.Location, reference.Path, spec.Name));
            return Result(spec, null, diagnostics);
        }
        if (matches.Count > 1)
        {
            var paths = new List<string>();
            foreach (WeightFile match in matches)
            {
                paths.Add(match.Path);
            }
            paths.Sort(StringComparer.Ordinal);
            diagnostics.Add(Info(DiagnosticDescriptors.WeightsFileAmbiguous, reference.Location, reference.Path, string.Join(", ", paths)));
            return Result(spec, null, diagnostics);
        }

        WeightFile file = matches[0];
        if (file.Error is not null)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.WeightsFileInvalid, reference.Location, file.Path, file.Error));
            return Result(spec, null, diagnostics);
        }

        IReadOnlyList<TensorSpec> expected = Emit.StateDictNames.Tensors(spec);
        var byName = new Dictionary<string, WeightFileTensor>(StringComparer.Ordinal);
        foreach (WeightFileTensor tensor in file.Tensors)
        {
            byName[tensor.Name] = tensor;
        }
        var known = new HashSet<string>(StringComparer.Ordinal);
        ISet<string> counters = Emit.StateDictNames.Ignored(spec);
        foreach (TensorSpec tensor in expected)
        {
            known.Add(tensor.Name);
            if (!byName.TryGetValue(tensor.Name, out WeightFileTensor? actual))
            {
                diagnostics.Add(Info(DiagnosticDescriptors.WeightsTensorMissing, reference.Location, file.Path, tensor.Name, tensor.ShapeText, spec.Name));
            }
            else if (actual.DType != "F32")
            {
                diagnostics.Add(Info(DiagnosticDescriptors.WeightsTensorDType, reference.Location, file.Path, tensor.Name, actual.DType));
            }
            else if (!actual.Shape.Equals(tensor.Shape))
            {
                diagnostics.Add(Info(DiagnosticDescriptors.WeightsTensorShape, reference.Location, file.Path, tensor.Name, actual.ShapeText, spec.Name, tensor.ShapeText));
            }
        }
        foreach (WeightFileTensor actual in file.Tensors)
        {
            if (!known.Contains(actual.Name) && !counters.Contains(actual.Name))
            {
                diagnostics.Add(Info(DiagnosticDescriptors.WeightsTensorUnexpected, reference.Location, file.Path, actual.Name, spec.Name, Describe(expected)));
            }
        }
        if (diagnostics.Count > 0)
        {
            return Result(spec, null, diagnostics);
        }

        var values = new string[spec.ParameterCount];
        var statistics = new string[spec.StatisticsCount];
        foreach (TensorSpec tensor in expected)
        {
            EquatableArray<string> data = byName[tensor.Name].Values;
            string[] target = tensor.Statistics ? statistics : values;
            for (int i = 0; i < data.Count; i++)
            {
                target[tensor.Offset + i] = data[i];
            }
        }
        var weights = new EmbeddedWeights(FileName(file.Path), new EquatableArray<string>(values), new EquatableArray<string>(statistics));
        return Result(spec, weights, diagnostics);
    }

    /// <summary>
    /// The additional files a Weights path names: first the path relative to the declaring source file; otherwise every
    /// file whose path ends with the given one (so <c>"digits.weights.json"</c> and <c>"Models/digits.weights.json"</c> both work).
    /// </summary>
    private static List<WeightFile> Match(WeightsReference reference, ImmutableArray<WeightFile> files)
    {
        var matches = new List<WeightFile>();
        string wanted = Collapse(reference.Path);
        if (reference.Location?.FilePath is { Length: > 0 } source && !IsRooted(wanted))
        {
            string relative = Collapse(Directory(source) + "/" + wanted);
            foreach (WeightFile file in files)
            {
                if (string.Equals(Collapse(file.Path), relative, StringComparison.OrdinalIgnoreCase))
                {
                    matches.Add(file);
                }
            }
            if (matches.Count > 0)
            {
                return matches;
            }
        }
        foreach (WeightFile file in files)
        {
            string path = Collapse(file.Path);
            if (string.Equals(path, wanted, StringComparison.OrdinalIgnoreCase)
                || (!IsRooted(wanted) && path.EndsWith("/" + wanted, StringComparison.OrdinalIgnoreCase)))
            {
                matches.Add(file);
            }
        }
        return matches;
    }

    private static bool IsRooted(string path) => path.StartsWith("/", StringComparison.Ordinal) || (path.Length > 1 && path[1] == ':');

    private static string FileName(string path)
    {
        string normalized = path.Replace('\\', '/');
        return normalized.Substring(normalized.LastIndexOf('/') + 1);
    }

    private static string Directory(string path)
    {
        string normalized = path.Replace('\\', '/');
        int slash = normalized.LastIndexOf('/');
        return slash < 0 ? "." : normalized.Substring(0, slash);
    }

    /// <summary>Forward slashes, no "." segments, ".." applied where possible.</summary>
    private static string Collapse(string path)
    {
        string normalized = path.Replace('\\', '/');
        bool rooted = normalized.StartsWith("/", StringComparison.Ordinal);
        var parts = new List<string>();
        foreach (string part in normalized.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == ".." && parts.Count > 0 && parts[parts.Count - 1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }
        return (rooted ? "/" : "") + string.Join("/", parts);
    }

    private static string Describe(IReadOnlyList<TensorSpec> tensors)
    {
        var parts = new List<string>();
        foreach (TensorSpec tensor in tensors)
        {
            parts.Add(tensor.Name + " " + tensor.ShapeText);
        }
        return string.Join(", ", parts);
    }

    private static EmbedResult Result(NetworkSpec spec, EmbeddedWeights? weights, List<DiagnosticInfo> diagnostics) =>
        new(spec, weights, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

    private static DiagnosticInfo Info(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, new EquatableArray<string>(arguments));
}
