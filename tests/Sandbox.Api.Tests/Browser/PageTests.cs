using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Claims.Sandbox.Tests.Browser;

/// <summary>
/// The front page in a real browser: a newcomer signs up and runs SQL, a query and a cohort; a policymaker opens the
/// indicators on the restricted data, changes a filter and sees the chart and the table change, with hidden figures
/// marked and no released count of 1 to 9; an analyst applies, an admin approves in the page, and the analyst
/// extracts and downloads; and no page asks anything of anyone but the service.
/// </summary>
public sealed class PageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task Screenshot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task A_newcomer_signs_up_in_the_page_and_runs_sql_a_query_and_a_cohort()
    {
        var page = await browser.NewPage();
        await Expect(page.Locator("#who")).ToContainTextAsync("no key");
        await page.FillAsync("#signup input[name=name]", "新人 研究者");
        await page.FillAsync("#signup input[name=email]", "newcomer@example.jp");
        await page.ClickAsync("#signup button");
        await Expect(page.Locator("#key-out")).ToContainTextAsync("clm_");
        await Expect(page.Locator("#who")).ToContainTextAsync("(explorer)");

        await page.ClickAsync("#sql button");
        await Expect(page.Locator("#sql-out table tbody tr").First).ToBeVisibleAsync();
        await page.ClickAsync("#query button");
        // The page asks for labels: the sex column reads as codes with their names.
        await Expect(page.Locator("#query-out table tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator("#query-out td", new() { HasText = "女" }).First).ToBeVisibleAsync();
        await page.ClickAsync("#cohort button");
        await Expect(page.Locator("#cohort-out table tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator(".problem")).ToHaveCountAsync(0);
        await Screenshot(page, "newcomer");
        AssertOnlyTheService();
    }

    [Fact]
    public async Task A_policymaker_changes_a_filter_and_the_chart_and_table_change_with_hidden_figures_marked()
    {
        var page = await browser.NewPage();
        await UseKey(page, await browser.NewUser("policymaker"), "policymaker");
        await Expect(page.Locator("#indicator-id option")).ToHaveCountAsync(8);

        // Guidance levels divide by examinees released like the numerators; the per-person indicators are withheld on
        // a generated restricted dataset, whose population is its roster.
        await page.SelectOptionAsync("#indicator-id", "guidance_levels");
        await page.SelectOptionAsync("#indicator select[name=dataset]", "restricted");
        await page.ClickAsync("#indicator button");
        var table = page.Locator("#indicator-out table");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(4 * 48);
        // The text the assertion below compares: textContent, not innerText (whose tabs would never match it).
        var before = await table.TextContentAsync() ?? "";
        var chartBefore = await Chart(page);
        AssertNoSmallCount(await Patients(page));
        Assert.True(await page.Locator("#indicator-out td.suppressed").CountAsync() > 0, "no hidden figure marked on 1,500 persons' prefectures");
        await Expect(page.Locator("#indicator-out td.suppressed").First).ToHaveTextAsync("x");
        await Screenshot(page, "policymaker-indicators");

        // Women in Tokyo, Osaka and Fukuoka: the table holds the nation and the three, each for every level.
        await page.SelectOptionAsync("#indicator select[name=sex]", "2");
        await page.FillAsync("#indicator input[name=prefecture]", "13,27,40");
        await page.ClickAsync("#indicator button");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(4 * 4);
        await Expect(table).Not.ToHaveTextAsync(before);
        await Expect(table).ToContainTextAsync("東京都");
        Assert.NotEqual(chartBefore, await Chart(page));
        AssertNoSmallCount(await Patients(page));
        await Screenshot(page, "policymaker-indicators-women");
        AssertOnlyTheService();
    }

    [Fact]
    public async Task An_analyst_applies_an_admin_approves_in_the_admin_page_and_the_analyst_extracts_and_downloads()
    {
        var analyst = await browser.NewPage();
        await UseKey(analyst, await browser.NewUser("analyst"), "analyst");
        const string title = "糖尿病の治療実態";
        await analyst.FillAsync("#apply input[name=title]", title);
        await analyst.FillAsync("#apply input[name=purpose]", "how type 2 diabetes is treated");
        await analyst.FillAsync("#apply input[name=tables]", "receipts,diagnoses");
        await analyst.ClickAsync("#apply button");
        await Expect(analyst.Locator("#projects-out")).ToContainTextAsync("pending");
        var project = Regex.Match(await analyst.Locator("#projects-out").InnerTextAsync(), @"p_[A-Za-z0-9_-]+").Value;
        Assert.NotEmpty(project);

        var admin = await browser.NewPage();
        await UseKey(admin, SandboxData.AdminKey, "admin");
        await admin.ClickAsync("#pending");
        await admin.ClickAsync($"button[aria-label='Approve {title}']");
        await Expect(admin.Locator("#admin-out li", new() { HasText = title })).ToContainTextAsync("approved");
        await Screenshot(admin, "admin-approvals");
        await admin.FillAsync("#new-user input[name=name]", "佐藤");
        await admin.SelectOptionAsync("#new-user select[name=role]", "policymaker");
        await admin.ClickAsync("#new-user button");
        await Expect(admin.Locator("#admin-out")).ToContainTextAsync("(policymaker) has the key clm_");

        await analyst.ClickAsync("#projects");
        await Expect(analyst.Locator("#projects-out td", new() { HasText = "approved" }).First).ToBeVisibleAsync();
        // Periods, datasets and budgets read as words, not as [object Object].
        await Expect(analyst.Locator("#projects-out")).Not.ToContainTextAsync("[object Object]");
        await Expect(analyst.Locator("#projects-out")).ToContainTextAsync("left");
        await analyst.FillAsync("#cohort textarea", Everyone);
        await analyst.FillAsync("#extract input[name=project]", project);
        await analyst.SelectOptionAsync("#extract select[name=dataset]", "restricted");
        await analyst.FillAsync("#extract input[name=tables]", "receipts,diagnoses");
        await analyst.SelectOptionAsync("#extract select[name=format]", "csv");
        await analyst.ClickAsync("#extract button");
        var link = analyst.Locator("#projects-out a", new() { HasText = "download extract-" });
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var download = await analyst.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename);
        using (var zip = ZipFile.OpenRead(await download.PathAsync()))
            Assert.Contains(zip.Entries, e => e.Name.StartsWith("receipts", StringComparison.Ordinal));
        await Screenshot(analyst, "analyst-extract");
        AssertOnlyTheService();
    }

    private const string Everyone = """{"name": "everyone with a claim", "entry": {"table": "receipts"}}""";

    private static async Task UseKey(IPage page, string key, string role)
    {
        await page.FillAsync("#use-key input[name=key]", key);
        await page.ClickAsync("#use-key button:text-is('Use')");
        await Expect(page.Locator("#who")).ToContainTextAsync($"({role})");
    }

    /// <summary>
    /// The bytes of the chart the page shows (a hash of the image its img element loaded): screenshots of a replaced
    /// image could catch the old one's last painted frame.
    /// </summary>
    private static async Task<string> Chart(IPage page) => await page.EvaluateAsync<string>("""
        async () => {
          const image = document.querySelector('#indicator-out img');
          const bytes = new Uint8Array(await (await fetch(image.src)).arrayBuffer());
          return bytes.length + ':' + bytes.reduce((h, b) => (h * 31 + b) >>> 0, 7);
        }
        """);

    /// <summary>The patients column of the indicator table, as shown.</summary>
    private static async Task<IReadOnlyList<string>> Patients(IPage page)
    {
        var headers = await page.Locator("#indicator-out table thead th").AllInnerTextsAsync();
        var column = headers.ToList().IndexOf("patients") + 1;
        Assert.True(column > 0, string.Join(",", headers));
        return await page.Locator($"#indicator-out table tbody tr td:nth-child({column})").AllInnerTextsAsync();
    }

    private static void AssertNoSmallCount(IReadOnlyList<string> cells)
    {
        Assert.NotEmpty(cells);
        foreach (var cell in cells.Where(c => c.Length > 0 && c != "x"))
            Assert.True(long.Parse(cell, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) >= 10, $"a released count of {cell}");
    }

    private void AssertOnlyTheService()
    {
        var outside = browser.Requests.Where(url => !url.StartsWith(browser.BaseUrl + "/", StringComparison.Ordinal)
            && !url.StartsWith("blob:", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(outside.Count == 0, "requests outside the service: " + string.Join(", ", outside));
        Assert.NotEmpty(browser.Requests);
    }
}
