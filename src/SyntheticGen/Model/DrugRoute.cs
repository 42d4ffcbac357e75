namespace Claims.SyntheticGen.Model;

/// <summary>How a drug of clinical.json is given (its route), which decides how a line bills it.</summary>
public enum DrugRoute
{
    Oral,
    Topical,
    Injection,
    Inhaled,
}
