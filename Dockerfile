# syntax=docker/dockerfile:1
# Build: self-contained linux-x64 publish (the same command test.sh runs and smoke-tests).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props TrustedPublishDashboard.sln appsettings.json ./
COPY TrustedPublishDashboard/TrustedPublishDashboard.csproj TrustedPublishDashboard/packages.lock.json TrustedPublishDashboard/
RUN dotnet restore TrustedPublishDashboard/TrustedPublishDashboard.csproj --locked-mode
COPY TrustedPublishDashboard/ TrustedPublishDashboard/
RUN dotnet publish TrustedPublishDashboard/TrustedPublishDashboard.csproj -c Release -o /app --no-restore

# Run: the small runtime-deps image (no .NET runtime needed: the publish is self-contained). .NET 10 ships no Debian
# images (no bookworm-slim, no trixie); its runtime-deps image is Ubuntu 24.04 "noble", which still has apt for curl.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble AS final
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown "$APP_UID" /data
WORKDIR /app
COPY --from=build --chown=root:root /app ./
USER $APP_UID
VOLUME ["/data"]
EXPOSE 8080
# Inside a container the app must listen on all interfaces. Without an identity provider it refuses to,
# unless you opt in (see README, "Run with Docker"): publish the port to the host's loopback only.
ENV ASPNETCORE_URLS=http://+:8080 \
    ConnectionStrings__Dashboard="Data Source=/data/dashboard.db" \
    DOTNET_gcServer=0
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["./TrustedPublishDashboard"]
