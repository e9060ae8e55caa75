using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries.PyPI;
using static TrustedPublishDashboard.Tests.Registries.PyPI.PyPIFixtures;

namespace TrustedPublishDashboard.Tests.Registries.PyPI;

public sealed class PyPIEvidenceMapperTests
{
    /// <summary>
    /// One uploaded file. <paramref name="Publisher"/>: its provenance's publisher (null: uploaded without attestations);
    /// <paramref name="Page"/>: its release page block's answer (null: the page has no block for it).
    /// </summary>
    private sealed record Upload(string Filename, string Version, int Day, object? Publisher = null, string? Page = null, string? ProvenanceBody = null);

    private static readonly DateTimeOffset Epoch = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PublisherIdentity Acme = new("github", "acme/widgets", "release.yml", Environment: "pypi");

    private static string Time(int day) => Epoch.AddDays(day).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ");

    /// <summary>The whole pure path, from documents as the registry serves them to per-release evidence.</summary>
    private static (PyPISimpleIndex Index, IReadOnlyList<PyPIReleaseEvidence> Releases) Run(string project, params Upload[] uploads)
    {
        var versions = uploads.Select(u => u.Version).Distinct().ToList();
        var json = Simple(project, versions, uploads.Select(u => new FileSpec(u.Filename, Time(u.Day), Provenance: u.Publisher is not null || u.ProvenanceBody is not null)),
            versionOf: f => uploads.Single(u => u.Filename == f).Version);
        var reading = PyPISimpleParser.Parse(Bytes(json), project);
        Assert.Null(reading.Error);
        var index = reading.Index!;

        // What the client would fetch: each provenance URL once, each release page once for the files without provenance.
        var provenance = index.Files.Where(f => f.ProvenanceUrl is not null).ToDictionary(f => f.Filename, f =>
        {
            var upload = uploads.Single(u => u.Filename == f.Filename);
            return PyPIProvenanceParser.Parse(Bytes(upload.ProvenanceBody ?? Provenance(upload.Publisher!)));
        });
        var pages = new Dictionary<string, PyPIPageVerdict>();
        foreach (var release in index.Files.Where(f => f.ProvenanceUrl is null).GroupBy(f => f.Version))
        {
            var blocks = uploads.Where(u => u.Version == release.Key && u.Page is not null).Select(u => new PageFile(u.Filename, u.Page!)).ToArray();
            var page = PyPIReleasePageParser.Read(Bytes(ReleasePage(project, release.Key, blocks)), release.Select(f => f.Filename));
            foreach (var verdict in page.Files.Values) pages[verdict.Filename] = verdict;
        }
        var files = PyPIEvidenceMapper.Files(index, provenance, pages);
        return (index, PyPIEvidenceMapper.Releases(index, files));
    }

    private static PackageEvaluation Evaluate(IEnumerable<PyPIReleaseEvidence> releases, string project = "pkg") =>
        EvidenceRules.Evaluate(new PackageHistory(new PackageId(Registry.PyPI, project), null, releases.Select(PyPIEvidenceMapper.ToVersionEvidence).ToList()));

    private static PyPIReleaseEvidence Single(string project, params Upload[] uploads) => Assert.Single(Run(project, uploads).Releases);

    // ---- per file: the truth table ----

    public enum Prov { NoneInIndex, Present, NotRead, NotFound404, Unreadable, IndexValueBroken }

