using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Claims.Sandbox.Tests.Browser;

/// <summary>
/// The front page in a real browser: a newcomer signs up and runs SQL, a query and a cohort; a policymaker opens the
/// indicators on the restricted data, changes a filter and sees the chart and the table change, with hidden figures
/// marked and no released count of 1 to 9; and no page asks anything of anyone but the service.
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
        var key = await browser.NewUser("policymaker");
        var page = await browser.NewPage();
        await page.FillAsync("#use-key input[name=key]", key);
        await page.ClickAsync("#use-key button:text-is('Use')");
        await Expect(page.Locator("#who")).ToContainTextAsync("(policymaker)");
        await Expect(page.Locator("#indicator-id option")).ToHaveCountAsync(3);

        await page.SelectOptionAsync("#indicator-id", "spending_per_capita");
        await page.SelectOptionAsync("#indicator select[name=dataset]", "restricted");
        await page.ClickAsync("#indicator button");
        var table = page.Locator("#indicator-out table");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(48);
        // The text the assertion below compares: textContent, not innerText (whose tabs would never match it).
        var before = await table.TextContentAsync() ?? "";
        var chartBefore = await Chart(page);
        AssertNoSmallCount(await Patients(page));
        Assert.True(await page.Locator("#indicator-out td.suppressed").CountAsync() > 0, "no hidden figure marked on 1,500 persons' prefectures");
        await Expect(page.Locator("#indicator-out td.suppressed").First).ToHaveTextAsync("x");
        await Screenshot(page, "policymaker-indicators");

        await page.SelectOptionAsync("#indicator select[name=sex]", "2");
        await page.ClickAsync("#indicator button");
        await Expect(table).Not.ToHaveTextAsync(before);
        Assert.NotEqual(chartBefore, await Chart(page));
        AssertNoSmallCount(await Patients(page));
        await Screenshot(page, "policymaker-indicators-women");
        AssertOnlyTheService();
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
