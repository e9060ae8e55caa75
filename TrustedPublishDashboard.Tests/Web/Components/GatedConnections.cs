using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Tests.Web.Components;

/// <summary>Opens connections only once <see cref="Open"/> completes: a page stays in its loading state until then.</summary>
internal sealed class GatedConnections(IDbConnectionFactory inner) : IDbConnectionFactory
{
    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Description => inner.Description;

    public async Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken ct)
    {
        await Open.Task.WaitAsync(ct);
        return await inner.OpenAsync(ct);
    }
}
