using System.Net;
using System.Net.Http.Json;
using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Tests;

/// <summary>
/// No statement reaches a file, not even the ones DuckDB itself allows with external access off (the database
/// file, its WAL, its spill folder), and none shows the server's paths: each is refused with a 400 whose body
/// holds neither the file's contents nor the data folder.
/// </summary>
[Collection(SqlCollection.Name)]
public class SqlFileAccessTests(SqlFactory service)
{
    [Theory]
    [InlineData("SELECT * FROM read_blob('{db}')")]
    [InlineData("SELECT * FROM read_text('{db}')")]
    [InlineData("SELECT * FROM read_csv('{db}')")]
    [InlineData("SELECT * FROM read_csv_auto('{db}')")]
    [InlineData("SELECT * FROM read_json('{db}')")]
    [InlineData("SELECT * FROM read_parquet('{db}')")]
    [InlineData("SELECT * FROM parquet_metadata('{db}')")]
    [InlineData("SELECT * FROM read_duckdb('{db}')")]
    [InlineData("SELECT * FROM sniff_csv('{db}')")]
    [InlineData("SELECT * FROM glob('{dir}/*')")]
    [InlineData("SELECT * FROM glob('{db}.tmp/*')")]
    [InlineData("SELECT count(*) FROM '{db}'")]
    [InlineData("SELECT count(*) FROM \"{db}\"")]
    [InlineData("FROM '{db}.wal'")]
    [InlineData("DESCRIBE '{db}'")]
    [InlineData("SUMMARIZE '{db}'")]
    [InlineData("SUMMARIZE SELECT * FROM read_blob('{db}')")]
    [InlineData("SELECT * FROM query('SELECT * FROM read_blob(''{db}'')')")]
    [InlineData("SELECT * FROM query_table('{db}')")]
    [InlineData("WITH t AS (FROM read_blob('{db}')) SELECT size FROM t")]
    [InlineData("SELECT (SELECT size FROM read_blob('{db}'))")]
    [InlineData("SELECT * FROM (VALUES (1)) v, LATERAL (FROM read_text('{db}'))")]
    [InlineData("SELECT 1 WHERE EXISTS (SELECT * FROM Read_Blob('{db}'))")]
    [InlineData("SELECT * FROM \"read_blob\"('{db}')")]
    [InlineData("SELECT 1 UNION ALL SELECT size FROM read_blob('{db}')")]
    public async Task No_statement_reads_a_file_not_even_the_database_itself(string sql) => await Refused(sql);

    [Theory]
    [InlineData("SELECT * FROM duckdb_settings()")]
    [InlineData("SELECT * FROM DUCKDB_SETTINGS()")]
    [InlineData("SELECT * FROM duckdb_databases()")]
    [InlineData("SELECT * FROM duckdb_databases")]
    [InlineData("SELECT * FROM \"duckdb_databases\"")]
    [InlineData("SELECT * FROM system.main.duckdb_databases")]
    [InlineData("SELECT * FROM pragma_database_list")]
    [InlineData("SELECT * FROM pragma_database_list()")]
    [InlineData("SELECT current_setting('temp_directory')")]
    [InlineData("SELECT \"current_setting\"('temp_directory')")]
    [InlineData("SELECT * FROM duckdb_temporary_files()")]
    [InlineData("SELECT * FROM duckdb_extensions()")]
    [InlineData("SELECT * FROM duckdb_secrets()")]
    [InlineData("SELECT getenv('HOME')")]
    [InlineData("SELECT * FROM receipts WHERE current_setting('temp_directory') IS NOT NULL")]
    public async Task Nothing_shows_the_servers_paths_or_settings(string sql) => await Refused(sql);

    [Theory]
    [InlineData("SELECT count(*) FROM duckdb_tables()")]
    [InlineData("SELECT count(*) FROM duckdb_columns")]
    [InlineData("SELECT count(*) FROM information_schema.columns")]
    [InlineData("SELECT count(*) FROM pragma_table_info('receipts')")]
    [InlineData("DESCRIBE receipts")]
    [InlineData("SHOW TABLES")]
    [InlineData("SUMMARIZE SELECT sex FROM receipts")]
    [InlineData("SELECT count(*) FROM generate_series(1, 10)")]
    [InlineData("SELECT * FROM unnest([1, 2])")]
    public async Task The_catalogue_and_generated_rows_stay_open(string sql)
    {
        var response = await Post(sql);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(service.DataDir, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> Post(string sql) =>
        await (await service.Factory.As(Roles.Explorer)).PostAsJsonAsync("/api/datasets/synthetic/sql", new { sql });

    private async Task Refused(string sql)
    {
        var response = await Post(sql.Replace("{db}", service.DatabasePath).Replace("{dir}", Path.GetDirectoryName(service.DatabasePath)));
        await response.AssertProblem(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("DUCK", body);
        Assert.DoesNotContain(service.DataDir, body);
    }
}
