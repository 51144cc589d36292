using Credo.Core.Text;
using Credo.Net.Text;

namespace Credo.Core.Tests.Text;

public sealed class DisplayTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 14, 27, 48, TimeSpan.Zero);

    [Theory]
    [InlineData(-12, "12 s ago")]
    [InlineData(-0.4, "now")]
    [InlineData(-300, "5 min ago")]
    [InlineData(-7200, "2 h ago")]
    [InlineData(-259200, "3 d ago")]
    [InlineData(20, "in 20 s")]
    public void Times_read_relative_to_now(double seconds, string expected) =>
        Assert.Equal(expected, RelativeTime.From(Now.AddSeconds(seconds), Now));

    [Fact]
    public void The_exact_time_says_it_is_UTC() =>
        Assert.Equal(("2026-11-30 14:27:48 UTC", "2026-11-30T14:27:48Z"), (RelativeTime.Exact(Now.ToOffset(TimeSpan.FromHours(2))), RelativeTime.Iso(Now)));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(812, "812 B")]
    [InlineData(1024, "1.0 KB")]
    [InlineData(4300, "4.2 KB")]
    [InlineData(430_000, "420 KB")]
    [InlineData(3_250_000, "3.1 MB")]
    public void Sizes_are_in_B_KB_or_MB_and_small_mails_are_never_0_KB(long bytes, string expected) =>
        Assert.Equal(expected, ByteSize.Format(bytes));

    [Theory]
    [InlineData("Invoice 42/2026: \"paid\"", "Invoice 42_2026_ _paid.eml")]
    [InlineData("../../etc/passwd", "etc_passwd.eml")]
    [InlineData("Rechnung\u202Egpj.exe", "Rechnung_gpj.exe.eml")]
    [InlineData("   ", "fallback.eml")]
    [InlineData(null, "fallback.eml")]
    [InlineData("CON", "fallback.eml")]
    public void Download_names_come_from_the_subject_without_anything_a_file_system_or_a_reader_trips_on(string? subject, string expected) =>
        Assert.Equal(expected, DownloadName.For(subject, ".eml", "fallback"));

    [Fact]
    public void Download_names_are_cut_to_a_hundred_characters() =>
        Assert.Equal(new string('a', 100) + ".eml", DownloadName.For(new string('a', 300), ".eml", "fallback"));

    [Theory]
    [InlineData("Invoice\u001b[31m 42\u0007\u0000", "Invoice[31m 42")]
    [InlineData("Rechnung\u202Egpj.exe", "Rechnunggpj.exe")]
    [InlineData("\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061Cleft", "left")]
    [InlineData("C1\u0085line\u009Bcsi\u007F", "C1 linecsi")]
    [InlineData("one\ttwo\r\nthree", "one two  three")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Outside_text_loses_every_control_and_direction_character_and_breaks_become_spaces(string? text, string expected) =>
        Assert.Equal(expected, DisplayText.Clean(text));

    [Fact]
    public void Text_in_any_script_is_kept_as_it_is()
    {
        const string text = "Rechnung für März — فاتورة — חשבונית — 請求書 — 🧾";

        var sut = DisplayText.Clean(text);

        Assert.Same(text, sut);
    }

    [Fact]
    public void Nothing_of_C0_C1_or_the_direction_characters_survives()
    {
        var every = string.Concat(Enumerable.Range(0, 0xA0).Select(i => (char)i)) + "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";

        var sut = DisplayText.Clean(every);

        Assert.DoesNotContain(sut, c => char.IsControl(c) || DisplayText.IsBidiControl(c));
        Assert.Contains("ABC", sut, StringComparison.Ordinal);
    }
}
