using Claims.Import.Keys;

namespace Claims.Import.Tests;

public class PatientKeysTests
{
    private static readonly DateOnly s_birth = new(1980, 5, 5);

    [Fact]
    public void Width_and_spaces_do_not_change_a_key_but_every_part_of_it_does()
    {
        var keys = new PatientKeys([1, 2, 3, 4]);

        Assert.Equal(keys.Id2("ヤマダ　タロウ", s_birth, 1), keys.Id2("ﾔﾏﾀﾞﾀﾛｳ", s_birth, 1));
        Assert.NotEqual(keys.Id2("ヤマダ　タロウ", s_birth, 1), keys.Id2("ヤマダ　ハナコ", s_birth, 1));
        Assert.NotEqual(keys.Id2("ヤマダ　タロウ", s_birth, 1), keys.Id2("ヤマダ　タロウ", s_birth, 2));
        Assert.NotEqual(keys.Id2("ヤマダ　タロウ", s_birth, 1), keys.Id2("ヤマダ　タロウ", s_birth.AddDays(1), 1));

        var id1 = keys.Id1("06130012", "１２３", "４５６", s_birth, 1);
        Assert.Equal(id1, keys.Id1("06130012", "123", " 456", s_birth, 1));
        Assert.NotEqual(id1, keys.Id1("06130013", "123", "456", s_birth, 1));
        // The symbol and number stay apart: 12|3456 is another card than 123|456.
        Assert.NotEqual(id1, keys.Id1("06130012", "12", "3456", s_birth, 1));
        Assert.NotEqual(id1, new PatientKeys([1, 2, 3, 5]).Id1("06130012", "123", "456", s_birth, 1));
    }
}
