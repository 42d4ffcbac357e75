using Claims.Sandbox.Catalog;
using Claims.Sandbox.Health;
using Claims.Sandbox.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.UseDefaultUrl("http://localhost:5080");
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.AddSingleton(Claims.Engine.Schema.ClaimsSchema.Default);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealthApi();
app.MapCatalogApi();
app.Run();

/// <summary>Visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
