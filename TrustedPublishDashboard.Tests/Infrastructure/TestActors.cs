using TrustedPublishDashboard.Auth;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>Acting users for service calls: who is recorded, and with which role.</summary>
public static class TestActors
{
    public static Actor Administrator(string name = "tester") => With(name, Actor.AdministratorRole);

    public static Actor Maintainer(string name = "maintainer") => With(name, Actor.MaintainerRole);

    public static Actor Viewer(string name = "viewer") => With(name, Actor.ViewerRole);

    private static Actor With(string name, string role) => new(name, new HashSet<string>(StringComparer.Ordinal) { role });
}
