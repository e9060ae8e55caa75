namespace TrustedPublishDashboard.Onboarding.Generation;

/// <summary>
/// The trust probe a generated release workflow runs when started with `probe=true` (issue #12, the shared contract
/// `trusted-publish-dashboard/trust-probe/v1`). For each package it does what npm does before an OIDC publish: asks GitHub
/// for an ID token (audience `npm:&lt;registry host&gt;`) and POSTs it to the registry's exchange endpoint. 201 means a
/// trusted publisher matches this workflow (repository, file, environment), 404 that none does; the minted token is read
/// off the wire and dropped, never printed, stored or used. Plain Node ≥ 22 (built-in fetch), no dependencies.
/// </summary>
public static class TrustProbeScript
{
    public const string Schema = "trusted-publish-dashboard/trust-probe/v1";
    public const string BeginMarker = "----- BEGIN TRUST PROBE REPORT -----";
    public const string EndMarker = "----- END TRUST PROBE REPORT -----";
    public const string ReportFile = "trust-probe-report.json";
    public const string ArtifactName = "trust-probe-report";

    /// <summary>The heredoc delimiter that wraps the script inside the workflow's `run:` block.</summary>
    public const string HeredocDelimiter = "TRUST_PROBE_SCRIPT";

    /// <summary>Environment the script reads besides GitHub's own (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, GITHUB_*).</summary>
    public const string PackagesVariable = "TRUST_PROBE_PACKAGES";
    public const string WorkflowVariable = "TRUST_PROBE_WORKFLOW";
    public const string EnvironmentVariable = "TRUST_PROBE_ENVIRONMENT";
    public const string RegistryVariable = "TRUST_PROBE_REGISTRY";
    public const string OutputVariable = "TRUST_PROBE_OUTPUT";

