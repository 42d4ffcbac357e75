namespace Claims.Sandbox.Dashboards;

/// <summary>
/// The CJK font charts draw Japanese with. ScottPlot's SkiaSharp build reads no fontconfig, so a font it does not
/// bundle must be registered from its file; without it Japanese comes out as empty boxes. Debian's fonts-noto-cjk
/// puts the file below (the test command installs it). Where it is missing, charts are drawn in English and a
/// warning is logged once.
/// </summary>
public static class ChartFonts
{
    public const string Name = "NotoSansCJK";

    public const string DebianFile = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

    private static readonly Lazy<bool> s_japanese = new(() =>
    {
        if (!File.Exists(DebianFile)) return false;
        ScottPlot.Fonts.AddFontFile(Name, DebianFile);
        return true;
    });

    /// <summary>Whether Japanese can be drawn: the CJK font is registered (on first ask).</summary>
    public static bool Japanese => s_japanese.Value;
}