    [Theory]
    [InlineData(Prov.Present, null, PublishMethod.TrustedPublisher, true, false)]
    [InlineData(Prov.Present, "No", PublishMethod.TrustedPublisher, true, false)]
    [InlineData(Prov.NotRead, null, PublishMethod.TrustedPublisher, true, false)]
    [InlineData(Prov.NoneInIndex, "Yes", PublishMethod.TrustedPublisher, false, false)]
    [InlineData(Prov.NoneInIndex, "No", PublishMethod.Token, false, false)]
    [InlineData(Prov.NoneInIndex, null, PublishMethod.Unknown, false, false)]
    [InlineData(Prov.NoneInIndex, "?", PublishMethod.Unknown, false, false)]
    [InlineData(Prov.NotFound404, "Yes", PublishMethod.TrustedPublisher, false, false)]
    [InlineData(Prov.NotFound404, "No", PublishMethod.Token, false, false)]
    [InlineData(Prov.NotFound404, null, PublishMethod.Unknown, false, false)]
    [InlineData(Prov.Unreadable, "No", PublishMethod.Unknown, false, true)]
    [InlineData(Prov.Unreadable, "Yes", PublishMethod.Unknown, false, true)]
    [InlineData(Prov.Unreadable, null, PublishMethod.Unknown, false, true)]
    [InlineData(Prov.IndexValueBroken, "No", PublishMethod.Unknown, false, true)]
    public void File_ProvenanceThenReleasePage_GivesTheMethod(Prov prov, string? page, PublishMethod method, bool provenance, bool error)
    {
        var file = new PyPIFile("pkg-1.0.tar.gz", "1.0", PyPIDistributionKind.Sdist, Epoch, false, null,
            prov is Prov.NoneInIndex or Prov.IndexValueBroken ? null : ProvenanceUrl("pkg", "1.0", "pkg-1.0.tar.gz"), 10,
            prov is Prov.IndexValueBroken ? "the index's 'provenance' for this file is a number, not a URL or null" : null);
        PyPIProvenanceReading? reading = prov switch
        {
            Prov.Present => PyPIProvenanceParser.Parse(Bytes(Provenance(GitHub("acme/widgets", "release.yml", "pypi")))),
            Prov.NotFound404 => PyPIProvenanceParser.ParseNotFound(Bytes(NoProvenance("pkg-1.0.tar.gz"))),
            Prov.Unreadable => PyPIProvenanceParser.Parse(Bytes("{\"version\":1,\"attestation_bundles\":[{\"publisher\":")),
            _ => null,
        };
        var verdict = page switch
        {
            null => null,
            "?" => PyPIPageVerdict.Unknown("pkg-1.0.tar.gz", "the release page has no block for this file"),
            _ => new PyPIPageVerdict("pkg-1.0.tar.gz", Enum.Parse<PyPITrustedPublishingAnswer>(page), "twine/6.1.0", null),
        };

        var evidence = PyPIEvidenceMapper.File(file, reading, verdict);

        Assert.Equal(method, evidence.Method);
        Assert.Equal(provenance, evidence.Provenance);
        Assert.Equal(error, evidence.EvidenceError is not null);
        Assert.Equal(prov == Prov.Present ? Acme : null, evidence.Publisher);
    }

    // ---- per release, from the documents ----

    [Fact]
    public void Releases_AllAttested_AreTrustedWithProvenanceAndPublisher()
    {
        var (_, releases) = Run("pkg",
            new Upload("pkg-1.0.tar.gz", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.0-py3-none-any.whl", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.1.tar.gz", "1.1", 5, GitHub("acme/widgets", "release.yml", "pypi")));

        Assert.All(releases, r => Assert.Equal((PublishMethod.TrustedPublisher, true, Acme, null, null), (r.Method, r.Provenance, r.Publisher, r.PublisherConflict, r.EvidenceError)));
        var evaluation = Evaluate(releases);
        Assert.Equal(ComplianceStatus.Compliant, evaluation.Status);
        Assert.Equal("1.1", evaluation.LatestVersion);
        Assert.Empty(evaluation.Findings);
    }

    [Fact]
    public void Releases_LegacyTokenPageSaysNo_AreToken()
    {
        var release = Single("pkg", new Upload("pkg-1.0.tar.gz", "1.0", 0, Page: "No"), new Upload("pkg-1.0-py3-none-any.whl", "1.0", 0, Page: "No"));
        Assert.Equal((PublishMethod.Token, false, null), (release.Method, release.Provenance, release.Publisher));
        Assert.All(release.Files, f => Assert.Equal("twine/6.1.0 CPython/3.12.4", f.UploadedVia));
        Assert.Contains(Evaluate([release]).Findings, f => f.Kind == FindingKinds.NeverTrusted);
    }

