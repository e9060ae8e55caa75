using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

/// <summary>How a fixture version was published, in the shapes npm documents (see shared/REGISTRY-FACTS.md).</summary>
public abstract record Publish
{
    public sealed record Trusted(string ConfigId, string Provider = "github") : Publish;
    public sealed record Staged(string Approver, string? ConfigId = null) : Publish;
    public sealed record Token(string User) : Publish;
    /// <summary>A mirror stripped _npmUser.</summary>
    public sealed record Stripped : Publish;
    /// <summary>_npmUser flattened to "name &lt;email&gt;", as npm view prints it.</summary>
    public sealed record Flattened(string User) : Publish;
    /// <summary>The GitHub OIDC identity with the trustedPublisher marker removed (a source that strips only the marker).</summary>
    public sealed record MarkerStripped : Publish;
}

/// <summary>The GitHub SLSA v1 provenance of a build (or, with GitLab, the SLSA v0.2 one).</summary>
public sealed record Provenance(string Repository = "acme/widgets", string Workflow = ".github/workflows/release.yml", string Ref = "refs/tags/v1",
    string Trigger = "push", string Commit = "0123456789abcdef0123456789abcdef01234567", bool GitLab = false, string? RawPayload = null);

public sealed record FixtureVersion(string Version, DateTimeOffset PublishedAt, Publish Publish, Provenance? Provenance);

