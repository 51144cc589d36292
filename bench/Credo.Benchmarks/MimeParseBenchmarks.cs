using BenchmarkDotNet.Attributes;
using Credo.Sandbox.Ews;
using MimeKit;

namespace Credo.Benchmarks;

/// <summary>
/// Parsing a group of 100 mails of about 20 KB as the listener does (one parser, parts referring to the fetched bytes)
/// against loading each with <see cref="MimeMessage.Load(Stream, CancellationToken)"/>; both read the attachment list
/// and the text body, as recording does. Figures are per mail.
/// </summary>
[MemoryDiagnoser]
public class MimeParseBenchmarks
{
    private const int Group = 100;
    private byte[] _mime = [];

    [GlobalSetup]
    public void Setup() => _mime = new SandboxMailboxes(TimeProvider.System).Generate("ingest@sandbox.test", attachmentBytes: 14_000);

    [Benchmark(Baseline = true, OperationsPerInvoke = Group)]
    public int LoadEachMail()
    {
        var found = 0;
        for (var i = 0; i < Group; i++)
        {
            using var stream = new MemoryStream(_mime, writable: false);
            found += Read(MimeMessage.Load(stream));
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Group)]
    public int OneParserPerGroup()
    {
        var found = 0;
        var parser = new MimeParser(Stream.Null, persistent: true);
        for (var i = 0; i < Group; i++)
        {
            parser.SetStream(new MemoryStream(_mime, writable: false), MimeFormat.Entity, persistent: true);
            found += Read(parser.ParseMessage());
        }

        return found;
    }

    private static int Read(MimeMessage message) => message.Attachments.Count() + (message.TextBody?.Length ?? 0);
}
