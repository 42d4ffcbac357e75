using Claims.Sandbox.Catalog;

namespace Claims.Sandbox.Datasets;

/// <summary>
/// GET /api/datasets/{ds}/schema: the catalogue, or with ?search= only the matching codes (the whole catalogue is
/// large, and a search is a look-up while writing a query).
/// </summary>
public sealed record DatasetSchema(string Dataset, SchemaCatalog? Schema, CodeMatches? Search);
