using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Onboarding.Generation;

/// <summary>How a publish job hands a package to npm: npm publishes the folder, or the manager packs and npm publishes the tarball.</summary>
public enum PackMode
{
    /// <summary>`npm publish` in the package's folder (npm runs prepublishOnly/prepare/prepack itself).</summary>
    NpmInFolder,
    /// <summary>`yarn pack` (berry rewrites `workspace:` ranges) then `npm publish &lt;tarball&gt;`.</summary>
    YarnPack,
    /// <summary>`bun pm pack` (rewrites `workspace:` ranges) then `npm publish &lt;tarball&gt;`.</summary>
    BunPack,
    /// <summary>`pnpm -r publish --filter …`: pnpm skips versions already on the registry and runs npm for the upload.</summary>
    PnpmRecursive,
}

/// <summary>
/// The commands of one package manager, one row each. npm always does the upload (and so the OIDC exchange): Yarn 1 and
/// Bun cannot publish with OIDC, pnpm hands the tarball to npm, and Yarn berry's own publish is not relied on.
/// </summary>
/// <param name="FrozenInstall">Install exactly the lock file, failing when it is out of date.</param>
/// <param name="Install">Without a lock file (nothing to freeze).</param>
/// <param name="Run">Runs a root script: `{0}` is the script name.</param>
/// <param name="BuildAll">Runs `build` in every workspace that has one, dependencies first where the manager can; null when it has no such command.</param>
/// <param name="Exec">Runs a locally installed binary (changeset, lerna).</param>
public sealed record PackageManagerCommands(
    PackageManager Manager,
    string FrozenInstall,
    string Install,
    string Run,
    string? BuildAll,
    string Exec,
    PackMode Pack)
{
    public static IReadOnlyDictionary<PackageManager, PackageManagerCommands> All { get; } = new Dictionary<PackageManager, PackageManagerCommands>
    {
        [PackageManager.Npm] = new(PackageManager.Npm, "npm ci", "npm install", "npm run {0}", "npm run build --workspaces --if-present", "npx", PackMode.NpmInFolder),
        [PackageManager.Pnpm] = new(PackageManager.Pnpm, "pnpm install --frozen-lockfile", "pnpm install --no-frozen-lockfile", "pnpm run {0}", "pnpm -r --if-present run build", "pnpm exec", PackMode.PnpmRecursive),
        [PackageManager.YarnBerry] = new(PackageManager.YarnBerry, "yarn install --immutable", "yarn install", "yarn run {0}", "yarn workspaces foreach --all --topological run build", "yarn", PackMode.YarnPack),
        [PackageManager.YarnClassic] = new(PackageManager.YarnClassic, "yarn install --frozen-lockfile", "yarn install", "yarn run {0}", null, "yarn", PackMode.NpmInFolder),
        [PackageManager.Bun] = new(PackageManager.Bun, "bun install --frozen-lockfile", "bun install", "bun run {0}", "bun run --filter '*' build", "bunx", PackMode.BunPack),
    };

    public static PackageManagerCommands For(PackageManager manager) => All[manager];
}
