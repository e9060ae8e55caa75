using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Cli;

/// <summary>
/// <c>audit [--npm-registry URL] [--format json|table] [--concurrency N] [--use-database] npm:&lt;name&gt;...</c>: the evidence
/// engine headless, without a web server, and without a database unless <c>--use-database</c> asks for the dashboard's
/// finding acceptances. Exit 0 when every package is compliant, 1 otherwise, 2 on usage errors.
/// </summary>
public static class AuditCommand
{
    public const string Usage = """
        usage: TrustedPublishDashboard audit [--npm-registry URL] [--format json|table] [--concurrency N] [--use-database] npm:<name>...

          npm:<name>         a package to audit (a bare name means npm); scoped names as npm:@scope/name
          --npm-registry     registry base URL (default: Registries:Npm:BaseUrl, else `npm config get registry`)
          --format           table (default, for people) or json (one document on stdout)
          --concurrency      packages fetched at once, 1-64 (default 8)
          --use-database     findings accepted on the dashboard (ConnectionStrings:Dashboard) do not count; without it,
                             every finding counts. Each finding's state (open/accepted) is in the output either way.

        exit codes: 0 every package compliant (accepted findings do not count with --use-database), 1 otherwise,
                    2 usage or configuration error
        """;

    public sealed record Options(IReadOnlyList<PackageId> Packages, string? Registry, bool Json, int Concurrency)
    {
        /// <summary>Read finding acceptances from the dashboard's database (--use-database).</summary>
        public bool UseDatabase { get; init; }
    }

