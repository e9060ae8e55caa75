using System.Diagnostics;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// The running account of one discovery against its <see cref="DiscoveryLimits"/>: matching steps and brace
/// alternatives spent, wall time, and the caller's cancellation. Matching code charges it as it goes; crossing a
/// limit throws <see cref="DiscoveryBudgetExceededException"/>, which only <see cref="WorkspaceDiscovery"/> catches.
/// </summary>
internal sealed class DiscoveryBudget(DiscoveryLimits limits, CancellationToken ct)
{
    // The clock and the token are looked at every this many steps: often enough that cancellation lands within
    // microseconds, rarely enough that reading them costs nothing next to the matching.
    private const long CheckEvery = 256;

    private readonly long _started = Stopwatch.GetTimestamp();
    private long _nextCheck = CheckEvery;
    private long _alternatives;

    /// <summary>No limits and no cancellation: single matches outside a discovery (and tests that count steps).</summary>
    public static DiscoveryBudget Unlimited() =>
        new(new DiscoveryLimits(int.MaxValue, int.MaxValue, int.MaxValue, long.MaxValue) { MaxDuration = TimeSpan.MaxValue }, CancellationToken.None);

    public DiscoveryLimits Limits => limits;

    public long Steps { get; private set; }

    /// <summary>Folders with a package.json the globs are matched against; named in the step-limit message.</summary>
    public int Folders { get; set; }

    public void Spend(long steps)
    {
        Steps += steps;
        if (Steps > limits.MaxMatchSteps)
        {
            throw new DiscoveryBudgetExceededException(DiscoveryFailure.TooManySteps,
                $"the workspace globs need more than {limits.MaxMatchSteps:N0} matching steps against {Folders:N0} folders with a package.json");
        }
        if (Steps >= _nextCheck)
        {
            _nextCheck = Steps + CheckEvery;
            Check();
        }
    }

    /// <summary>Charges one pattern's brace alternatives before they are expanded, so a budget never gets materialised past its limit.</summary>
    public void SpendAlternatives(long count)
    {
        _alternatives += count;
        if (_alternatives > limits.MaxBraceAlternatives)
        {
            throw new DiscoveryBudgetExceededException(DiscoveryFailure.TooManyAlternatives,
                $"the workspace patterns' {{a,b}} braces expand to more than {limits.MaxBraceAlternatives:N0} alternatives together");
        }
    }

    /// <summary>Throws when cancelled or out of time; called between units of work that are not matching steps.</summary>
    public void Check()
    {
        ct.ThrowIfCancellationRequested();
        if (limits.MaxDuration != TimeSpan.MaxValue && Stopwatch.GetElapsedTime(_started) > limits.MaxDuration)
        {
            throw new DiscoveryBudgetExceededException(DiscoveryFailure.TooSlow,
                $"workspace discovery took longer than {limits.MaxDuration.TotalSeconds:0.###} seconds");
        }
    }
}

/// <summary>A <see cref="DiscoveryLimits"/> limit was crossed; unwinds the matching loops and becomes a <see cref="DiscoveryFailure"/>.</summary>
internal sealed class DiscoveryBudgetExceededException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
