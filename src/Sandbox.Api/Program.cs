using Claims.Sandbox.Audit;
using Claims.Sandbox.Catalog;
using Claims.Sandbox.Dashboards;
using Claims.Sandbox.Datasets;
using Claims.Sandbox.Extracts;
using Claims.Sandbox.Health;
using Claims.Sandbox.Hosting;
using Claims.Sandbox.Identity;
using Claims.Sandbox.Jobs;
using Claims.Sandbox.Models;
using Claims.Sandbox.OpenApi;
using Claims.Sandbox.Projects;
using Claims.Sandbox.Sql;

// The content root is the build output, which holds appsettings.json and wwwroot, so the service finds its front
// page whatever folder it is started from (the data folder stays relative to the working folder).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.UseDefaultUrl(DefaultUrl.Address);
builder.AddSandbox();

var app = builder.Build();
app.StartSandbox();
app.MapApiReference();
app.MapHealthApi();
app.MapCatalogApi();
app.MapDatasetsApi();
app.MapTablesApi();
app.MapSqlApi();
app.MapDashboardsApi();
app.MapIndicatorsApi();
app.MapIdentityApi();
app.MapAuditApi();
app.MapProjectsApi();
app.MapExtractsApi();
app.MapModelsApi();
app.MapJobsApi();
app.Run();

/// <summary>Visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
