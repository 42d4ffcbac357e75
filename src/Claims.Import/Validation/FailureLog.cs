using Claims.Engine;

namespace Claims.Import.Validation;

/// <summary>
/// Every failure of an import, counted per rule and listed up to a limit (the counts stay complete at any size);
/// under --strict the first one stops the import instead.
/// </summary>
internal sealed class FailureLog(bool strict)
{
    /// <summary>Failures listed one by one in the report.</summary>
    private const int Listed = 1000;

    private readonly Dictionary<string, int> _byRule = Enum.GetValues<ValidationRule>().ToDictionary(r => r.Name(), _ => 0);
    private readonly List<string> _listed = [];

    public IReadOnlyDictionary<string, int> ByRule => _byRule;
    public IReadOnlyList<string> Failures => _listed;

    public void Add(IReadOnlyList<ValidationFailure> failures)
    {
        if (failures.Count == 0) return;
        if (strict) throw new ClaimsException($"{failures[0]} (--strict: nothing was imported)");
        foreach (var failure in failures)
        {
            _byRule[failure.Rule.Name()]++;
            if (_listed.Count < Listed) _listed.Add(failure.ToString());
        }
    }
}
