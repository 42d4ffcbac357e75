namespace Claims.Engine.Extracts;

/// <summary>The file format of an extract: one file per table, OUT/&lt;table&gt;.parquet, .arrow or .csv.</summary>
public enum ExtractFormat
{
    Parquet,
    Arrow,
    Csv,
}

public static class ExtractFormats
{
    public static IReadOnlyList<string> Names { get; } = ["parquet", "arrow", "csv"];

    public static ExtractFormat Parse(string name) => name switch
    {
        "parquet" => ExtractFormat.Parquet,
        "arrow" => ExtractFormat.Arrow,
        "csv" => ExtractFormat.Csv,
        _ => throw new ClaimsException($"unknown extract format '{name}' (formats: {string.Join(", ", Names)})"),
    };

    public static string Extension(this ExtractFormat format) => format switch
    {
        ExtractFormat.Parquet => ".parquet",
        ExtractFormat.Arrow => ".arrow",
        ExtractFormat.Csv => ".csv",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
