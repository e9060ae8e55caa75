using System.Text;
using System.Text.Json;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>The alerts an <see cref="AlertReceiver"/> path received, read from their JSON bodies, and their distinct idempotency keys.</summary>
public static class ReceivedAlerts
{
    public const string HookPath = "/hook";

    public sealed record Alert(string IdempotencyKey, string Kind, string Severity, string? Package, string? Version, string Body, bool SignatureValid);

    public static string HookUrl(this AlertReceiver receiver) => receiver.Url(HookPath.TrimStart('/'));

    public static IReadOnlyList<Alert> Alerts(this AlertReceiver receiver) => receiver.At(HookPath).Select(d =>
    {
        using var json = JsonDocument.Parse(d.Body);
        string? Str(string name) => json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new Alert(d.Header("Idempotency-Key"), Str("kind")!, Str("severity")!, Str("package"), Str("version"), Encoding.UTF8.GetString(d.Body), d.SignatureValid);
    }).ToList();

    public static IReadOnlyList<string> DistinctKeys(this AlertReceiver receiver) => receiver.Alerts().Select(a => a.IdempotencyKey).Distinct().ToList();
}
