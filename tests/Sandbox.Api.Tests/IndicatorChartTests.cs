using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Claims.Sandbox.Dashboards;
using Claims.Sandbox.Identity;

namespace Claims.Sandbox.Tests;

/// <summary>
/// Charts of indicator views: PNG and SVG, Japanese drawn as glyphs rather than empty boxes, hidden prefectures
/// listed with an x rather than left out.
/// </summary>
public class IndicatorChartTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private static byte[] Title(string text)
    {
        Assert.True(ChartFonts.Japanese, $"no CJK font at {ChartFonts.DebianFile}: the test command installs fonts-noto-cjk");
        var plot = new ScottPlot.Plot();
        plot.Title(text);
        plot.Font.Set(ChartFonts.Name);
        return plot.GetImageBytes(300, 120, ScottPlot.ImageFormat.Png);
    }

    [Fact]
    public void Japanese_is_drawn_as_glyphs_not_as_the_boxes_of_characters_no_font_has()
    {
        // Characters no font draws (the private use area) all come out as the same box: three of them, any three,
        // are one picture, which is what Japanese looked like before the font was registered.
        Assert.Equal(Title("\uE000\uE001\uE002"), Title("\uE010\uE011\uE012"));
        Assert.NotEqual(Title("\uE000\uE001\uE002"), Title("東京都"));
        Assert.NotEqual(Title("東京都"), Title("大阪府"));
    }

    [Fact]
    public async Task A_view_is_a_png_or_an_svg_with_its_japanese_names_and_its_hidden_prefectures_marked()
    {
        var policymaker = await factory.As(Roles.Policymaker);
        var png = await policymaker.GetAsync("/api/dashboards/indicators/guidance_levels?dataset=restricted&format=png&category=3");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        var bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);

        var svg = await (await policymaker.GetAsync("/api/dashboards/indicators/guidance_levels?dataset=restricted&format=svg&category=3")).Content.ReadAsStringAsync();
        Assert.Contains("<svg", svg);
        // Skia writes some kanji back as their compatibility twins (支 as U+2F40), which browsers draw alike.
        Assert.Contains("積極的", svg);
        Assert.Contains("北海道", svg);
        Assert.Contains("Noto Sans CJK", svg);
        // Intensive support at 1,500 persons leaves prefectures hidden: each is named, with its x.
        Assert.Matches(@">\s*x\s*<", svg);

        var english = await (await factory.As(Roles.Explorer)).GetStringAsync("/api/dashboards/indicators/spending_per_capita?format=svg&chart=index&lang=en");
        Assert.Contains("Hokkaido", english);
        Assert.Contains("regional difference index", english);
    }

    [Fact]
    public async Task A_breakdown_by_age_band_and_sex_is_a_pyramid_and_one_by_month_a_trend()
    {
        var explorer = await factory.As(Roles.Explorer);
        var pyramid = await explorer.GetStringAsync("/api/dashboards/indicators/spending_by_age_sex?format=svg&prefecture=13");
        Assert.Contains("東京都", pyramid);
        Assert.Contains("左: 男", pyramid);
        // Skia writes the en dash as its figure-dash twin.
        Assert.Matches("70.74", pyramid);
        Assert.Contains("100+", pyramid);

        var trend = await explorer.GetStringAsync("/api/dashboards/indicators/spending_monthly?format=svg&prefecture=13,27&lang=en");
        Assert.Contains("Tokyo", trend);
        Assert.Contains("Osaka", trend);
        var view = await explorer.GetFromJsonAsync<JsonElement>("/api/dashboards/indicators/spending_monthly?prefecture=13");
        var first = view.GetProperty("rows")[0].GetProperty("categoryNames")[0].GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}$", first);
        Assert.Contains(first, trend);

        // On restricted data one prefecture's oldest bands are hidden by disclosure control, and marked.
        var policymaker = await factory.As(Roles.Policymaker);
        const string restricted = "/api/dashboards/indicators/spending_by_age_sex?dataset=restricted&prefecture=31";
        var rows = (await policymaker.GetFromJsonAsync<JsonElement>(restricted)).GetProperty("rows").EnumerateArray().ToArray();
        Assert.Contains(rows, r => r.GetProperty("suppressed").GetBoolean());
        Assert.Contains(rows, r => r.GetProperty("numerator").ValueKind == JsonValueKind.Number);
        Assert.Matches(@">\s*x\s*<", await policymaker.GetStringAsync(restricted + "&format=svg"));
    }

    [Fact]
    public async Task A_view_by_prefecture_is_also_a_tile_map_a_square_each_hidden_ones_marked()
    {
        Assert.Equal(Enumerable.Range(1, 47), TileMap.Tiles.Keys.Order());
        Assert.Equal(47, TileMap.Tiles.Values.Distinct().Count());

        var explorer = await factory.As(Roles.Explorer);
        var map = await explorer.GetStringAsync("/api/dashboards/indicators/spending_per_capita?format=svg&layout=map&chart=index");
        foreach (var name in new[] { "北海道", "東京", "神奈川", "沖縄", "福岡" }) Assert.Contains(name, map);
        Assert.Contains("地域差指数", map);
        var png = await explorer.GetByteArrayAsync("/api/dashboards/indicators/spending_per_capita?format=png&layout=map");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        var policymaker = await factory.As(Roles.Policymaker);
        var hidden = await policymaker.GetStringAsync("/api/dashboards/indicators/guidance_levels?dataset=restricted&format=svg&layout=map&category=3");
        Assert.Matches(@"\bx\s*<", hidden);
    }

    /// <summary>
    /// A one-key view across its categories: the nation's spending by chapter, each chapter a labelled bar; on the
    /// restricted data, the levels of a prefecture whose view hides one, that one marked rather than left out.
    /// </summary>
    [Fact]
    public async Task A_one_key_view_is_drawn_across_its_categories_for_the_nation_or_the_prefecture_asked()
    {
        var explorer = await factory.As(Roles.Explorer);
        const string chapters = "/api/dashboards/indicators/spending_by_icd10_chapter?lang=en";
        var view = await explorer.GetFromJsonAsync<JsonElement>(chapters);
        var nation = view.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("prefecture").ValueKind == JsonValueKind.Null).ToList();
        Assert.True(nation.Count >= 10, $"{nation.Count} chapters");
        var svg = await explorer.GetStringAsync(chapters + "&format=svg&layout=categories");
        foreach (var row in nation)
            Assert.Contains(System.Security.SecurityElement.Escape(row.GetProperty("categoryNames")[0].GetString()!), svg);
        Assert.DoesNotContain("Hokkaido", svg);

        var policymaker = await factory.As(Roles.Policymaker);
        var levels = await policymaker.GetFromJsonAsync<JsonElement>("/api/dashboards/indicators/guidance_levels?dataset=restricted&lang=en");
        var hidden = levels.GetProperty("rows").EnumerateArray().First(r => r.GetProperty("suppressed").GetBoolean() && r.GetProperty("prefecture").ValueKind != JsonValueKind.Null);
        var place = hidden.GetProperty("prefecture").GetInt32();
        var one = await policymaker.GetStringAsync($"/api/dashboards/indicators/guidance_levels?dataset=restricted&lang=en&prefecture={place}&format=svg&layout=categories");
        Assert.Contains(hidden.GetProperty("prefectureName").GetString()!, one);
        Assert.Contains(hidden.GetProperty("categoryNames")[0].GetString()!, one);
        Assert.Matches(@">\s*x\s*<", one);
    }

    [Theory]
    [InlineData("/api/dashboards/indicators/checkup_participation?format=png&chart=index", "is not standardised")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?format=png&chart=bars", "chart=value, adjusted or index")]
    [InlineData("/api/dashboards/indicators/guidance_levels?format=png&category=9", "its categories are 0, 1, 2, 3")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?format=png&category=1", "has no breakdown")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?format=gif", "format=json, csv, png or svg")]
    [InlineData("/api/dashboards/indicators/spending_by_age_sex?format=png&category=65", "two breakdown keys")]
    [InlineData("/api/dashboards/indicators/spending_monthly?format=svg&layout=map", "drawn as a trend, not by prefecture")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?format=svg&layout=tiles", "layout=bars, map or categories")]
    [InlineData("/api/dashboards/indicators/spending_per_capita?format=svg&layout=categories", "has no breakdown: it has no categories")]
    [InlineData("/api/dashboards/indicators/spending_by_age_sex?format=svg&layout=categories", "drawn as a pyramid, not by prefecture")]
    [InlineData("/api/dashboards/indicators/spending_monthly?format=png&category=202304", "drawn as a trend of every month")]
    public async Task A_chart_that_cannot_be_drawn_is_a_400_naming_why(string path, string named)
    {
        var response = await (await factory.As(Roles.Explorer)).GetAsync(path);
        await response.AssertProblem(HttpStatusCode.BadRequest, named);
    }
}
