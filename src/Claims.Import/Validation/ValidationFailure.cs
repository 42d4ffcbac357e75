namespace Claims.Import.Validation;

/// <summary>One failed check, where it failed: file:line: rule: what is wrong.</summary>
internal sealed record ValidationFailure(string File, int Line, ValidationRule Rule, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Rule.Name()}: {Message}";
}
