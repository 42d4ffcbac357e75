namespace Claims.Engine.Kernels;

/// <summary>How a predicate kernel combines its result with the selection bitmap already there.</summary>
public enum BitmapMode
{
    /// <summary>Overwrite: the first predicate of a conjunction, or a lone predicate.</summary>
    Write,

    /// <summary>AND into: each further predicate of a conjunction narrows the selection in place.</summary>
    And,

    /// <summary>OR into: each further predicate of a disjunction widens the selection in place.</summary>
    Or,
}
