using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Testing;
using Microsoft.Playwright;

namespace Claims.Sandbox.Tests.Browser;

/// <summary>
/// The service as a real process on a loopback port, over a copy of the small test datasets, and Debian's Chromium
/// driven by Playwright (no browser is downloaded: test.sh installs the chromium package). Every request any page
/// makes is recorded, so a test can show that the pages reach nothing outside the service. Screenshots go to
/// TestResults/screenshots, which CI keeps.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly TempDirectory _data = SandboxData.NewDataDir();
    private Process? _service;
    private IPlaywright? _playwright;

    public string BaseUrl { get; } = $"http://127.0.0.1:{ServiceProcess.FreePort()}";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Every URL a page of this fixture asked for.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static string Screenshots => Path.Combine(RepoPaths.Root, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"no browser at {Chromium}: the test command installs Debian's chromium");
        _service = ServiceProcess.Start(new Dictionary<string, string>(SandboxData.Environment(_data.Path)) { ["ASPNETCORE_URLS"] = BaseUrl });
        using (var client = new HttpClient { BaseAddress = new Uri(BaseUrl) })
            await ServiceProcess.WaitForHealth(client);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>
    /// A fresh browser profile (no key stored) on the service's front page, its requests recorded; a 640-pixel
    /// viewport at scale 2 is a 1280-pixel screen zoomed to 200%.
    /// </summary>
    public async Task<IPage> NewPage(int width = 1280, int height = 900, float scale = 1)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, Locale = "ja-JP", ViewportSize = new() { Width = width, Height = height }, DeviceScaleFactor = scale,
        });
        var page = await context.NewPageAsync();
        page.Request += (_, request) => Requests.Enqueue(request.Url);
        await page.GotoAsync("/");
        return page;
    }

    /// <summary>A new user of <paramref name="role"/> made through the admin API; their key.</summary>
    public async Task<string> NewUser(string role)
    {
        using var admin = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", SandboxData.AdminKey);
        var response = await admin.PostAsJsonAsync("/api/users", new { name = $"a {role}", role });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        _service?.Kill(entireProcessTree: true);
        _service?.Dispose();
        _data.Dispose();
    }
}