    [Fact]
    public void Release_SdistAttestedWheelToken_IsTokenLikeItsWeakestFile()
    {
        var release = Single("pkg",
            new Upload("pkg-1.0.tar.gz", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.0-py3-none-any.whl", "1.0", 9, Page: "No"));

        Assert.Equal(PublishMethod.Token, release.Method);
        Assert.False(release.Provenance);
        Assert.Equal(Acme, release.Publisher);
        Assert.Equal(Epoch, release.PublishedAt);
        Assert.Equal([PublishMethod.TrustedPublisher, PublishMethod.Token], release.Files.Select(f => f.Method));
    }

    [Fact]
    public void Release_TrustedWithoutProvenance_PageSaysYes()
    {
        var release = Single("pkg", new Upload("pkg-1.0.tar.gz", "1.0", 0, Page: "Yes"), new Upload("pkg-1.0-py3-none-any.whl", "1.0", 0, Page: "Yes"));
        Assert.Equal((PublishMethod.TrustedPublisher, false, null), (release.Method, release.Provenance, release.Publisher));
        Assert.Equal(ComplianceStatus.Compliant, Evaluate([release]).Status);
    }

    [Fact]
    public void Release_GitLabPublisher_IsNamespaceProjectAndWorkflowFilepath()
    {
        var release = Single("pkg", new Upload("pkg-1.0.tar.gz", "1.0", 0, GitLab("group/sub/project", ".gitlab-ci.yml", "release")));
        Assert.Equal(new PublisherIdentity("gitlab", "group/sub/project", ".gitlab-ci.yml", Environment: "release"), release.Publisher);
        Assert.Equal(PublishMethod.TrustedPublisher, release.Method);
    }

    [Fact]
    public void Release_GooglePublisher_IsItsServiceAccount()
    {
        var release = Single("pkg", new Upload("pkg-1.0.tar.gz", "1.0", 0, Google("ci@acme.iam.gserviceaccount.com")));
        Assert.Equal(new PublisherIdentity("google", ConfigId: "ci@acme.iam.gserviceaccount.com"), release.Publisher);
    }

    [Fact]
    public void Release_EmptyEnvironment_IsNone()
    {
        var release = Single("pkg", new Upload("pkg-1.0.tar.gz", "1.0", 0, GitHub("acme/widgets", "release.yml", "")));
        Assert.Null(release.Publisher!.Environment);
    }

    [Fact]
    public void Releases_Pep503NameInFilenames_AreReportedUnderTheNormalForm()
    {
        var (index, releases) = Run("hp-normal-name",
            new Upload("Hp.Normal_Name-1.0.tar.gz", "1.0", 0, GitHub("acme/hp", "release.yml")),
            new Upload("hp_normal_name-1.0-py3-none-any.whl", "1.0", 0, Page: "No"));
        Assert.Equal("hp-normal-name", index.Name);
        Assert.Empty(index.Unassigned);
        Assert.Equal(2, Assert.Single(releases).Files.Count);
        Assert.Equal(PublishMethod.Token, releases[0].Method);
        Assert.Equal("pypi:hp-normal-name", PyPIEvidenceMapper.ToHistory(index, new Dictionary<string, PyPIProvenanceReading>(), new Dictionary<string, PyPIPageVerdict>()).Package.ToString());
    }

    [Fact]
    public void Release_PageWithUnexpectedMarkup_IsUnknownNeverToken()
    {
        const string sdist = "pkg-1.0.tar.gz";
        var html = ReleasePage("pkg", "1.0", [FileBlock(sdist, "<li><strong>Published via Trusted Publishing?</strong> No</li>")]);
        var page = PyPIReleasePageParser.Read(Bytes(html), [sdist]);
        var file = new PyPIFile(sdist, "1.0", PyPIDistributionKind.Sdist, Epoch, false, null, null, 1);

        var evidence = PyPIEvidenceMapper.File(file, null, page.VerdictFor(sdist));
        Assert.Equal(PublishMethod.Unknown, evidence.Method);
        Assert.Null(evidence.EvidenceError);
        Assert.Contains("has no \"Uploaded using Trusted Publishing?\"", evidence.Note);

        var release = PyPIEvidenceMapper.Release("1.0", [evidence]);
        Assert.Equal(PublishMethod.Unknown, release.Method);
        var evaluation = Evaluate([release]);
        Assert.Equal(ComplianceStatus.Unknown, evaluation.Status);
        Assert.Contains(evaluation.Findings, f => f.Kind == FindingKinds.NoEvidence);
        Assert.DoesNotContain(evaluation.Findings, f => f.Kind == FindingKinds.NeverTrusted);
    }

    [Fact]
    public void Release_UnknownFile_NeitherWeakensNorStrengthens()
    {
        var release = Single("pkg", new Upload("pkg-1.0.tar.gz", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")), new Upload("pkg-1.0-py3-none-any.whl", "1.0", 1));
        Assert.Equal(PublishMethod.TrustedPublisher, release.Method);
        Assert.False(release.Provenance);
        Assert.Equal(PublishMethod.Unknown, release.Files[1].Method);
    }

    [Fact]
    public void Release_UnreadableProvenance_IsAnEvidenceErrorOnThatFileNeverToken()
    {
        var release = Single("pkg",
            new Upload("pkg-1.0.tar.gz", "1.0", 0, ProvenanceBody: "{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"GitHub\",\"repository\":5},\"attestations\":[]}]}", Page: "No"),
            new Upload("pkg-1.0-py3-none-any.whl", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")));

        Assert.Equal(PublishMethod.Unknown, release.Files.Single(f => f.Filename == "pkg-1.0.tar.gz").Method);
        Assert.Equal(PublishMethod.TrustedPublisher, release.Method);
        Assert.Equal("pkg-1.0.tar.gz: its provenance document could not be read: attestation_bundles[0]'s publisher 'repository' is a number, not a string", release.EvidenceError);
        var version = PyPIEvidenceMapper.ToVersionEvidence(release);
        Assert.Equal(release.EvidenceError, version.EvidenceError);
        Assert.Contains(Evaluate([release]).Findings, f => f.Kind == FindingKinds.EvidenceError && f.Version == "1.0");
    }

    [Fact]
    public void Release_FilesFromDifferentPublishers_SaysSo()
    {
        var release = Single("pkg",
            new Upload("pkg-1.0.tar.gz", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.0-py3-none-any.whl", "1.0", 2, GitHub("mallory/widgets", "release.yml", "pypi")));

        Assert.Equal(Acme, release.Publisher);
        Assert.Equal("its files were uploaded by different trusted publishers: github acme/widgets release.yml [pypi] (pkg-1.0.tar.gz); " +
            "github mallory/widgets release.yml [pypi] (pkg-1.0-py3-none-any.whl)", release.PublisherConflict);
        Assert.Contains(release.PublisherConflict!, PyPIEvidenceMapper.ToVersionEvidence(release).EvidenceError);
    }

    [Fact]
    public void Releases_VersionWithoutFiles_IsUnknownWithoutTime()
    {
        var index = new PyPISimpleIndex("pkg", "1.4", null, ["0.1", "1.0"],
            [new PyPIFile("pkg-1.0.tar.gz", "1.0", PyPIDistributionKind.Sdist, Epoch, false, null, null, 1)], []);
        var releases = PyPIEvidenceMapper.Releases(index, PyPIEvidenceMapper.Files(index, new Dictionary<string, PyPIProvenanceReading>(),
            new Dictionary<string, PyPIPageVerdict> { ["pkg-1.0.tar.gz"] = new("pkg-1.0.tar.gz", PyPITrustedPublishingAnswer.No, null, null) }));

        Assert.Equal(["0.1", "1.0"], releases.Select(r => r.Version));
        Assert.Equal((PublishMethod.Unknown, (DateTimeOffset?)null, false), (releases[0].Method, releases[0].PublishedAt, releases[0].Provenance));
        Assert.Equal(PublishMethod.Token, releases[1].Method);
    }

    [Fact]
    public void Release_PublishedAt_IsTheEarliestUpload()
    {
        var release = Single("pkg", new Upload("pkg-1.0-py3-none-any.whl", "1.0", 7, Page: "No"), new Upload("pkg-1.0.tar.gz", "1.0", 3, Page: "No"));
        Assert.Equal(Epoch.AddDays(3), release.PublishedAt);
        Assert.Equal(Epoch.AddDays(3), PyPIEvidenceMapper.ToVersionEvidence(release).PublishedAt);
    }

    // ---- the existing rules over PyPI evidence ----

    [Fact]
    public void Evaluate_AttestedThenToken_FindsTheTrustDowngrade()
    {
        var (_, releases) = Run("pkg",
            new Upload("pkg-1.0.tar.gz", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.0-py3-none-any.whl", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.1.tar.gz", "1.1", 10, Page: "No"),
            new Upload("pkg-1.1-py3-none-any.whl", "1.1", 10, Page: "No"));

        var evaluation = Evaluate(releases);

        var downgrade = Assert.Single(evaluation.Findings, f => f.Kind == FindingKinds.TrustDowngrade);
        Assert.Equal("1.1", downgrade.Version);
        Assert.Contains("1.1 was published with a token after 1.0 was published with a trusted publisher (OIDC)", downgrade.Message);
        Assert.Equal(ComplianceStatus.NonCompliant, evaluation.Status);
        Assert.Equal(PublishMethod.Token, evaluation.LatestMethod);
    }

    [Fact]
    public void Evaluate_WheelAddedWithATokenToAnAttestedRelease_IsADowngradeOnThatRelease()
    {
        var (_, releases) = Run("pkg",
            new Upload("pkg-1.0.tar.gz", "1.0", 0, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.1.tar.gz", "1.1", 10, GitHub("acme/widgets", "release.yml", "pypi")),
            new Upload("pkg-1.1-cp312-cp312-win_amd64.whl", "1.1", 20, Page: "No"));

        var downgrade = Assert.Single(Evaluate(releases).Findings, f => f.Kind == FindingKinds.TrustDowngrade);
        Assert.Equal("1.1", downgrade.Version);
    }
}