    /// <summary>Parses the arguments; an error is a message for stderr.</summary>
    public static (Options? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var packages = new List<PackageId>();
        string? registry = null;
        var json = false;
        var concurrency = 8;
        var useDatabase = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is var eq and > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            string Value()
            {
                if (inline is not null) return inline;
                if (i + 1 >= args.Count) throw new ArgumentException($"{arg} needs a value");
                return args[++i];
            }
            try
            {
                switch (arg)
                {
                    case "-h" or "--help":
                        return (null, "");
                    case "--npm-registry":
                        registry = Value();
                        NpmRegistryLocator.Parse(registry, "--npm-registry");
                        break;
                    case "--format":
                        var format = Value();
                        json = format switch
                        {
                            "json" => true,
                            "table" => false,
                            _ => throw new ArgumentException($"--format must be json or table, not '{format}'"),
                        };
                        break;
                    case "--use-database":
                        if (inline is not null) throw new ArgumentException("--use-database takes no value");
                        useDatabase = true;
                        break;
                    case "--concurrency":
                        var text = Value();
                        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out concurrency) || concurrency is < 1 or > 64)
                            throw new ArgumentException($"--concurrency must be a whole number from 1 to 64, not '{text}'");
                        break;
                    default:
                        if (arg.StartsWith('-')) throw new ArgumentException($"unknown option '{arg}'");
                        var spec = PackageSpecParser.ParseLine(0, arg);
                        if (spec.Package is null) throw new ArgumentException($"'{arg}': {spec.Error}");
                        if (spec.Package.Registry != Domain.Registry.Npm)
                            throw new ArgumentException($"'{arg}': audit reads npm packages only for now");
                        if (!packages.Contains(spec.Package)) packages.Add(spec.Package);
                        break;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or RegistryConfigurationException)
            {
                return (null, ex.Message);
            }
        }
        if (packages.Count == 0) return (null, "name at least one package, e.g. npm:left-pad");
        return (new Options(packages, registry, json, concurrency) { UseDatabase = useDatabase }, null);
    }

    public sealed record PackageResult(PackageId Package, PackageEvaluation? Evaluation, PackageHistory? History, string? Error)
    {
        public ComplianceStatus Status => Evaluation?.Status ?? ComplianceStatus.Error;

        /// <summary>What could not be read although the package was (attestation documents left unfetched, and why).</summary>
        public IReadOnlyList<string> Warnings { get; init; } = [];
    }

    /// <param name="configure">Extra configuration sources after appsettings.json and the environment (tests use it).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool colour, CancellationToken ct,
        Action<IConfigurationBuilder>? configure = null)
    {
        var (options, error) = Parse(args);
        if (options is null)
        {
            // An empty error is --help: asked for, so on stdout.
            if (error is not { Length: > 0 })
            {
                await stdout.WriteLineAsync(Usage);
                return 0;
            }
            await stderr.WriteLineAsync("audit: " + error);
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        // The app's services (CliHost); audit uses the registry stack, and the database only with --use-database.
        await using var services = CliHost.Build(configure);
        if (options.UseDatabase)
        {
            try
            {
                await services.GetRequiredService<Data.MigrationRunner>().ApplyAsync(ct);
            }
            catch (Data.StartupConfigurationException ex)
            {
                await stderr.WriteLineAsync("audit: --use-database: " + ex.Message);
                return 2;
            }
        }
        var locator = services.GetRequiredService<NpmRegistryLocator>();
        locator.Override = options.Registry;
        try
        {
            await locator.GetBaseUrlAsync(ct);
        }
        catch (RegistryConfigurationException ex)
        {
            await stderr.WriteLineAsync("audit: " + ex.Message);
            return 2;
        }

        var client = services.GetRequiredService<NpmRegistryClient>();
        var stats = new FetchStats();
        var results = new PackageResult[options.Packages.Count];
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var done = 0;
        var showProgress = options.Packages.Count > 1;
        var gate = new object();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Packages.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct }, async (index, token) =>
            {
                results[index] = await AuditOneAsync(client, options.Packages[index], stats, token);
                var finished = Interlocked.Increment(ref done);
                if (!showProgress) return;
                lock (gate)
                {
                    if (clock.Elapsed - lastReport < TimeSpan.FromSeconds(1) && finished != options.Packages.Count) return;
                    lastReport = clock.Elapsed;
                    stderr.WriteLine($"audit: {finished}/{options.Packages.Count} package(s), {stats.Requests} request(s), {stats.Bytes / 1024.0 / 1024.0:0.0} MB, {clock.Elapsed.TotalSeconds:0.0} s");
                }
            });

        if (options.UseDatabase)
        {
            // Accepted state comes from the dashboard: re-evaluate each read package under its acceptances there.
            var acceptances = services.GetRequiredService<Data.FindingAcceptanceRepository>();
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i].History is not { } history) continue;
                var accepted = await acceptances.ActiveAsync(history.Package, ct);
                results[i] = results[i] with { Evaluation = EvidenceRules.Evaluate(history, accepted, now) };
            }
        }

        if (options.Json) WriteJson(stdout, results);
        else WriteTable(stdout, results, colour);
        await stdout.FlushAsync(ct);
        return results.All(r => r.Status == ComplianceStatus.Compliant) ? 0 : 1;
    }

    private static async Task<PackageResult> AuditOneAsync(NpmRegistryClient client, PackageId package, FetchStats stats, CancellationToken ct)
    {
        var fetch = await client.FetchAsync(package, FetchContext.Fresh(stats), ct);
        return fetch switch
        {
            RegistryFetch.Fetched f => new PackageResult(package, EvidenceRules.Evaluate(f.History, FindingAudience.Cli), f.History, null) { Warnings = f.AttestationProblems },
            RegistryFetch.Failed failed => new PackageResult(package, null, null, failed.Error),
            _ => new PackageResult(package, null, null, "unexpected response"),
        };
    }

    public static void WriteJson(TextWriter stdout, IReadOnlyList<PackageResult> results)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("packages");
            foreach (var r in results)
            {
                json.WriteStartObject();
                json.WriteString("registry", r.Package.Registry.Code());
                json.WriteString("name", r.Package.Name);
                json.WriteString("status", r.Status.Code());
                if (r.Error is null) json.WriteNull("error"); else json.WriteString("error", r.Error);
                json.WriteStartArray("versions");
                foreach (var v in r.History is null ? [] : EvidenceRules.ByPublishTime(r.History.Versions))
                {
                    json.WriteStartObject();
                    json.WriteString("version", v.Version);
                    if (v.PublishedAt is { } t) json.WriteString("publishedAt", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                    else json.WriteNull("publishedAt");
                    json.WriteString("method", v.Method.Code());
                    json.WriteBoolean("provenance", v.Provenance);
                    if (v.Publisher is { } p)
                    {
                        json.WriteStartObject("publisher");
                        json.WriteString("provider", p.Provider);
                        WriteNullable(json, "repository", p.Repository);
                        WriteNullable(json, "workflow", p.Workflow);
                        WriteNullable(json, "ref", p.Ref);
                        WriteNullable(json, "environment", p.Environment);
                        WriteNullable(json, "trigger", p.Trigger);
                        WriteNullable(json, "configId", p.ConfigId);
                        json.WriteEndObject();
                    }
                    else
                    {
                        json.WriteNull("publisher");
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("findings");
                foreach (var t in r.Evaluation?.Triaged ?? [])
                {
                    json.WriteStartObject();
                    json.WriteString("kind", t.Finding.Kind);
                    WriteNullable(json, "version", t.Finding.Version);
                    json.WriteString("message", t.Finding.Message);
                    json.WriteString("state", t.State.State());
                    if (t.Acceptance is { } a)
                    {
                        json.WriteStartObject("acceptance");
                        json.WriteString("reasonKind", a.Reason.Code());
                        json.WriteString("reason", a.Note);
                        json.WriteString("acceptedBy", a.AcceptedBy);
                        json.WriteString("acceptedAt", Data.DbTime.ToText(a.AcceptedAt));
                        WriteNullable(json, "expiresAt", a.ExpiresAt is { } e ? Data.DbTime.ToText(e) : null);
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("warnings");
                foreach (var w in r.Warnings) json.WriteStringValue(w);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name); else json.WriteString(name, value);
    }

    public static void WriteTable(TextWriter stdout, IReadOnlyList<PackageResult> results, bool colour)
    {
        string Paint(string text, ComplianceStatus status) => !colour ? text : status switch
        {
            ComplianceStatus.Compliant => $"\u001b[32m{text}\u001b[0m",
            ComplianceStatus.NonCompliant => $"\u001b[31m{text}\u001b[0m",
            ComplianceStatus.Error => $"\u001b[33m{text}\u001b[0m",
            _ => $"\u001b[90m{text}\u001b[0m",
        };
        var nameWidth = Math.Max(7, results.Max(r => r.Package.ToString().Length));
        stdout.WriteLine($"{"PACKAGE".PadRight(nameWidth)}  {"STATUS",-13}  {"LATEST",-14}  {"METHOD",-21}  FINDINGS");
        foreach (var r in results)
        {
            var status = r.Status.Code().PadRight(13);
            var accepted = r.Evaluation?.AcceptedCount ?? 0;
            var findings = (r.Evaluation?.OpenFindings.Count ?? 0).ToString(CultureInfo.InvariantCulture) + (accepted > 0 ? $" (+{accepted} accepted)" : "");
            stdout.WriteLine($"{r.Package.ToString().PadRight(nameWidth)}  {Paint(status, r.Status)}  {(r.Evaluation?.LatestVersion ?? "-"),-14}  {(r.Evaluation?.LatestMethod?.Code() ?? "-"),-21}  {findings}");
        }
        var notes = results.Where(r => r.Error is not null || r.Evaluation?.Findings.Count > 0 || r.Warnings.Count > 0).ToList();
        if (notes.Count == 0) return;
        stdout.WriteLine();
        foreach (var r in notes)
        {
            if (r.Error is not null) stdout.WriteLine($"{r.Package}: error: {r.Error}");
            foreach (var t in r.Evaluation?.Triaged ?? [])
            {
                var f = t.Finding;
                var state = t.Acceptance is { } a ? $" [accepted by {a.AcceptedBy}: {a.Reason.Describe()}]" : "";
                stdout.WriteLine($"{r.Package}: {f.Kind}{(f.Version is null ? "" : " " + f.Version)}{state}: {f.Message}");
            }
            foreach (var w in r.Warnings) stdout.WriteLine($"{r.Package}: warning: {w}");
        }
        var counts = results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.Code()}");
        stdout.WriteLine();
        stdout.WriteLine(string.Join(", ", counts));
    }
}
