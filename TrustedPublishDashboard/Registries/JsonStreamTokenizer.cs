using System.Text;
using System.Text.Json;

namespace TrustedPublishDashboard.Registries;

/// <summary>The document is larger than the configured limit; reading stopped there.</summary>
public sealed class DocumentTooLargeException(long limit) : Exception($"the document is larger than the limit of {limit:N0} bytes")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Reads JSON tokens from a stream with a small, growing buffer, so that a document of tens of megabytes is parsed
/// while it downloads and never held whole in memory (only the largest single token must fit). Values are copied
/// out per token the caller reads; skipped subtrees are scanned a buffer at a time and cost no allocations.
/// </summary>
public sealed class JsonStreamTokenizer(Stream stream, long maxBytes, int initialBuffer = 64 * 1024)
{
    private const int MaxTokenBytes = 64 * 1024 * 1024;

    private byte[] _buffer = new byte[initialBuffer];
    private int _start;
    private int _end;
    private bool _final;
    private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
    private byte[] _value = new byte[256];
    private int _valueLength;
    private bool _valueEscaped;

    public long BytesRead { get; private set; }

    public JsonTokenType TokenType { get; private set; }

    /// <summary>Depth of the current token (0 for the root value's start and end).</summary>
    public int Depth { get; private set; }

    /// <summary>Reads the next token; false at the end of a complete document. Truncated or malformed input throws <see cref="JsonException"/>.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            if (TryRead()) return true;
            if (_final) return false;
            await FillAsync(ct);
        }
    }

    private bool TryRead()
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
        if (!reader.Read()) return false;
        TokenType = reader.TokenType;
        Depth = reader.CurrentDepth;
        if (TokenType is JsonTokenType.PropertyName or JsonTokenType.String or JsonTokenType.Number)
        {
            var span = reader.ValueSpan;
            if (span.Length > _value.Length) _value = new byte[Math.Max(span.Length, _value.Length * 2)];
            span.CopyTo(_value);
            _valueLength = span.Length;
            _valueEscaped = reader.ValueIsEscaped;
        }
        _start += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        return true;
    }

    private async ValueTask FillAsync(CancellationToken ct, bool untilFull = false)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxTokenBytes) throw new JsonException($"a single JSON value is larger than {MaxTokenBytes:N0} bytes");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        do
        {
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (read == 0)
            {
                _final = true;
                return;
            }
            _end += read;
            BytesRead += read;
            if (BytesRead > maxBytes) throw new DocumentTooLargeException(maxBytes);
        }
        while (untilFull && _end < _buffer.Length);
    }

    /// <summary>Parses one whole JSON value from a span (synchronously, with a plain <see cref="Utf8JsonReader"/>).</summary>
    public delegate T ValueParser<out T>(ReadOnlySpan<byte> json);

    /// <summary>
    /// Reads the next complete value (e.g. one entry of a packument's "versions") and hands its bytes to
    /// <paramref name="parse"/>: a value of a few kilobytes is parsed in one synchronous pass instead of token by token.
    /// </summary>
    public async ValueTask<T> ReadValueAsync<T>(ValueParser<T> parse, CancellationToken ct)
    {
        while (true)
        {
            if (TryReadValue(parse, out var result)) return result;
            if (_final) throw new JsonException("the document ended early");
            // Fill the whole buffer before scanning again, so a large value is rescanned only when the buffer doubles.
            await FillAsync(ct, untilFull: true);
        }
    }

    private bool TryReadValue<T>(ValueParser<T> parse, out T result)
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
        result = default!;
        if (!reader.Read()) return false;
        var from = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip()) return false;
        var length = (int)reader.BytesConsumed - from;
        TokenType = reader.TokenType;
        Depth = reader.CurrentDepth;
        result = parse(_buffer.AsSpan(_start + from, length));
        _start += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        return true;
    }

    /// <summary>The current property name or string value.</summary>
    public string GetString()
    {
        if (!_valueEscaped) return Encoding.UTF8.GetString(_value, 0, _valueLength);
        // Let the framework unescape: wrap the raw bytes back into a JSON string literal.
        var quoted = new byte[_valueLength + 2];
        quoted[0] = (byte)'"';
        Buffer.BlockCopy(_value, 0, quoted, 1, _valueLength);
        quoted[^1] = (byte)'"';
        var reader = new Utf8JsonReader(quoted, isFinalBlock: true, state: default);
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>The current string value, or null for a JSON null; other token types are skipped and give null.</summary>
    public async ValueTask<string?> ReadStringOrNullAsync(CancellationToken ct)
    {
        await ExpectReadAsync(ct);
        if (TokenType == JsonTokenType.String) return GetString();
        await SkipCurrentAsync(ct);
        return null;
    }

    public bool NameIs(ReadOnlySpan<byte> utf8Name) =>
        _valueEscaped ? GetString() == Encoding.UTF8.GetString(utf8Name) : _value.AsSpan(0, _valueLength).SequenceEqual(utf8Name);

    public async ValueTask ExpectReadAsync(CancellationToken ct)
    {
        if (!await ReadAsync(ct)) throw new JsonException("the document ended early");
    }

    /// <summary>After a property name: true when its value starts with <paramref name="start"/>; otherwise the value is skipped.</summary>
    public async ValueTask<bool> ReadStartOrSkipAsync(JsonTokenType start, CancellationToken ct)
    {
        await ExpectReadAsync(ct);
        if (TokenType == start) return true;
        await SkipCurrentAsync(ct);
        return false;
    }

    /// <summary>After a property name: reads and discards its value, whatever its size.</summary>
    public async ValueTask SkipValueAsync(CancellationToken ct)
    {
        await ExpectReadAsync(ct);
        await SkipCurrentAsync(ct);
    }

    /// <summary>If the current token starts an object or array, reads to its end without keeping anything.</summary>
    public async ValueTask SkipCurrentAsync(CancellationToken ct)
    {
        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        var depth = Depth;
        // Most of a packument is skipped: scan whole buffers with one reader instead of a call per token.
        while (!TrySkipTo(depth))
        {
            if (_final) throw new JsonException("the document ended early");
            await FillAsync(ct);
        }
    }

    /// <summary>Consumes tokens until the end token at <paramref name="depth"/>; false when the buffer ran out first.</summary>
    private bool TrySkipTo(int depth)
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
        var consumed = 0L;
        var state = _state;
        var found = false;
        while (reader.Read())
        {
            consumed = reader.BytesConsumed;
            state = reader.CurrentState;
            if (reader.CurrentDepth == depth && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                TokenType = reader.TokenType;
                Depth = depth;
                found = true;
                break;
            }
        }
        _start += (int)consumed;
        _state = state;
        return found;
    }
}
