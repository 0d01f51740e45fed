using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Threading;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// Reads NetGen weight JSON (the format <c>NetGen.IO.WeightsJson</c> writes) from an additional file's text into a
/// <see cref="WeightFile"/>. A small strict JSON reader: the generator cannot depend on System.Text.Json. Never throws;
/// anything malformed becomes <see cref="WeightFile.Error"/> with a line and column.
/// </summary>
/// <remarks>
/// Numbers are kept as their JSON tokens after checking the JSON number grammar and the float32 range; the emitter turns
/// them into float32 bits with <see cref="DecimalFloat"/> (correctly rounded, like the runtime's <c>WeightsJson.Load</c>).
/// </remarks>
internal sealed class WeightFileParser
{
    private readonly string _text;
    private readonly CancellationToken _cancellationToken;
    private int _position;
    private string? _tensor;

    private WeightFileParser(string text, CancellationToken cancellationToken)
    {
        _text = text;
        _cancellationToken = cancellationToken;
    }

    public static WeightFile Parse(string path, string? text, CancellationToken cancellationToken)
    {
        if (text is null)
        {
            return new WeightFile(path, default, "the file cannot be read");
        }
        var parser = new WeightFileParser(text, cancellationToken);
        try
        {
            return new WeightFile(path, new EquatableArray<WeightFileTensor>(parser.ReadDocument()), null);
        }
        catch (FormatException e)
        {
            return new WeightFile(path, default, parser.Where() + e.Message);
        }
    }

    private string Where()
    {
        int line = 1, column = 1;
        for (int i = 0; i < _position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        string tensor = _tensor is null ? "" : $" (tensor '{_tensor}')";
        return $"line {line}, column {column}{tensor}: ";
    }

    private WeightFileTensor[] ReadDocument()
    {
        var tensors = new List<WeightFileTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool format = false, tensorsSeen = false;
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == '\uFEFF')
        {
            _position++;
            SkipWhitespace();
        }
        Expect('{', "a NetGen weight file is a JSON object that starts with {\"format\": \"netgen-weights\", …}");
        foreach (string key in Members())
        {
            switch (key)
            {
                case "format":
                    if (ReadString() != "netgen-weights")
                    {
                        throw new FormatException("\"format\" must be \"netgen-weights\"");
                    }
                    format = true;
                    break;
                case "version":
                    if (ReadNumber() != "1")
                    {
                        throw new FormatException("\"version\" must be 1");
                    }
                    break;
                case "tensors":
                    Expect('[', "\"tensors\" must be an array");
                    foreach (int _ in Elements())
                    {
                        WeightFileTensor tensor = ReadTensor();
                        if (!names.Add(tensor.Name))
                        {
                            throw new FormatException($"tensor '{tensor.Name}' appears twice");
                        }
                        tensors.Add(tensor);
                        _tensor = null;
                    }
                    tensorsSeen = true;
                    break;
                default:
                    SkipValue(0);
                    break;
            }
        }
        SkipWhitespace();
        if (_position != _text.Length)
        {
            throw new FormatException("content follows the JSON object");
        }
        if (!format || !tensorsSeen)
        {
            throw new FormatException(format ? "the file has no \"tensors\" array" : "the file has no \"format\": \"netgen-weights\" field; export it with NetGen.IO.WeightsJson.Save");
        }
        return tensors.ToArray();
    }

