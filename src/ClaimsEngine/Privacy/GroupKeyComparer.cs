using System.Collections;

namespace Claims.Engine.Privacy;

/// <summary>Group keys (a result row's leading values) compared by value, so rows of two queries grouped alike can be matched.</summary>
internal sealed class GroupKeyComparer : IEqualityComparer<object?[]>
{
    public static readonly GroupKeyComparer Instance = new();

    public bool Equals(object?[]? x, object?[]? y) => StructuralComparisons.StructuralEqualityComparer.Equals(x, y);

    public int GetHashCode(object?[] key) => StructuralComparisons.StructuralEqualityComparer.GetHashCode(key);
}
