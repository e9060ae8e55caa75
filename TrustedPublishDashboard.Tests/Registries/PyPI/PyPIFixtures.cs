using System.Net;
using System.Text;
using System.Text.Json;

namespace TrustedPublishDashboard.Tests.Registries.PyPI;

/// <summary>One file of a fixture project. <paramref name="Yanked"/>: false, true or a reason string, as PEP 592 allows.</summary>
internal sealed record FileSpec(string Filename, string UploadTime, bool Provenance = false, object? Yanked = null, long Size = 4096);

/// <summary>One file's block on a fixture release page; <paramref name="Answer"/> goes after the label verbatim.</summary>
internal sealed record PageFile(string Filename, string Answer, string Via = "twine/6.1.0 CPython/3.12.4");

/// <summary>
/// Documents built from the shapes REGISTRY-FACTS and the PEPs describe (PEP 691/700/740 JSON, the release page's
/// per-file block), never copied from real responses.
/// </summary>
internal static class PyPIFixtures
{
    public const string Base = "https://pypi.test";

    public static string ProvenanceUrl(string project, string version, string filename) =>
        $"{Base}/integrity/{project}/{version}/{filename}/provenance";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A Simple API JSON document; the version of each file for its provenance URL is taken from <paramref name="versionOf"/>.</summary>
    public static string Simple(string name, IEnumerable<string>? versions, IEnumerable<FileSpec> files, string apiVersion = "1.4", Func<string, string>? versionOf = null)
    {
        var document = new Dictionary<string, object?>
        {
            ["meta"] = new Dictionary<string, object?> { ["api-version"] = apiVersion, ["_last-serial"] = 31337 },
            ["name"] = name,
            ["files"] = files.Select(f => new Dictionary<string, object?>
            {
                ["filename"] = f.Filename,
                ["url"] = $"https://files.pypi.test/packages/ab/cd/{f.Filename}",
                ["hashes"] = new Dictionary<string, string> { ["sha256"] = new string('0', 64) },
                ["requires-python"] = ">=3.9",
                ["core-metadata"] = false,
                ["size"] = f.Size,
                ["upload-time"] = f.UploadTime,
                ["yanked"] = f.Yanked ?? false,
                ["provenance"] = f.Provenance ? ProvenanceUrl(name, versionOf?.Invoke(f.Filename) ?? "0", f.Filename) : null,
                ["data-dist-info-metadata"] = false,
            }).ToList(),
        };
        if (versions is not null) document["versions"] = versions.ToList();
        return JsonSerializer.Serialize(document);
    }

    public static Dictionary<string, object?> GitHub(string repository, string workflow, string environment = "") => new()
    {
        ["kind"] = "GitHub",
        ["claims"] = null,
        ["repository"] = repository,
        ["workflow"] = workflow,
        ["environment"] = environment,
    };

    public static Dictionary<string, object?> GitLab(string repository, string workflowFilepath, string environment = "") => new()
    {
        ["kind"] = "GitLab",
        ["claims"] = null,
        ["repository"] = repository,
        ["workflow_filepath"] = workflowFilepath,
        ["environment"] = environment,
    };

    public static Dictionary<string, object?> Google(string email) => new()
    {
        ["kind"] = "Google",
        ["claims"] = null,
        ["email"] = email,
    };

    /// <summary>A PEP 740 provenance object with one bundle per publisher, each with one (opaque) attestation.</summary>
    public static string Provenance(params object[] publishers) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["version"] = 1,
        ["attestation_bundles"] = publishers.Select(p => new Dictionary<string, object?>
        {
            ["publisher"] = p,
            ["attestations"] = new[]
            {
                new Dictionary<string, object?>
                {
                    ["version"] = 1,
                    ["verification_material"] = new Dictionary<string, object?>
                    {
                        ["certificate"] = Convert.ToBase64String(Encoding.ASCII.GetBytes("not a real certificate")),
                        ["transparency_entries"] = new[] { new Dictionary<string, object?> { ["logIndex"] = "1" } },
                    },
                    ["envelope"] = new Dictionary<string, object?> { ["statement"] = "e30=", ["signature"] = "c2ln" },
                },
            },
        }).ToList(),
    });

    public static string NoProvenance(string filename) => JsonSerializer.Serialize(new { message = $"No provenance available for {filename}" });

    /// <summary>The release page's shape: a summary tab, then per file a <c>&lt;div id="&lt;filename&gt;"&gt;</c> with its metadata list.</summary>
    public static string ReleasePage(string project, string version, params PageFile[] files) =>
        ReleasePage(project, version, files.Select(f => FileBlock(f.Filename, $"<li><strong>Uploaded using Trusted Publishing?</strong> {f.Answer}</li>\n        <li><strong>Uploaded via:</strong> {WebUtility.HtmlEncode(f.Via)}</li>")).ToArray());

    /// <summary>A page whose file blocks are given whole (for changed markup).</summary>
    public static string ReleasePage(string project, string version, params string[] blocks)
    {
        var page = new StringBuilder();
        page.Append($"""
            <!DOCTYPE html>
            <html lang="en" dir="ltr">
            <head><meta charset="utf-8"><title>{project} · PyPI</title>
            <script>var tabs = "<div id='x'>"; if (1 < 2) tabs = "</div>";</script></head>
            <body>
            <!-- release {version} -->
            <div class="vertical-tabs">
              <div id="description" class="vertical-tabs__content"><p>A project.</p></div>
              <div id="files" class="vertical-tabs__content"><h2>Download files</h2></div>

            """);
        foreach (var block in blocks) page.Append(block).Append('\n');
        page.Append("</div>\n</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>One file's block in the documented shape, with <paramref name="metadataItems"/> inside its metadata list.</summary>
    public static string FileBlock(string filename, string metadataItems, string idAttribute = "id") => $"""
        <div {idAttribute}="{WebUtility.HtmlEncode(filename)}" data-project-tabs-target="content" role="tabpanel" class="vertical-tabs__content">
          <h2 class="page-title">File details</h2>
          <p>Details for the file <code>{WebUtility.HtmlEncode(filename)}</code>.</p>
          <h3>File metadata</h3>
          <div class="card file__card">
            <ul>
              <li><strong>Download URL:</strong> <a href="https://files.pypi.test/{filename}">{WebUtility.HtmlEncode(filename)}</a></li>
              <li><strong>Upload date:</strong> <time datetime="2026-05-01T10:00:00+0000">May 1, 2026</time></li>
              <li><strong>Size:</strong> 4.0 kB</li>
              {metadataItems}
            </ul>
          </div>
          <h3>File hashes</h3>
          <table class="table table--hashes"><tbody><tr><th scope="row">SHA256</th><td><code>{new string('0', 64)}</code></td></tr></tbody></table>
        </div>
        """;
}
