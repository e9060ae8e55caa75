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
/// out only when the caller will look at them; skipped subtrees cost no allocations.
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
    private bool _capture = true;

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
        if (_capture && TokenType is JsonTokenType.PropertyName or JsonTokenType.String or JsonTokenType.Number)
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

    private async ValueTask FillAsync(CancellationToken ct)
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
        _capture = false;
        try
        {
            do
            {
                await ExpectReadAsync(ct);
            }
            while (!(Depth == depth && TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray));
        }
        finally
        {
            _capture = true;
        }
    }
}
