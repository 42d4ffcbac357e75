using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Claims.Sandbox.Tests.Browser;

/// <summary>
/// The front page in a real browser: a newcomer signs up and runs SQL, a query and a cohort; a policymaker opens the
/// indicators on the restricted data, changes a filter and sees the chart and the table change, with hidden figures
/// marked and no released count of 1 to 9; an analyst applies, an admin approves in the page, and the analyst
/// extracts and downloads; the catalogue shows a table's columns with example values, the query builder writes the
/// query it shows and its answer is drawn as a table and a chart, a cohort as a funnel, and an analyst reads their
/// model reports; the page is Japanese until switched to English, which it remembers; every control has a
/// name, focus shows, and at 200% (and 400%) zoom nothing but a table's own box scrolls sideways; and no page asks anything of
/// anyone but the service.
/// </summary>
public sealed class PageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task Screenshot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, name + ".png"), FullPage = true });

    [Fact]
    public async Task A_newcomer_signs_up_in_the_page_and_runs_sql_a_query_and_a_cohort()
    {
        var page = await browser.NewPage();
        await Expect(page.Locator("#who")).ToContainTextAsync("キーがありません");
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
        // Every indicator of data-schemas/indicators.json is offered.
        await Expect(page.Locator("#indicator-id option")).ToHaveCountAsync(Claims.Engine.Indicators.IndicatorCatalog.Of(Claims.Engine.Schema.ClaimsSchema.Default).Indicators.Count);

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
        await admin.Locator("#admin-out li", new() { HasText = title }).Locator("button[data-action=approve]").ClickAsync();
        await Expect(admin.Locator("#admin-out li", new() { HasText = title })).ToContainTextAsync("approved");
        await Screenshot(admin, "admin-approvals");
        await admin.FillAsync("#new-user input[name=name]", "佐藤");
        await admin.SelectOptionAsync("#new-user select[name=role]", "policymaker");
        await admin.ClickAsync("#new-user button");
        await Expect(admin.Locator("#admin-out")).ToContainTextAsync("佐藤 (policymaker) のキー: clm_");

        await analyst.ClickAsync("#projects");
        await Expect(analyst.Locator("#projects-out td", new() { HasText = "approved" }).First).ToBeVisibleAsync();
        // Periods, datasets and budgets read as words, not as [object Object].
        await Expect(analyst.Locator("#projects-out")).Not.ToContainTextAsync("[object Object]");
        await Expect(analyst.Locator("#projects-out")).ToContainTextAsync("残り");
        await analyst.FillAsync("#cohort textarea", Everyone);
        await analyst.FillAsync("#extract input[name=project]", project);
        await analyst.SelectOptionAsync("#extract select[name=dataset]", "restricted");
        await analyst.FillAsync("#extract input[name=tables]", "receipts,diagnoses");
        await analyst.SelectOptionAsync("#extract select[name=format]", "csv");
        await analyst.ClickAsync("#extract button");
        var link = analyst.Locator("#projects-out a", new() { HasText = "extract-" });
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var download = await analyst.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename);
        using (var zip = ZipFile.OpenRead(await download.PathAsync()))
            Assert.Contains(zip.Entries, e => e.Name.StartsWith("receipts", StringComparison.Ordinal));
        await Screenshot(analyst, "analyst-extract");
        AssertOnlyTheService();
    }

    [Fact]
    public async Task The_page_is_japanese_until_switched_to_english_which_it_keeps_with_the_inputs_and_the_key()
    {
        var page = await browser.NewPage();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.Locator("#indicator-title")).ToHaveTextAsync("9. 指標 (医療費適正化計画の指標)");
        await Expect(page.Locator("button[data-lang=ja]")).ToHaveAttributeAsync("aria-pressed", "true");
        await UseKey(page, await browser.NewUser("policymaker"), "policymaker");
        await Expect(page.Locator("#indicator-id option[value=spending_per_capita]")).ToHaveTextAsync("1人当たり医療費");
        await page.SelectOptionAsync("#indicator-id", "guidance_levels");
        await page.FillAsync("#indicator input[name=prefecture]", "13,27");
        await Screenshot(page, "language-ja");

        await page.ClickAsync("button[data-lang=en]");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#indicator-title")).ToHaveTextAsync("9. Indicators (medical cost optimisation plan)");
        await Expect(page.Locator("#key-title")).ToHaveTextAsync("1. Your key");
        await Expect(page.Locator("#indicator label", new() { Has = page.Locator("input[name=prefecture]") })).ToContainTextAsync("Prefectures");
        await Expect(page.Locator("#indicator select[name=sex] option[value='2']")).ToHaveTextAsync("women");
        await Expect(page.Locator("button[data-lang=en]")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.Contains("lang=en", page.Url, StringComparison.Ordinal);
        // The catalogue is asked for again in English; the choice, the filter and the key stay.
        await Expect(page.Locator("#indicator-id option[value=spending_per_capita]")).ToHaveTextAsync("Healthcare spending per person");
        await Expect(page.Locator("#indicator-id option[value=guidance_levels]")).Not.ToHaveTextAsync(new Regex(@"\p{IsCJKUnifiedIdeographs}"));
        await Expect(page.Locator("#indicator-id")).ToHaveValueAsync("guidance_levels");
        await Expect(page.Locator("#indicator input[name=prefecture]")).ToHaveValueAsync("13,27");
        await Expect(page.Locator("#who")).ToContainTextAsync("(policymaker)");
        // The engine's code labels follow the page: the sex column's codes read in English.
        await page.ClickAsync("#query button[type=submit]");
        await Expect(page.Locator("#query-out td", new() { HasText = "Female" }).First).ToBeVisibleAsync();
        Assert.Contains(browser.Requests, url => url.EndsWith("/query?labels=en", StringComparison.Ordinal));
        await page.ClickAsync("#indicator button[type=submit]");
        await Expect(page.Locator("#indicator-out table caption")).Not.ToHaveTextAsync(new Regex(@"\p{IsCJKUnifiedIdeographs}"));
        await Expect(page.Locator("#indicator-out table thead th[data-column=patients]")).ToHaveTextAsync("patients");
        Assert.Contains(browser.Requests, url => url.Contains("/api/dashboards/indicators/guidance_levels?", StringComparison.Ordinal) && url.Contains("lang=en", StringComparison.Ordinal));
        await Screenshot(page, "language-en");

        // Remembered in this browser: the address without ?lang opens in English; ?lang=ja still asks for Japanese.
        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#indicator-title")).ToHaveTextAsync("9. Indicators (medical cost optimisation plan)");
        await Expect(page.Locator("#indicator-id option[value=spending_per_capita]")).ToHaveTextAsync("Healthcare spending per person");
        await Screenshot(page, "language-en-reloaded");
        await page.GotoAsync("/?lang=ja");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.Locator("#key-title")).ToHaveTextAsync("1. API キー");
        AssertOnlyTheService();
    }

    [Fact]
    public async Task Every_control_has_a_name_outputs_are_announced_and_keyboard_focus_shows_in_both_languages()
    {
        var page = await browser.NewPage();
        await UseKey(page, SandboxData.AdminKey, "admin");
        // The decision buttons the script makes are controls too.
        await page.ClickAsync("#pending");
        await Expect(page.Locator("#admin-out")).Not.ToBeEmptyAsync();
        foreach (var language in new[] { "ja", "en" })
        {
            await page.ClickAsync($"button[data-lang={language}]");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            var controls = page.Locator("input:visible, select:visible, textarea:visible, button:visible");
            Assert.True(await controls.CountAsync() > 40, "fewer controls than the page has");
            var unnamed = new List<string>();
            foreach (var control in await controls.ElementHandlesAsync())
                if ((await control.EvaluateAsync<string>(AccessibleName)).Length == 0)
                    unnamed.Add(await control.EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)"));
            Assert.True(unnamed.Count == 0, $"{language}: controls without a name: {string.Join(" | ", unnamed)}");
            await Expect(page.Locator(".out:not([aria-live=polite])")).ToHaveCountAsync(0);
            await Expect(page.Locator("#who")).ToHaveAttributeAsync("aria-live", "polite");
        }

        // From the keyboard: on a fresh load the first stop is the language switch, its focus drawn, and Enter switches.
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("button[data-lang=ja]")).ToBeFocusedAsync();
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await page.FocusAsync("#indicator input[name=from]");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#indicator input[name=to]")).ToBeFocusedAsync();
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await Screenshot(page, "accessibility-focus");

        // Tables say what they are.
        await page.ClickAsync("#sql button[type=submit]");
        await page.ClickAsync("#users");
        await Expect(page.Locator("#admin-out table")).ToBeVisibleAsync();
        await Expect(page.Locator("#sql-out table")).ToBeVisibleAsync();
        foreach (var caption in await page.Locator("table").EvaluateAllAsync<string[]>("ts => ts.map(t => t.caption ? t.caption.textContent.trim() : (t.getAttribute('aria-label') || ''))"))
            Assert.NotEmpty(caption);
        AssertOnlyTheService();
    }

    [Fact]
    public async Task At_200_and_400_percent_zoom_only_tables_scroll_sideways_in_either_language()
    {
        // A 1280-pixel screen at 200%: 640 CSS pixels across; at 400%, 320 (WCAG's reflow width).
        var page = await browser.NewPage(width: 640, height: 800, scale: 2);
        await UseKey(page, await browser.NewUser("policymaker"), "policymaker");
        await page.ClickAsync("#sql button[type=submit]");
        await page.ClickAsync("#query button[type=submit]");
        await page.ClickAsync("#indicator button[type=submit]");
        // The catalogue's wide table, a filter of the builder, the query's chart and the cohort's funnel.
        await page.ClickAsync("#catalogue button[type=submit]");
        await page.ClickAsync("#add-filter");
        await page.ClickAsync("#cohort button[type=submit]");
        await Expect(page.Locator("#indicator-out table tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator("#sql-out table")).ToBeVisibleAsync();
        await Expect(page.Locator("#query-out table")).ToBeVisibleAsync();
        await Expect(page.Locator("#query-out svg.chart")).ToBeVisibleAsync();
        await Expect(page.Locator("#datasets-out table")).ToBeVisibleAsync();
        await Expect(page.Locator("#cohort-out svg.chart")).ToBeVisibleAsync();
        foreach (var (width, zoom) in new[] { (640, 200), (320, 400) })
        {
            await page.SetViewportSizeAsync(width, 800);
            foreach (var language in new[] { "ja", "en" })
            {
                await page.ClickAsync($"button[data-lang={language}]");
                await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
                var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                var innerWidth = await page.EvaluateAsync<int>("() => window.innerWidth");
                Assert.Equal(width, innerWidth);
                Assert.True(scrollWidth <= innerWidth + 1, $"{language} at {zoom}%: the page is {scrollWidth} pixels wide in a {innerWidth}-pixel window: {await Overflowing(page)}");
                await Screenshot(page, $"zoom-{zoom}-{language}");
            }
        }
        AssertOnlyTheService();
    }

    [Fact]
    public async Task The_catalogue_shows_a_tables_columns_with_example_values_named_in_the_pages_language()
    {
        var page = await browser.NewPage();
        await UseKey(page, await browser.NewUser("explorer"), "explorer");
        await Expect(page.Locator("#catalogue select[name=table] option")).ToHaveCountAsync(8);
        await page.SelectOptionAsync("#catalogue select[name=table]", "receipts");
        await page.ClickAsync("#catalogue button[type=submit]");
        var rows = page.Locator("#datasets-out table tbody tr");
        await Expect(rows).ToHaveCountAsync(18);
        await Expect(page.Locator("#datasets-out table caption")).ToContainTextAsync("202309");
        var sex = Row(page, "#datasets-out", "sex");
        await Expect(sex).ToContainTextAsync("enum:sex");
        await Expect(sex).ToContainTextAsync("2 女 (");
        await Expect(sex).ToContainTextAsync("男女区分");
        await Expect(Row(page, "#datasets-out", "id1")).ToContainTextAsync("識別子");
        await Expect(Row(page, "#datasets-out", "total_points")).ToContainTextAsync(new Regex(@"\d+ \([\d,]+\)"));
        await Screenshot(page, "catalogue-ja");

        await page.ClickAsync("button[data-lang=en]");
        await page.ClickAsync("#catalogue button[type=submit]");
        await Expect(sex).ToContainTextAsync("2 Female (");
        await Expect(Row(page, "#datasets-out", "id1")).ToContainTextAsync("identifying");
        await Screenshot(page, "catalogue-en");
        Assert.Contains(browser.Requests, url => url.EndsWith("/api/datasets/synthetic/tables/receipts?labels=en", StringComparison.Ordinal));
        AssertOnlyTheService();
    }

    [Fact]
    public async Task The_query_builder_writes_the_query_it_shows_and_its_answer_is_drawn_as_a_table_and_a_chart()
    {
        var page = await browser.NewPage();
        await UseKey(page, await browser.NewUser("explorer"), "explorer");
        await Expect(page.Locator("#builder select[name=group1] option[value=prefecture]")).ToHaveCountAsync(1);
        var json = page.Locator("#query textarea[name=body]");
        await page.SelectOptionAsync("#builder select[name=group1]", "sex");
        await page.SelectOptionAsync("#builder select[name=aggregate]", "sum");
        await page.SelectOptionAsync("#builder select[name=column]", "total_points");
        await Expect(json).ToHaveValueAsync("""
            {"from": "receipts",
             "groupBy": ["sex"],
             "select": [{"sum":"total_points","as":"sum_total_points"}],
             "orderBy": [{"col":"sum_total_points","desc":true}],
             "limit": 20}
            """);
        await page.ClickAsync("#builder button[type=submit]");
        var rows = page.Locator("#query-out table tbody tr");
        var bars = page.Locator("#query-out svg.chart rect");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(bars).ToHaveCountAsync(2);
        await Expect(page.Locator("#query-out svg.chart")).ToHaveAttributeAsync("aria-label", "sum_total_points の棒グラフ (sex 別)");
        await Expect(page.Locator("#query-out svg.chart text", new() { HasText = "女" })).ToHaveCountAsync(1);
        var before = await page.Locator("#query-out svg.chart").InnerHTMLAsync();
        await Screenshot(page, "builder-by-sex");

        // Women's points by prefecture, from the keyboard: a filter added, its column chosen and its value typed, Enter runs it.
        await page.SelectOptionAsync("#builder select[name=group1]", "prefecture");
        await page.FocusAsync("#add-filter");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#filters li select.column")).ToBeFocusedAsync();
        await page.SelectOptionAsync("#filters li select.column", "sex");
        await Expect(page.Locator("#filters li select.column")).ToHaveAttributeAsync("aria-label", "条件 1: 列");
        await page.FocusAsync("#filters li input.value");
        await page.Keyboard.TypeAsync("2");
        await Expect(json).ToHaveValueAsync(new Regex("""^\{"from": "receipts",\n "where": \{"col":"sex","eq":2\},\n "groupBy": \["prefecture"\],"""));
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows).ToHaveCountAsync(20);
        await Expect(bars).ToHaveCountAsync(20);
        Assert.NotEqual(before, await page.Locator("#query-out svg.chart").InnerHTMLAsync());
        // The bars are as long as the table's figures, largest first.
        var widths = await bars.EvaluateAllAsync<double[]>("rs => rs.map(r => Number(r.getAttribute('width')))");
        Assert.Equal(widths.OrderDescending(), widths);
        var figures = (await page.Locator("#query-out table tbody tr td:nth-child(2)").AllInnerTextsAsync())
            .Select(f => double.Parse(f, NumberStyles.Any, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(widths[^1] / widths[0], figures[^1] / figures[0], 3);
        await Expect(page.Locator("#query-out svg.chart text", new() { HasText = "東京都" })).ToHaveCountAsync(1);
        await Expect(page.Locator(".problem")).ToHaveCountAsync(0);
        await Screenshot(page, "builder-women-by-prefecture");
        AssertOnlyTheService();
    }

    [Fact]
    public async Task A_cohort_is_drawn_as_a_funnel_of_its_steps_counts_with_suppressed_counts_marked()
    {
        var page = await browser.NewPage();
        await UseKey(page, await browser.NewUser("explorer"), "explorer");
        await page.ClickAsync("#cohort button[type=submit]");
        var steps = page.Locator("#cohort-out svg.chart text.step");
        await Expect(steps).ToHaveCountAsync(5);
        var cells = await page.Locator("#cohort-out table tbody tr").EvaluateAllAsync<string[][]>("rs => rs.map(r => [...r.cells].map(c => c.textContent))");
        for (var i = 0; i < cells.Length; i++)
            await Expect(steps.Nth(i)).ToHaveTextAsync(cells[i][0] + ": " + cells[i][1] + (i == 0 ? "" : $" (−{cells[i][2]})"));
        var widths = await page.Locator("#cohort-out svg.chart rect").EvaluateAllAsync<double[]>("rs => rs.map(r => Number(r.getAttribute('width')))");
        Assert.Equal(5, widths.Length);
        Assert.Equal(widths.OrderDescending(), widths);
        await Screenshot(page, "cohort-funnel");

        // On restricted data a count under ten is the marker, in the funnel as in the table, and has no bar.
        var analyst = await browser.NewUser("analyst");
        using var client = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", analyst);
        using var admin = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", SandboxData.AdminKey);
        var project = await client.NewApprovedProject(admin);
        await UseKey(page, analyst, "analyst");
        await page.SelectOptionAsync("#cohort select[name=dataset]", "restricted");
        await page.FillAsync("#cohort input[name=project]", project);
        await page.FillAsync("#cohort textarea", Centenarians);
        await page.ClickAsync("#cohort button[type=submit]");
        await Expect(steps).ToHaveCountAsync(2);
        await Expect(steps.Nth(1)).ToHaveTextAsync(new Regex(@"^aged 100 or over: x \(−[\d,]+\)$"));
        await Expect(page.Locator("#cohort-out svg.chart text.suppressed")).ToHaveCountAsync(1);
        await Expect(page.Locator("#cohort-out svg.chart rect")).ToHaveCountAsync(1);
        await Expect(page.Locator("#cohort-out td.suppressed").First).ToHaveTextAsync("x");
        await Screenshot(page, "cohort-funnel-suppressed");
        AssertOnlyTheService();
    }

    [Fact]
    public async Task An_analyst_lists_their_model_jobs_and_reads_a_report_with_its_metrics_calibration_and_checks()
    {
        var key = await browser.NewUser("analyst");
        using var analyst = new HttpClient { BaseAddress = new Uri(browser.BaseUrl) };
        analyst.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var project = await analyst.NewProject(["restricted"]);
        var submitted = await analyst.TrainModel(project, "synthetic", SandboxApi.ModelSpec);
        var job = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
        Assert.Equal("succeeded", (await analyst.WaitForJob(job)).GetProperty("status").GetString());

        var page = await browser.NewPage();
        await UseKey(page, key, "analyst");
        await page.ClickAsync("#model-reports");
        var item = page.Locator("#model-list li", new() { HasText = job });
        await Expect(item).ToContainTextAsync($"{project} · succeeded");
        await item.GetByRole(AriaRole.Button, new() { Name = $"レポートを表示: {job}" }).ClickAsync();
        var report = page.Locator("#model-report");
        await Expect(report.Locator("h3")).ToHaveTextAsync("a costly claim within two months (LightGbm)");
        var auc = await Row(page, "#model-report", "AUC-ROC").Locator("td").Nth(1).InnerTextAsync();
        Assert.InRange(double.Parse(auc, CultureInfo.InvariantCulture), 0, 1);
        await Expect(report.Locator("table", new() { Has = page.Locator("caption", new() { HasText = "較正" }) }).Locator("tbody tr")).ToHaveCountAsync(10);
        await Expect(report).ToContainTextAsync("メンバーシップ推論攻撃の AUC");
        await Expect(report).ToContainTextAsync("合成データ (公開)");
        await Expect(page.Locator(".problem")).ToHaveCountAsync(0);
        await Screenshot(page, "model-report");
        AssertOnlyTheService();
    }

    private static ILocator Row(IPage page, string output, string first) =>
        page.Locator($"{output} table tbody tr", new() { Has = page.Locator("td:first-child", new() { HasTextRegex = new Regex($"^{first}$") }) });

    /// <summary>
    /// A control's accessible name as a screen reader would find it: aria-labelledby, aria-label, its labels' own words
    /// (without the text of a select's options that the label wraps), a button's text, or its title.
    /// </summary>
    private const string AccessibleName = """
        e => {
          const words = (node) => { const copy = node.cloneNode(true); copy.querySelectorAll('input, select, textarea, button').forEach(c => c.remove()); return copy.textContent.trim(); };
          const labelledBy = (e.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean).map(id => { const l = document.getElementById(id); return l ? words(l) : ''; }).join(' ').trim();
          const labels = [...(e.labels || [])].map(words).join(' ').trim();
          return labelledBy || (e.getAttribute('aria-label') || '').trim() || labels || (e.tagName === 'BUTTON' ? e.textContent.trim() : '') || (e.title || '').trim();
        }
        """;

    /// <summary>The elements that reach past the window's right edge outside a scrolling box: what to fix when the zoom test fails.</summary>
    private static Task<string> Overflowing(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-box, .out'))
          .slice(0, 10).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')
        """);

    private const string Centenarians = """
        {"name": "centenarians", "entry": {"table": "receipts"}, "inclusion": [{"name": "aged 100 or over", "age": [100, 150]}]}
        """;

    private const string Everyone = """{"name": "everyone with a claim", "entry": {"table": "receipts"}}""";

    private static async Task UseKey(IPage page, string key, string role)
    {
        await page.FillAsync("#use-key input[name=key]", key);
        await page.ClickAsync("#use-key button[type=submit]");
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

    /// <summary>The patients column of the indicator table, as shown (found by its column, whatever its header's language).</summary>
    private static async Task<IReadOnlyList<string>> Patients(IPage page)
    {
        var headers = await page.Locator("#indicator-out table thead th").EvaluateAllAsync<string[]>("ths => ths.map(th => th.dataset.column)");
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
