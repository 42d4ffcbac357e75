namespace Claims.SyntheticGen;

/// <summary>The steps of a generation, in the order they run, so a caller can say where minutes go.</summary>
public enum GenerateStep
{
    /// <summary>The pilot that calibrates utilisation, on up to 20,000 persons.</summary>
    Calibrating,
    Persons,
    /// <summary>The population table written and the dataset committed.</summary>
    Committing,
    /// <summary>The linker filling patient_id, as a new generation of the dataset.</summary>
    Linking,
}

/// <summary>
/// Reported as each step begins and, for <see cref="GenerateStep.Persons"/>, after each chunk: persons done of all to
/// make (births included) and the rows written so far.
/// </summary>
public readonly record struct GenerateProgress(GenerateStep Step, long Done, long Total, long Rows);