/// <summary>Builds packuments and attestation documents from documented shapes.</summary>
public sealed class PackumentBuilder(string name)
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<FixtureVersion> _versions = [];
    private string? _latest;
    private int _fillerBytes;

    public string Name => name;

    public IReadOnlyList<FixtureVersion> Versions => _versions;

    public PackumentBuilder Add(string version, int day, Publish publish, Provenance? provenance = null)
    {
        _versions.Add(new FixtureVersion(version, T0.AddDays(day), publish, provenance));
        return this;
    }

    public PackumentBuilder Latest(string version)
    {
        _latest = version;
        return this;
    }

    /// <summary>Adds a readme and manifest noise per version, the bulk of real packuments.</summary>
    private object? _repository;

    /// <summary>The top-level `repository` npm copies from the latest version: a URL string for the object form, or any JSON value.</summary>
    public PackumentBuilder Repository(string url)
    {
        _repository = url;
        return this;
    }

    public PackumentBuilder Filler(int bytesPerVersion)
    {
        _fillerBytes = bytesPerVersion;
        return this;
    }

    public static string Escape(string name) => name.Replace("/", "%2f");

    public string PackumentPath => "/" + Escape(name);

    public string AttestationPath(string version) => $"/-/npm/v1/attestations/{Escape(name)}@{version}";

    public string BuildPackument(Uri registry)
    {
        var versions = new JsonObject();
        var time = new JsonObject { ["created"] = T0.AddDays(-1).ToString("O"), ["modified"] = T0.AddDays(999).ToString("O") };
        foreach (var v in _versions)
        {
            var entry = new JsonObject
            {
                ["name"] = name,
                ["version"] = v.Version,
                ["description"] = "fixture",
                ["dependencies"] = new JsonObject { ["left-pad"] = "^1.0.0" },
                ["maintainers"] = new JsonArray(new JsonObject { ["name"] = "alice", ["email"] = "alice@example.test" }),
            };
            var user = v.Publish switch
            {
                Publish.Trusted t => new JsonObject
                {
                    ["name"] = "GitHub Actions",
                    ["email"] = "npm-oidc-no-reply@github.com",
                    ["trustedPublisher"] = new JsonObject { ["id"] = t.Provider, ["oidcConfigId"] = t.ConfigId },
                },
                // A staged publish made BY a trusted publisher keeps its trustedPublisher marker and adds the approver
                // (REGISTRY-FACTS, npm: real capture cookie@2.0.1); without ConfigId, a staged publish without the marker.
                Publish.Staged s => new JsonObject
                {
                    ["name"] = "GitHub Actions",
                    ["email"] = "npm-oidc-no-reply@github.com",
                    ["approver"] = new JsonObject { ["name"] = s.Approver, ["email"] = s.Approver + "@example.test" },
                },
                Publish.Token t => new JsonObject { ["name"] = t.User, ["email"] = t.User + "@example.test" },
                Publish.MarkerStripped => new JsonObject { ["name"] = "GitHub Actions", ["email"] = "npm-oidc-no-reply@github.com" },
                Publish.Flattened f => (JsonNode)JsonValue.Create($"{f.User} <{f.User}@example.test>"),
                _ => null,
            };
            if (v.Publish is Publish.Staged { ConfigId: { } stagedBy } && user is JsonObject staged)
                staged["trustedPublisher"] = new JsonObject { ["id"] = "github", ["oidcConfigId"] = stagedBy };
            if (user is not null) entry["_npmUser"] = user;
            var dist = new JsonObject
            {
                ["shasum"] = "0000000000000000000000000000000000000000",
                ["tarball"] = new Uri(registry, $"{name}/-/{name.Split('/')[^1]}-{v.Version}.tgz").ToString(),
                ["integrity"] = "sha512-AAAA",
            };
            if (v.Provenance is not null)
            {
                dist["attestations"] = new JsonObject
                {
                    ["url"] = new Uri(registry, AttestationPath(v.Version).TrimStart('/')).ToString(),
                    ["provenance"] = new JsonObject { ["predicateType"] = v.Provenance.GitLab ? "https://slsa.dev/provenance/v0.2" : "https://slsa.dev/provenance/v1" },
                };
            }
            entry["dist"] = dist;
            if (_fillerBytes > 0) entry["readme"] = new string('x', _fillerBytes);
            versions[v.Version] = entry;
            time[v.Version] = v.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        }
        var doc = new JsonObject
        {
            ["_id"] = name,
            ["name"] = name,
            ["dist-tags"] = new JsonObject { ["latest"] = _latest ?? _versions.LastOrDefault()?.Version },
            ["versions"] = versions,
            ["time"] = time,
            ["maintainers"] = new JsonArray(new JsonObject { ["name"] = "alice", ["email"] = "alice@example.test" }),
            ["readme"] = "# " + name,
        };
        if (_repository is string repository) doc["repository"] = new JsonObject { ["type"] = "git", ["url"] = repository };
        return doc.ToJsonString();
    }

    public static string Attestations(string name, string version, Provenance provenance)
    {
        var statement = provenance.RawPayload ?? (provenance.GitLab ? GitLabStatement(name, version, provenance) : GitHubStatement(name, version, provenance));
        var payload = provenance.RawPayload ?? Convert.ToBase64String(Encoding.UTF8.GetBytes(statement));
        var publish = Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["_type"] = "https://in-toto.io/Statement/v1",
            ["predicateType"] = "https://github.com/npm/attestation/tree/main/specs/publish/v0.1",
            ["predicate"] = new JsonObject { ["name"] = name, ["version"] = version, ["registry"] = "fixture" },
        }.ToJsonString()));
        return new JsonObject
        {
            ["attestations"] = new JsonArray(
                Entry("https://github.com/npm/attestation/tree/main/specs/publish/v0.1", publish),
                Entry(provenance.GitLab ? "https://slsa.dev/provenance/v0.2" : "https://slsa.dev/provenance/v1", payload)),
        }.ToJsonString();

        static JsonObject Entry(string predicateType, string payload) => new()
        {
            ["predicateType"] = predicateType,
            ["bundle"] = new JsonObject
            {
                ["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json",
                ["verificationMaterial"] = new JsonObject(),
                ["dsseEnvelope"] = new JsonObject
                {
                    ["payload"] = payload,
                    ["payloadType"] = "application/vnd.in-toto+json",
                    ["signatures"] = new JsonArray(new JsonObject { ["sig"] = "MEUC", ["keyid"] = "" }),
                },
            },
        };
    }

    private static string GitHubStatement(string name, string version, Provenance p) => new JsonObject
    {
        ["_type"] = "https://in-toto.io/Statement/v1",
        ["subject"] = new JsonArray(new JsonObject { ["name"] = $"pkg:npm/{name}@{version}", ["digest"] = new JsonObject { ["sha512"] = "00" } }),
        ["predicateType"] = "https://slsa.dev/provenance/v1",
        ["predicate"] = new JsonObject
        {
            ["buildDefinition"] = new JsonObject
            {
                ["buildType"] = "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
                ["externalParameters"] = new JsonObject
                {
                    ["workflow"] = new JsonObject { ["ref"] = p.Ref, ["repository"] = "https://github.com/" + p.Repository, ["path"] = p.Workflow },
                },
                ["internalParameters"] = new JsonObject
                {
                    ["github"] = new JsonObject { ["event_name"] = p.Trigger, ["repository_id"] = "1", ["repository_owner_id"] = "2" },
                },
                ["resolvedDependencies"] = new JsonArray(new JsonObject
                {
                    ["uri"] = $"git+https://github.com/{p.Repository}@{p.Ref}",
                    ["digest"] = new JsonObject { ["gitCommit"] = p.Commit },
                }),
            },
            ["runDetails"] = new JsonObject
            {
                ["builder"] = new JsonObject { ["id"] = "https://github.com/actions/runner/github-hosted" },
                ["metadata"] = new JsonObject { ["invocationId"] = $"https://github.com/{p.Repository}/actions/runs/1/attempts/1" },
            },
        },
    }.ToJsonString();

    private static string GitLabStatement(string name, string version, Provenance p) => new JsonObject
    {
        ["_type"] = "https://in-toto.io/Statement/v0.1",
        ["subject"] = new JsonArray(new JsonObject { ["name"] = $"pkg:npm/{name}@{version}", ["digest"] = new JsonObject { ["sha512"] = "00" } }),
        ["predicateType"] = "https://slsa.dev/provenance/v0.2",
        ["predicate"] = new JsonObject
        {
            ["buildType"] = "https://github.com/npm/cli/gitlab/v0alpha1",
            ["builder"] = new JsonObject { ["id"] = $"https://gitlab.com/{p.Repository}/-/runners/12345" },
            ["invocation"] = new JsonObject
            {
                ["configSource"] = new JsonObject
                {
                    ["uri"] = $"git+https://gitlab.com/{p.Repository}",
                    ["digest"] = new JsonObject { ["sha1"] = p.Commit },
                    ["entryPoint"] = "release",
                },
                ["parameters"] = new JsonObject
                {
                    ["CI_PIPELINE_SOURCE"] = p.Trigger,
                    ["CI_COMMIT_REF_NAME"] = p.Ref,
                    ["CI_CONFIG_PATH"] = p.Workflow,
                },
            },
        },
    }.ToJsonString();

    /// <summary>Serves the packument and every attestation document on <paramref name="registry"/>.</summary>
    public void ServeOn(Infrastructure.ReplayRegistry registry, string? etag = null)
    {
        registry.Serve(PackumentPath, Infrastructure.ReplayResponse.Json(BuildPackument(registry.BaseUrl), etag));
        foreach (var v in _versions.Where(v => v.Provenance is not null))
            registry.Serve(AttestationPath(v.Version), Infrastructure.ReplayResponse.Json(Attestations(name, v.Version, v.Provenance!)));
    }
}
