using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

/// <summary>
/// The "glob bomb" upload, regenerated: a root package.json with 256 workspace patterns, each two `{a,…,h}` groups
/// (64 alternatives, the most one pattern may have) then `**` and a name with six `*`, over 45,000 package.json
/// files in chains of 60 nested folders whose names almost match. It passes every archive limit, so only discovery's budget can
/// stop it; before the budget it kept a core busy for minutes. Built and read once for all the tests using it.
/// </summary>
public sealed class GlobBombFixture : IAsyncLifetime
{
    public const int Patterns = 256;
    public const int Chains = 750;
    public const int Depth = 60;

    public byte[] Archive { get; private set; } = [];

    public ArchiveSnapshot Snapshot { get; private set; } = default!;

    /// <summary>Limits that let the bomb's shape through (pattern count, braces, depth), so only steps, time or cancellation can stop it.</summary>
    public static DiscoveryLimits ShapeAllowed { get; } = new(MaxBraceAlternatives: Patterns * WorkspaceGlob.MaxAlternatives, MaxDepth: 64);

    public async Task InitializeAsync()
    {
        Archive = Build(Patterns, Chains, Depth).ToTarGz();
        Snapshot = await RepositoryArchive.ReadAsync(new MemoryStream(Archive), ArchiveLimits.Default, CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The bomb at any size; every folder of a chain holds a package.json, and no pattern ever matches one.</summary>
    public static TestArchive Build(int patterns, int chains, int depth)
    {
        const string Letters = "abcdefgh";
        var group = "{" + string.Join(',', Letters.ToCharArray()) + "}";
        // The pattern's last name ends in a digit that no folder name has, so every `*` gets retried.
        var globs = Enumerable.Range(0, patterns).Select(i => $"\"{group}{group}/**/z*y*x*w*v*u*{i}\"");
        var archive = new TestArchive().File("package.json", $$"""{ "private": true, "workspaces": [{{string.Join(", ", globs)}}] }""");
        for (var chain = 0; chain < chains; chain++)
        {
            // Two letters first, so that one alternative of every pattern gets past its first name.
            var folder = $"{Letters[chain % 8]}{Letters[chain / 8 % 8]}/c{chain}";
            for (var level = 1; level <= depth; level++)
            {
                if (level > 1) folder += "/zyxwvuzyxwvuq";
                archive.File($"{folder}/package.json", $$"""{ "name": "p{{chain}}-{{level}}" }""");
            }
        }
        return archive;
    }
}
