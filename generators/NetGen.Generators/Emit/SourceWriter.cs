using System.Text;
using System.Text.RegularExpressions;

namespace NetGen.Generators.Emit;

/// <summary>A string builder that indents: every generated line goes through <see cref="Line"/>.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    public SourceWriter(int depth = 0) => _depth = depth;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', 4 * _depth);
        }
        _text.Append(line).Append('\n');
    }

    public void Open(string line)
    {
        Line(line);
        Line("{");
        _depth++;
    }

    public void Close(string suffix = "")
    {
        _depth--;
        Line("}" + suffix);
    }

    /// <summary>A writer at this one's indentation (plus <paramref name="deeper"/>) whose text is written later with <see cref="Append"/>.</summary>
    public SourceWriter Child(int deeper = 0) => new(_depth + deeper);

    public void Append(SourceWriter child) => _text.Append(child._text);

    /// <summary>
    /// Whether <paramref name="identifier"/> occurs as a name in the code (a whole word, not after '.', outside comments and
    /// string literals): declare what a body uses.
    /// </summary>
    public bool Mentions(string identifier)
    {
        foreach (string line in _text.ToString().Split('\n'))
        {
            string code = Regex.Replace(line, "\"[^\"]*\"", "\"\"");
            int comment = code.IndexOf("//", System.StringComparison.Ordinal);
            code = comment < 0 ? code : code.Substring(0, comment);
            if (Regex.IsMatch(code, @"(?<![\w@.])" + Regex.Escape(identifier) + @"(?!\w)"))
            {
                return true;
            }
        }
        return false;
    }

    public override string ToString() => _text.ToString();
}
