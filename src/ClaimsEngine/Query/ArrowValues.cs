using Apache.Arrow;
using Apache.Arrow.Types;

namespace Claims.Engine.Query;

/// <summary>
/// A result batch's cells as plain .NET values and its column types in the schema's words, so the command line
/// and the service print the same values whatever Arrow array holds them.
/// </summary>
public static class ArrowValues
{
    public static object? Value(IArrowArray array, int row) => array.IsNull(row)
        ? null
        : array switch
        {
            StringArray s => s.GetString(row),
            DoubleArray d => d.GetValue(row),
            Int64Array i => i.GetValue(row),
            Date32Array date => date.GetDateOnly(row),
            BooleanArray b => b.GetValue(row),
            _ => throw new InvalidOperationException(array.GetType().Name),
        };

    public static string TypeName(IArrowType type) => type.TypeId switch
    {
        ArrowTypeId.String => "string",
        ArrowTypeId.Double => "double",
        ArrowTypeId.Int64 => "int64",
        ArrowTypeId.Date32 => "date",
        ArrowTypeId.Boolean => "bool",
        _ => type.Name,
    };
}
