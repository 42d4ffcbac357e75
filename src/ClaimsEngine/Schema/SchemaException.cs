namespace Claims.Engine.Schema;

/// <summary>The schema files are invalid, or a caller named a table, column, enum or master the schema lacks.</summary>
public sealed class SchemaException(string message) : ClaimsException(message);
