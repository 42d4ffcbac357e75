using Claims.Engine.Schema;

namespace Claims.Engine.Storage;

/// <summary>
/// A row group being filled for one table: one array per column, sized for <see cref="Capacity"/> rows. Fill the
/// first <see cref="Count"/> rows, hand it to a <see cref="PartitionWriter"/>, then <see cref="Clear"/> and reuse it.
/// </summary>
public sealed class RowBatch
{
    private readonly Array[] _values;
    private readonly bool[]?[] _nulls;

    public RowBatch(TableSchema table, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Table = table;
        Capacity = capacity;
        _values = new Array[table.Columns.Count];
        _nulls = new bool[]?[table.Columns.Count];
        for (var i = 0; i < _values.Length; i++)
        {
            var type = table.Columns[i].Type;
            _values[i] = type.IsDictionary()
                ? new string?[capacity]
                : Array.CreateInstance(type.StorageType(), capacity * (type == LogicalType.Hash ? type.Width() : 1));
        }
    }

    public TableSchema Table { get; }
    public int Capacity { get; }

    private int _count;

    public int Count
    {
        get => _count;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Capacity);
            _count = value;
        }
    }

    /// <summary>The values of a fixed-width column; <typeparamref name="T"/> must be its storage type (bool, sbyte, short, int, long, float).</summary>
    public T[] Values<T>(string column) where T : unmanaged => Values<T>(Table.IndexOf(column));

    public T[] Values<T>(int column) where T : unmanaged =>
        Table.Columns[column].Type is var type && !type.IsDictionary() && type != LogicalType.Hash && type.StorageType() == typeof(T)
            ? (T[])_values[column]
            : throw new SchemaException($"column {Table.Columns[column]} is {Table.Columns[column].Type.Name()}, not {typeof(T).Name} values");

    /// <summary>The values of a code or string column; a null entry is a null value.</summary>
    public string?[] Strings(string column) => Strings(Table.IndexOf(column));

    public string?[] Strings(int column) =>
        _values[column] as string?[] ?? throw new SchemaException($"column {Table.Columns[column]} is {Table.Columns[column].Type.Name()}, not a string column");

    /// <summary>The bytes of a hash column: 32 a row.</summary>
    public byte[] Hashes(string column) => Hashes(Table.IndexOf(column));

    public byte[] Hashes(int column) =>
        Table.Columns[column].Type == LogicalType.Hash
            ? (byte[])_values[column]
            : throw new SchemaException($"column {Table.Columns[column]} is {Table.Columns[column].Type.Name()}, not a hash column");

    /// <summary>Null flags (true = null) of a nullable fixed-width or hash column, allocated on first use.</summary>
    public bool[] Nulls(string column) => Nulls(Table.IndexOf(column));

    public bool[] Nulls(int column)
    {
        var schema = Table.Columns[column];
        if (!schema.Nullable) throw new SchemaException($"column {schema} is not nullable");
        if (schema.Type.IsDictionary()) throw new SchemaException($"column {schema} marks nulls as null strings");
        return _nulls[column] ??= new bool[Capacity];
    }

    internal Array RawValues(int column) => _values[column];

    internal ReadOnlySpan<bool> RawNulls(int column) =>
        _nulls[column] is { } nulls ? nulls.AsSpan(0, Count) : ReadOnlySpan<bool>.Empty;

    /// <summary>Empties the batch for reuse; null flags are reset, values are left to be overwritten.</summary>
    public void Clear()
    {
        _count = 0;
        foreach (var nulls in _nulls)
        {
            if (nulls is not null) Array.Clear(nulls);
        }
    }
}
