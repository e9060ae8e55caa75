using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Readers for the files that declare workspaces besides package.json. Each returns the declared globs (null
/// when the file declares none) and a problem sentence when the file is unusable.
/// </summary>
internal static class WorkspaceManifests
{
    public const int MaxYamlDepth = 32;
    public const int MaxYamlEvents = 10_000;

    public static string AnchorsRejected(string fileName) => $"{fileName} uses YAML anchors/aliases, which are not accepted";

    /// <summary>
    /// pnpm-workspace.yaml's top-level `packages` list (https://pnpm.io/pnpm-workspace_yaml). Read as a bounded
    /// event stream, never as an object graph: anchors and aliases are refused outright (an alias is how
    /// "billion laughs" multiplies a small file), and depth and node count are capped.
    /// </summary>
    public static (IReadOnlyList<string>? Globs, string? Error) ReadPnpm(byte[] utf8, string fileName)
    {
        var events = new List<ParsingEvent>();
        try
        {
            var error = CollectEvents(Decode(utf8), fileName, events);
            if (error is not null) return (null, error);
        }
        catch (YamlException ex)
        {
            return (null, $"{fileName} is not valid YAML: {ex.Message}");
        }
        return ReadPackagesKey(events, fileName);
    }

    /// <summary>lerna.json's `packages` list (https://lerna.js.org/docs/api-reference/configuration); null when absent.</summary>
    public static (IReadOnlyList<string>? Globs, string? Error) ReadLerna(byte[] utf8)
    {
        var (document, error) = StrictJson.ParseObject(utf8, "lerna.json");
        if (document is null) return (null, error);
        using (document)
        {
            return document.RootElement.TryGetProperty("packages", out var packages)
                ? StrictJson.StringList(packages, "lerna.json \"packages\"")
                : (null, null);
        }
    }

    private static string Decode(byte[] utf8) =>
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetString(utf8).TrimStart('\uFEFF');

    private static string? CollectEvents(string text, string fileName, List<ParsingEvent> into)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            if (current is AnchorAlias || current is NodeEvent { Anchor.IsEmpty: false }) return AnchorsRejected(fileName);
            if (into.Count >= MaxYamlEvents) return $"{fileName} has more than {MaxYamlEvents:N0} YAML nodes, which is not accepted";
            if (current is MappingStart or SequenceStart && ++depth > MaxYamlDepth) return $"{fileName} is nested more than {MaxYamlDepth} levels deep, which is not accepted";
            if (current is MappingEnd or SequenceEnd) depth--;
            into.Add(current);
        }
        return null;
    }

    private static (IReadOnlyList<string>? Globs, string? Error) ReadPackagesKey(List<ParsingEvent> events, string fileName)
    {
        var notAList = $"\"packages\" in {fileName} must be a list of strings";
        // StreamStart, then DocumentStart unless the file is empty.
        if (events.Count < 2 || events[1] is not DocumentStart) return (null, null);
        if (events.Skip(2).OfType<DocumentStart>().Any()) return (null, $"{fileName} has more than one YAML document");

        var at = 2;
        if (events[at] is Scalar { Value: "" }) return (null, null); // an empty document
        if (events[at] is not MappingStart) return (null, $"{fileName} must be a mapping with a \"packages\" list");
        at++;
        while (events[at] is not MappingEnd)
        {
            var key = events[at] as Scalar;
            at = SkipNode(events, at);
            if (key?.Value != "packages")
            {
                at = SkipNode(events, at);
                continue;
            }
            if (events[at] is Scalar { Value: "", Style: ScalarStyle.Plain }) return (null, null); // `packages:` with nothing
            if (events[at] is not SequenceStart) return (null, notAList);
            var globs = new List<string>();
            for (at++; events[at] is not SequenceEnd; at++)
            {
                if (events[at] is not Scalar item) return (null, notAList);
                globs.Add(item.Value);
            }
            return (globs, null);
        }
        return (null, null);
    }

    /// <summary>The index after the node starting at <paramref name="at"/> (the collector guarantees balance).</summary>
    private static int SkipNode(List<ParsingEvent> events, int at)
    {
        var depth = 0;
        do
        {
            depth += events[at] switch
            {
                MappingStart or SequenceStart => 1,
                MappingEnd or SequenceEnd => -1,
                _ => 0,
            };
            at++;
        }
        while (depth > 0);
        return at;
    }
}
