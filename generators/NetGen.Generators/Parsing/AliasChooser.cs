using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// Picks the generated file's alias names (<see cref="AliasNames"/>). Inside the generated class a simple name is looked up
/// in the class and its base types, then in its namespace and every enclosing one, then in the file's usings, which for a
/// generated file are only the project's global usings. A name found there would shadow the alias or collide with it
/// (CS0576, CS1537), so it is skipped: <c>V128</c> becomes <c>V128_</c>.
/// </summary>
internal static class AliasChooser
{
    private static readonly ConditionalWeakTable<Compilation, GlobalImports> s_globalImports = new();

    public static AliasNames Choose(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        GlobalImports imports = s_globalImports.GetValue(compilation, c => new GlobalImports(c, cancellationToken));
        string[] names = System.Enum.GetNames(typeof(Alias));
        bool changed = false;
        for (int i = 0; i < names.Length; i++)
        {
            while (IsVisible(names[i], type, compilation, imports))
            {
                names[i] += "_";
                changed = true;
            }
        }
        return changed ? new AliasNames(new EquatableArray<string>(names)) : AliasNames.Default;
    }

    private static bool IsVisible(string name, INamedTypeSymbol type, Compilation compilation, GlobalImports imports)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (t.Name == name || !t.GetMembers(name).IsEmpty)
            {
                return true;
            }
        }
        for (INamespaceSymbol? ns = type.ContainingNamespace; ns is not null; ns = ns.ContainingNamespace)
        {
            // The compilation's namespace merges the source's with the referenced assemblies' (NetGen.Guard for NetGen.Tests).
            if (System.Linq.Enumerable.Any((compilation.GetCompilationNamespace(ns) ?? ns).GetMembers(name)))
            {
                return true;
            }
        }
        return imports.Contains(name);
    }

    /// <summary>The names that the project's <c>global using</c> directives bring into every file.</summary>
    private sealed class GlobalImports
    {
        private readonly HashSet<string> _aliases = new();
        private readonly List<INamespaceOrTypeSymbol> _imported = new();

        public GlobalImports(Compilation compilation, CancellationToken cancellationToken)
        {
            foreach (SyntaxTree tree in compilation.SyntaxTrees)
            {
                if (tree.GetRoot(cancellationToken) is not CompilationUnitSyntax unit)
                {
                    continue;
                }
                SemanticModel? model = null;
                foreach (UsingDirectiveSyntax directive in unit.Usings)
                {
                    if (directive.GlobalKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.None))
                    {
                        continue;
                    }
                    if (directive.Alias is { } alias)
                    {
                        _aliases.Add(alias.Name.Identifier.ValueText);
                    }
                    else if (directive.NamespaceOrType is { } target)
                    {
                        model ??= compilation.GetSemanticModel(tree);
                        if (model.GetSymbolInfo(target, cancellationToken).Symbol is INamespaceOrTypeSymbol symbol)
                        {
                            _imported.Add(symbol);
                        }
                    }
                }
            }
        }

        public bool Contains(string name)
        {
            if (_aliases.Contains(name))
            {
                return true;
            }
            foreach (INamespaceOrTypeSymbol imported in _imported)
            {
                if (!imported.GetMembers(name).IsEmpty)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
