namespace TrustedPublishDashboard.Data;

/// <summary>
/// The app cannot start with the configuration or database it was given. The message names the setting or
/// the state and says what to do; <c>Program.Main</c> prints it to stderr and exits with code 2.
/// </summary>
public sealed class StartupConfigurationException(string message) : Exception(message);