    /// <summary>ES module source. Never contains a GitHub expression opener, so Actions passes it through untouched.</summary>
    public const string Source = """
        // Trust probe: for each package, asks the registry whether a trusted publisher matches this workflow run by doing
        // the OIDC token exchange npm does before a publish. It publishes nothing; a minted token is dropped unread.
        import { execFileSync } from 'node:child_process';
        import { readFileSync, writeFileSync } from 'node:fs';
        import { homedir } from 'node:os';
        import { join } from 'node:path';

        const SCHEMA = 'trusted-publish-dashboard/trust-probe/v1';
        const TIMEOUT_MS = 30000;

        function refuse(message) {
          console.error(`trust probe: ${message}`);
          process.exit(2);
        }

        // A token (NODE_AUTH_TOKEN or an .npmrc auth line) is used by npm instead of OIDC, so a probe next to one proves nothing.
        function hasAuthLine(file) {
          let text;
          try {
            text = readFileSync(file, 'utf8');
          } catch {
            return false;
          }
          return text.split(/\r?\n/).some((line) => /^\s*[^#;\s]*:?_(authToken|auth|password)\s*=/.test(line));
        }

        if (process.env.NODE_AUTH_TOKEN) {
          refuse('NODE_AUTH_TOKEN is set. npm would use that token instead of OIDC, so nothing would be proven; remove it from this job.');
        }
        const userConfig = process.env.NPM_CONFIG_USERCONFIG || process.env.npm_config_userconfig || join(homedir(), '.npmrc');
        for (const file of [join(process.cwd(), '.npmrc'), userConfig]) {
          if (hasAuthLine(file)) {
            refuse(`${file} holds an auth token. npm would use it instead of OIDC; remove it (and any setup-node registry-url) from this job.`);
          }
        }

        let packages;
        try {
          packages = JSON.parse(process.env.TRUST_PROBE_PACKAGES || '');
        } catch {
          packages = null;
        }
        if (!Array.isArray(packages) || packages.length === 0 || packages.some((p) => typeof p !== 'string' || p.length === 0)) {
          refuse('TRUST_PROBE_PACKAGES must be a JSON array of package names.');
        }

        let registry = process.env.TRUST_PROBE_REGISTRY || '';
        if (!registry) {
          try {
            registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
          } catch (error) {
            refuse(`could not read the registry with "npm config get registry": ${error.message}`);
          }
        }
        if (!registry.endsWith('/')) registry += '/';
        let audience;
        try {
          audience = `npm:${new URL(registry).host}`;
        } catch {
          refuse(`the registry "${registry}" is not a URL.`);
        }

        const requestUrl = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
        const requestToken = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
        if (!requestUrl || !requestToken) {
          refuse('GitHub offers no OIDC token to this job: it needs "permissions: id-token: write" (job level).');
        }

        function describe(error) {
          if (error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
          const code = error && ((error.cause && error.cause.code) || error.code);
          return code || (error && error.message) || String(error);
        }

        function messageOf(text, fallback) {
          try {
            const body = JSON.parse(text);
            const message = body && (body.message || body.error);
            if (typeof message === 'string' && message) return message.slice(0, 300);
          } catch {
            // not JSON: the text itself, shortened
          }
          return text.trim().slice(0, 300) || fallback;
        }

        // npm requests scoped packages as @scope%2fname.
        function escapedName(name) {
          return name.startsWith('@') ? name.replace('/', '%2f') : encodeURIComponent(name);
        }

        async function idToken() {
          const url = new URL(requestUrl);
          url.searchParams.set('audience', audience);
          const response = await fetch(url, {
            headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' },
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          if (!response.ok) throw new Error(`GitHub answered ${response.status} to the ID token request`);
          const body = await response.json();
          if (!body || typeof body.value !== 'string' || !body.value) throw new Error('GitHub returned no ID token');
          return body.value;
        }

        async function probe(name) {
          let token;
          try {
            token = await idToken();
          } catch (error) {
            return { package: name, status: null, error: `oidc: ${describe(error)}` };
          }
          try {
            const response = await fetch(`${registry}-/npm/v1/oidc/token/exchange/package/${escapedName(name)}`, {
              method: 'POST',
              headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
              signal: AbortSignal.timeout(TIMEOUT_MS),
            });
            // Read to the end so the connection is released; a 201 body holds a publish token and goes out of scope here.
            const text = await response.text();
            if (response.status === 201 || response.status === 404) return { package: name, status: response.status };
            const error = response.ok ? `unexpected ${response.status}` : messageOf(text, response.statusText || `HTTP ${response.status}`);
            return { package: name, status: response.status, error };
          } catch (error) {
            return { package: name, status: null, error: `network: ${describe(error)}` };
          }
        }

        const results = [];
        for (const name of packages) {
          results.push(await probe(name));
        }

        const repository = process.env.GITHUB_REPOSITORY || null;
        // npm checks the calling workflow's file name: report the one GitHub says is running.
        const ref = /\.github\/workflows\/([^@/]+)@/.exec(process.env.GITHUB_WORKFLOW_REF || '');
        const runUrl = repository && process.env.GITHUB_RUN_ID
          ? `${process.env.GITHUB_SERVER_URL || 'https://github.com'}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID}`
          : null;
        const report = {
          schema: SCHEMA,
          registry,
          repository,
          workflow: ref ? ref[1] : process.env.TRUST_PROBE_WORKFLOW || null,
          environment: process.env.TRUST_PROBE_ENVIRONMENT || null,
          runUrl,
          ranAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          results,
        };
        const json = JSON.stringify(report, null, 2);
        console.log('----- BEGIN TRUST PROBE REPORT -----');
        console.log(json);
        console.log('----- END TRUST PROBE REPORT -----');
        writeFileSync(process.env.TRUST_PROBE_OUTPUT || 'trust-probe-report.json', json + '\n');

        const count = (test) => results.filter(test).length;
        console.error(`trust probe: ${count((r) => r.status === 201)} matched (201), ${count((r) => r.status === 404)} not matched (404), ` +
          `${count((r) => r.status !== 201 && r.status !== 404)} unreadable, of ${results.length} package(s).`);
        """;
}
