using System.Text;

namespace Claims.Import.Reading;

/// <summary>
/// Code page 932, as UKE files are written (not plain Shift_JIS: the two differ on one byte), failing on a byte or
/// character it has no mapping for rather than replacing it with '?'.
/// </summary>
internal static class Cp932
{
    public static Encoding Encoding { get; } = Create();

    private static Encoding Create()
    {
        System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return System.Text.Encoding.GetEncoding(932, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }
}
