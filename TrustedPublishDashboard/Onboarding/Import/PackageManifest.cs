using System.Text.Json;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// The package.json fields onboarding reads, as written (no defaults filled in), so each planned value can say
/// it came from the manifest. See the package.json page of the npm CLI documentation.
/// </summary>
public sealed record PackageManifest
{
    public string? Name { get; init; }
    /// <summary>Why <see cref="Name"/> is null although the field exists (it is not a string).</summary>
    public string? NameError { get; init; }
    public string? Version { get; init; }
    /// <summary>`"private": true` (or the string "true"): npm refuses to publish the package.</summary>
    public bool IsPrivate { get; init; }
    /// <summary>`repository` as the shorthand string or the object's `url`.</summary>
    public string? RepositoryUrl { get; init; }
    public string? RepositoryDirectory { get; init; }
    public string? PublishConfigRegistry { get; init; }
    public string? PublishConfigAccess { get; init; }
    public string? PublishConfigProvenance { get; init; }
    public string? PublishConfigTag { get; init; }
    /// <summary>`workspaces` globs (npm/yarn array, or yarn's `{ "packages": [...] }`); null when the field is absent.</summary>
    public IReadOnlyList<string>? Workspaces { get; init; }
    public string? WorkspacesError { get; init; }
    /// <summary>`packageManager` (corepack's `name@version`), as written.</summary>
    public string? PackageManager { get; init; }
    /// <summary>The names of the lifecycle scripts that build before a publish that this manifest defines (see <see cref="BuildScriptNames"/>).</summary>
    public IReadOnlyList<string> BuildScripts { get; init; } = [];
    /// <summary>`files`, `main`, `module`, `types` and string `exports` entries: where the published code is said to live.</summary>
    public IReadOnlyList<string> PublishedPaths { get; init; } = [];

    /// <summary>Scripts that produce what is published: `build` by convention, `prepare`/`prepublishOnly`/`prepack` because npm runs them before packing.</summary>
    public static IReadOnlyList<string> BuildScriptNames { get; } = ["build", "prepare", "prepublishOnly", "prepack"];

    /// <returns>The manifest, or why the file cannot be used.</returns>
    public static (PackageManifest? Manifest, string? Error) Parse(byte[] utf8)
    {
        var (document, error) = StrictJson.ParseObject(utf8, "package.json");
        if (document is null) return (null, error);
        using (document)
        {
            try
            {
                return (Read(document.RootElement), null);
            }
            catch (InvalidOperationException ex)
            {
                // GetString throws on strings that are not valid UTF-8; JsonDocument.Parse does not check them.
                return (null, $"package.json is not valid JSON: {ex.Message}");
            }
        }
    }

    private static PackageManifest Read(JsonElement root)
    {
        var hasName = root.TryGetProperty("name", out var name);
        var repository = root.TryGetProperty("repository", out var repo) ? repo : default;
        var publishConfig = root.TryGetProperty("publishConfig", out var config) ? config : default;
        var (workspaces, workspacesError) = ReadWorkspaces(root);
        return new PackageManifest
        {
            Name = hasName && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            NameError = hasName && name.ValueKind != JsonValueKind.String ? $"\"name\" must be a string, not {StrictJson.Describe(name.ValueKind)}" : null,
            Version = root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String ? version.GetString() : null,
            IsPrivate = root.TryGetProperty("private", out var isPrivate)
                && (isPrivate.ValueKind == JsonValueKind.True || isPrivate.ValueKind == JsonValueKind.String && isPrivate.GetString() == "true"),
            RepositoryUrl = repository.ValueKind == JsonValueKind.String ? repository.GetString() : StrictJson.Text(repository, "url"),
            RepositoryDirectory = StrictJson.Text(repository, "directory"),
            PublishConfigRegistry = StrictJson.Text(publishConfig, "registry"),
            PublishConfigAccess = StrictJson.Text(publishConfig, "access"),
            PublishConfigProvenance = StrictJson.Text(publishConfig, "provenance"),
            PublishConfigTag = StrictJson.Text(publishConfig, "tag"),
            Workspaces = workspaces,
            WorkspacesError = workspacesError,
            PackageManager = StrictJson.Text(root, "packageManager"),
            BuildScripts = root.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object
                ? BuildScriptNames.Where(n => scripts.TryGetProperty(n, out var s) && s.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(s.GetString())).ToList()
                : [],
            PublishedPaths = PublishedPathsOf(root),
        };
    }

    private static List<string> PublishedPathsOf(JsonElement root)
    {
        var paths = new List<string>();
        if (root.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Array)
        {
            paths.AddRange(files.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).Take(200));
        }
        foreach (var key in new[] { "main", "module", "types", "typings", "exports" })
        {
            if (StrictJson.Text(root, key) is { } path) paths.Add(path);
        }
        if (root.TryGetProperty("exports", out var exports) && exports.ValueKind == JsonValueKind.Object)
        {
            // One level of conditions/subpaths is enough to see where the files are ("./dist/index.js").
            foreach (var entry in exports.EnumerateObject().Take(200))
            {
                if (entry.Value.ValueKind == JsonValueKind.String) paths.Add(entry.Value.GetString()!);
                else if (entry.Value.ValueKind == JsonValueKind.Object)
                    paths.AddRange(entry.Value.EnumerateObject().Take(50).Where(c => c.Value.ValueKind == JsonValueKind.String).Select(c => c.Value.GetString()!));
            }
        }
        return paths;
    }

    private static (IReadOnlyList<string>? Globs, string? Error) ReadWorkspaces(JsonElement root)
    {
        if (!root.TryGetProperty("workspaces", out var workspaces)) return (null, null);
        return workspaces.ValueKind switch
        {
            JsonValueKind.Array => StrictJson.StringList(workspaces, "package.json \"workspaces\""),
            // Yarn's object form; an object with only `nohoist` declares no packages.
            JsonValueKind.Object => workspaces.TryGetProperty("packages", out var packages)
                ? StrictJson.StringList(packages, "package.json \"workspaces.packages\"")
                : (null, null),
            _ => (null, $"package.json \"workspaces\" must be an array of globs or an object with a \"packages\" array, not {StrictJson.Describe(workspaces.ValueKind)}"),
        };
    }
}
