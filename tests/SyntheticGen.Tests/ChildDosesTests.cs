using Claims.SyntheticGen.Model;

namespace Claims.SyntheticGen.Tests;

/// <summary>Children's doses (calibration.json prescribing.children) and the strengths read from the price list's names.</summary>
public class ChildDosesTests
{
    private static readonly ChildDoses s_doses = GeneratorModel.Load().Calibration.ChildDoses;

    /// <summary>
    /// von Harnack: 6 months 1/5, 1 year 1/4, 3 years 1/3, 7.5 years 1/2, 12 years 2/3, adult from 15; a year of age
    /// is read at its middle on the line between the points around it (worked out here by hand).
    /// </summary>
    [Theory]
    [InlineData(0, 0.2)]
    [InlineData(1, 0.25 + 0.083 * 0.5 / 2)]
    [InlineData(2, 0.25 + 0.083 * 1.5 / 2)]
    [InlineData(5, 0.333 + 0.167 * 2.5 / 4.5)]
    [InlineData(7, 0.5)]
    [InlineData(11, 0.5 + 0.167 * 4 / 4.5)]
    [InlineData(14, 0.667 + 0.333 * 2.5 / 3)]
    [InlineData(15, 1)]
    [InlineData(80, 1)]
    public void A_year_of_age_gets_von_Harnack_s_share(int age, double share)
    {
        Assert.Equal(share, s_doses.Fraction(age), 9);
        Assert.Equal(15, s_doses.AdultFrom);
        Assert.Equal(7, s_doses.PowdersUnder);
    }

    [Theory]
    [InlineData(new[] { 1.0, 3.0 }, new[] { 0.25, 0.5 }, "the last fraction is the adult dose")]
    [InlineData(new[] { 3.0, 1.0 }, new[] { 0.25, 1.0 }, "ages must increase")]
    [InlineData(new[] { 1.0, 3.0, 15.0 }, new[] { 0.5, 0.25, 1.0 }, "fractions never fall (point 1)")]
    [InlineData(new[] { 1.0, 15.0 }, new[] { 0.5 }, "ages and fractions must pair")]
    public void A_table_that_is_no_dose_curve_is_refused(double[] ages, double[] fractions, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => new ChildDoses(ages, fractions, 7));
        Assert.Contains(reason, error.Message);
    }

    /// <summary>
    /// 3 tablets a day (YJ form F) at 100 yen a tablet; 1.5 g of a powder (B) at 45 yen a day; an injection (A, not
    /// oral) of 2 vials at 600 yen. Tablets go to the nearest half (half at least), powders to a thousandth, and the
    /// injection keeps the adult quantity; 薬剤料 is the quantity's yen in points (1 up to 15 yen, then per 10 yen,
    /// 五捨五超入), worked out here by hand.
    /// </summary>
    [Theory]
    [InlineData("1149019F1020", true, 3f, 300.0, 0.25, 1f, 10)]     // 0.75 tablet rounds up to 1: 100 yen
    [InlineData("1149019F1020", true, 3f, 300.0, 0.05, 0.5f, 5)]     // 0.15 rounds to none: half a tablet at least, 50 yen
    [InlineData("1149019F1020", true, 5f, 500.0, 0.25, 1.5f, 15)]    // 1.25 tablets, a quarter step, rounds up to 1.5: 150 yen
    [InlineData("1149019F1020", true, 3f, 300.0, 0.5, 1.5f, 15)]    // 150 yen
    [InlineData("1149019F1020", true, 3f, 300.0, 1, 3f, 30)]        // the adult dose, 300 yen
    [InlineData("1149019B1020", true, 1.5f, 45.0, 1.0 / 3, 0.5f, 1)] // 15 yen
    [InlineData("1149019B1020", true, 1.5f, 45.0, 0.75, 1.125f, 3)]  // 33.75 yen
    [InlineData("1149019B1020", true, 1.5f, 45.0, 0.0001, 0.001f, 1)] // a thousandth at least
    [InlineData("1149019A1020", false, 2f, 600.0, 0.2, 2f, 60)]      // 600 yen whatever the age
    public void A_dose_is_cut_by_the_form_s_measure(string yj, bool oral, float daily, double yenPerDay, double fraction, float quantity, int points)
    {
        var (dosed, billed) = new DrugOption("620000000", yj, 114, 1, daily, oral ? DrugRoute.Oral : DrugRoute.Injection, yenPerDay).Dose(fraction);
        Assert.Equal(quantity, dosed, 5);
        Assert.Equal(points, billed);
    }

    [Theory]
    [InlineData("サワシリン細粒１０％　１００ｍｇ", 100)]
    [InlineData("アモキシシリンカプセル２５０ｍｇ「トーワ」", 250)]
    [InlineData("フロモックス小児用細粒１００ｍｇ", 100)]
    [InlineData("ジフルカンドライシロップ３５０ｍｇ　１０ｍｇ懸濁後の内用液として", 10)]
    [InlineData("イソソルビド内服ゼリー７０％分包２０ｇ「日医工」", 14000)]
    [InlineData("ビオプテン顆粒２．５％　０．４ｇ", 10)]
    [InlineData("ケフレックスシロップ用細粒１００　１００ｍｇ", 0)]
    [InlineData("オプソ内服液５ｍｇ　２．５ｍＬ", 0)]
    [InlineData("イソロイシン・ロイシン・バリン顆粒", 0)]
    [InlineData("ＰＬ配合顆粒", 0)]
    [InlineData("メコバラミン錠５００μｇ「日医工」　０．５ｍｇ", 0.5)]
    [InlineData("ザイザルシロップ０．０５％", 0.5)]
    [InlineData("タミフルドライシロップ３％", 30)]
    [InlineData("アルファロール散１μｇ／ｇ", 0.001)]
    [InlineData("ツムラ葛根湯エキス顆粒（医療用）", 0)]
    public void Strength_is_read_from_the_name(string name, double milligrams) =>
        Assert.Equal(milligrams, MasterIndex.StrengthOf(name), 9);
}