    private WeightFileTensor ReadTensor()
    {
        Expect('{', "each entry of \"tensors\" must be an object with name, dtype, shape and data");
        string? name = null, dtype = null;
        List<int>? shape = null;
        List<string>? data = null;
        foreach (string key in Members())
        {
            switch (key)
            {
                case "name":
                    name = _tensor = ReadString();
                    break;
                case "dtype":
                    dtype = ReadString();
                    break;
                case "shape":
                    shape = new List<int>();
                    Expect('[', "shape must be an array of non-negative integers");
                    foreach (int _ in Elements())
                    {
                        string token = ReadNumber();
                        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int dimension))
                        {
                            throw new FormatException($"shape entry {token} is not a non-negative integer");
                        }
                        shape.Add(dimension);
                    }
                    break;
                case "data":
                    data = new List<string>();
                    Expect('[', "data must be an array of numbers");
                    foreach (int index in Elements())
                    {
                        if ((index & 4095) == 0)
                        {
                            _cancellationToken.ThrowIfCancellationRequested();
                        }
                        string token = ReadNumber();
                        if (!DecimalFloat.TryParse(token, out _))
                        {
                            throw new FormatException($"value {index} ({token}) is outside the float32 range");
                        }
                        data.Add(token);
                    }
                    break;
                default:
                    SkipValue(0);
                    break;
            }
        }
        if (name is null || dtype is null || shape is null || data is null)
        {
            string missing = name is null ? "name" : dtype is null ? "dtype" : shape is null ? "shape" : "data";
            throw new FormatException($"a tensor has no \"{missing}\"");
        }
        long elements = 1;
        foreach (int dimension in shape)
        {
            elements = Math.Min(elements * dimension, long.MaxValue / 2);
        }
        if (elements != data.Count)
        {
            throw new FormatException($"tensor '{name}' has {data.Count} values, but its shape [{string.Join(", ", shape)}] needs {elements}");
        }
        return new WeightFileTensor(name, dtype, new EquatableArray<int>(shape.ToArray()), new EquatableArray<string>(data.ToArray()));
    }

    /// <summary>Yields each member name of an object whose '{' was just read; the caller reads the value.</summary>
    private IEnumerable<string> Members()
    {
        SkipWhitespace();
        if (TryConsume('}'))
        {
            yield break;
        }
        while (true)
        {
            SkipWhitespace();
            string key = ReadString();
            SkipWhitespace();
            Expect(':', "expected ':' after a member name");
            SkipWhitespace();
            yield return key;
            SkipWhitespace();
            if (TryConsume('}'))
            {
                yield break;
            }
            Expect(',', "expected ',' or '}' in an object");
        }
    }

    /// <summary>Yields the index of each element of an array whose '[' was just read; the caller reads the element.</summary>
    private IEnumerable<int> Elements()
    {
        SkipWhitespace();
        if (TryConsume(']'))
        {
            yield break;
        }
        for (int index = 0; ; index++)
        {
            SkipWhitespace();
            yield return index;
            SkipWhitespace();
            if (TryConsume(']'))
            {
                yield break;
            }
            Expect(',', "expected ',' or ']' in an array");
        }
    }

    private void SkipValue(int depth)
    {
        if (depth > 64)
        {
            throw new FormatException("the JSON nests too deeply");
        }
        SkipWhitespace();
        char c = Peek();
        if (c == '{')
        {
            _position++;
            foreach (string _ in Members())
            {
                SkipValue(depth + 1);
            }
        }
        else if (c == '[')
        {
            _position++;
            foreach (int _ in Elements())
            {
                SkipValue(depth + 1);
            }
        }
        else if (c == '"')
        {
            ReadString();
        }
        else if (c == '-' || (c >= '0' && c <= '9'))
        {
            ReadNumber();
        }
        else if (!TryLiteral("true") && !TryLiteral("false") && !TryLiteral("null"))
        {
            throw new FormatException($"unexpected character '{c}'");
        }
    }

    private string ReadString()
    {
        SkipWhitespace();
        Expect('"', "expected a string");
        var text = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw new FormatException("the file ends inside a string");
            }
            char c = _text[_position++];
            if (c == '"')
            {
                return text.ToString();
            }
            if (c < ' ')
            {
                throw new FormatException("a control character inside a string");
            }
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }
            char escape = Peek();
            _position++;
            switch (escape)
            {
                case '"': text.Append('"'); break;
                case '\\': text.Append('\\'); break;
                case '/': text.Append('/'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                    {
                        throw new FormatException("a \\u escape needs four hex digits");
                    }
                    text.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw new FormatException($"unknown escape '\\{escape}'");
            }
        }
    }

    /// <summary>Reads a number token that follows the JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    private string ReadNumber()
    {
        SkipWhitespace();
        int start = _position;
        TryConsume('-');
        if (TryConsume('0'))
        {
        }
        else if (!Digits())
        {
            throw new FormatException("expected a number");
        }
        if (TryConsume('.') && !Digits())
        {
            throw new FormatException("a number needs digits after '.'");
        }
        if (TryConsume('e') || TryConsume('E'))
        {
            if (!TryConsume('+'))
            {
                TryConsume('-');
            }
            if (!Digits())
            {
                throw new FormatException("a number needs digits in its exponent");
            }
        }
        return _text.Substring(start, _position - start);
    }

    private bool Digits()
    {
        int start = _position;
        while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
        {
            _position++;
        }
        return _position > start;
    }

    private bool TryLiteral(string literal)
    {
        if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) == 0)
        {
            _position += literal.Length;
            return true;
        }
        return false;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
        {
            _position++;
        }
    }

    private char Peek()
    {
        if (_position >= _text.Length)
        {
            throw new FormatException("the file ends too early");
        }
        return _text[_position];
    }

    private bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }
        return false;
    }

    private void Expect(char c, string message)
    {
        SkipWhitespace();
        if (!TryConsume(c))
        {
            throw new FormatException(_position >= _text.Length ? "the file ends too early: " + message : message);
        }
    }
}
