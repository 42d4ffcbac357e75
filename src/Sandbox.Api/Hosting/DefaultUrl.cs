namespace Claims.Sandbox.Hosting;

public static class DefaultUrl
{
    /// <summary>Where the service serves when the deployment chose nothing.</summary>
    public const string Address = "http://localhost:5080";

    /// <summary>
    /// Serves on <paramref name="url"/> unless the deployment chose its URLs (ASPNETCORE_URLS, --urls or the
    /// "urls" setting), which always win.
    /// </summary>
    public static void UseDefaultUrl(this WebApplicationBuilder builder, string url)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
            builder.WebHost.UseUrls(url);
    }
}
