using System.Text;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// `{a,b}` alternatives of a workspace pattern, read as bash and npm's brace-expansion read them (without their
/// `{1..9}` ranges): braces nest, a pair without a top-level comma is literal text, an unmatched brace is literal. The pattern is
/// parsed once into a tree whose alternatives are counted before anything is expanded, because `{a,b}{c,d}…`
/// doubles with every group and the count is what a budget has to refuse.
/// </summary>
internal static class BraceExpansion
{
    /// <summary>Literal text, or a group of alternative sequences (exactly one of the two is set).</summary>
    internal readonly record struct Part(string? Text, Part[][]? Alternatives);

    /// <summary>The pattern as a sequence of parts; linear in its length.</summary>
    public static Part[] Parse(string pattern)
    {
        // Pairing with a stack gives each '{' the '}' that a depth count from it would find, and each ',' the
        // innermost open brace it belongs to, in one pass instead of one scan per brace.
        var close = new int[pattern.Length];
        Array.Fill(close, -1);
        var commas = new Dictionary<int, List<int>>();
        var open = new Stack<int>();
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '{':
                    open.Push(i);
                    break;
                case '}' when open.Count > 0:
                    close[open.Pop()] = i;
                    break;
                case ',' when open.Count > 0:
                    if (!commas.TryGetValue(open.Peek(), out var owned)) commas[open.Peek()] = owned = [];
                    owned.Add(i);
                    break;
            }
        }
        return ParseSequence(pattern, 0, pattern.Length, close, commas);
    }

    /// <summary>How many alternatives the parts expand to, counted without expanding; anything above <paramref name="cap"/> reads as cap + 1.</summary>
    public static int Count(Part[] sequence, int cap)
    {
        long total = 1;
        foreach (var part in sequence)
        {
            if (part.Alternatives is not { } alternatives) continue;
            long sum = 0;
            foreach (var alternative in alternatives) sum = Math.Min(sum + Count(alternative, cap), cap + 1L);
            total = Math.Min(total * sum, cap + 1L);
        }
        return (int)total;
    }

    /// <summary>Every alternative, first group varying slowest; call only after <see cref="Count"/> said the number is acceptable.</summary>
    public static List<string> Expand(Part[] sequence)
    {
        List<string> results = [""];
        foreach (var part in sequence)
        {
            if (part.Text is { } text)
            {
                results = [.. results.Select(r => r + text)];
                continue;
            }
            var options = part.Alternatives!.SelectMany(Expand).ToList();
            results = [.. results.SelectMany(r => options.Select(o => r + o))];
        }
        return results;
    }

    private static Part[] ParseSequence(string pattern, int start, int end, int[] close, Dictionary<int, List<int>> commas)
    {
        var parts = new List<Part>();
        var text = new StringBuilder();
        var i = start;
        while (i < end)
        {
            // A pair is always inside the range it starts in: a comma belongs to a group only when no brace opened
            // after the group is still open, so alternatives never cut a nested pair in two.
            if (pattern[i] == '{' && close[i] >= 0 && commas.TryGetValue(i, out var groupCommas))
            {
                if (text.Length > 0) parts.Add(new Part(text.ToString(), null));
                text.Clear();
                var alternatives = new List<Part[]>();
                var from = i + 1;
                foreach (var comma in groupCommas.Append(close[i]))
                {
                    alternatives.Add(ParseSequence(pattern, from, comma, close, commas));
                    from = comma + 1;
                }
                parts.Add(new Part(null, [.. alternatives]));
                i = close[i] + 1;
            }
            else
            {
                text.Append(pattern[i++]);
            }
        }
        if (text.Length > 0) parts.Add(new Part(text.ToString(), null));
        return [.. parts];
    }
}
