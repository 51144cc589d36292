using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Credo.Tests;

/// <summary>
/// A private Dovecot (<c>dovecot -F -c CONF</c>) on loopback for IMAP and POP3 tests: its own base_dir and maildir in a
/// temporary folder, plain IMAP and POP3 (with STARTTLS and STLS) and implicit TLS for each with a self-signed certificate,
/// and a <c>passdb oauth2</c> that validates bearer tokens by introspection against an OAuth server, taking the user from
/// a claim. Mail is delivered by writing maildir files; flags, connections and folders are read and changed with
/// <c>doveadm</c>.
/// </summary>
internal sealed class DovecotServer : IAsyncDisposable
{
    private const string DovecotBinary = "/usr/sbin/dovecot";
    private const string DoveadmBinary = "/usr/bin/doveadm";

    // Dovecot starts only when every protocol it is to serve is installed (Debian: dovecot-imapd, dovecot-pop3d).
    private static readonly string[] ProtocolBinaries = ["/usr/lib/dovecot/imap", "/usr/lib/dovecot/pop3"];
    private readonly Process _process;
    private int _delivered;

    private DovecotServer(string folder, Process process, Ports ports, X509Certificate2 certificate)
    {
        Folder = folder;
        _process = process;
        PlainPort = ports.Imap;
        TlsPort = ports.Imaps;
        Pop3PlainPort = ports.Pop3;
        Pop3TlsPort = ports.Pop3s;
        Certificate = certificate;
    }

    /// <summary>The temporary folder with the configuration, logs and mail.</summary>
    public string Folder { get; }

    /// <summary>The port of plain IMAP, where STARTTLS is offered.</summary>
    public int PlainPort { get; }

    /// <summary>The port of implicit TLS.</summary>
    public int TlsPort { get; }

    /// <summary>The port of plain POP3, where STLS is offered.</summary>
    public int Pop3PlainPort { get; }

    /// <summary>The port of POP3 over implicit TLS.</summary>
    public int Pop3TlsPort { get; }

    /// <summary>The self-signed certificate the server presents (subject <c>CN=dovecot.credo.test</c>).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Dovecot's log.</summary>
    public string LogPath => Path.Combine(Folder, "dovecot.log");

    private string ConfigPath => Path.Combine(Folder, "dovecot.conf");

    /// <summary>
    /// Starts Dovecot. <paramref name="introspectionUrl"/> carries the introspecting client's credentials in its user-info;
    /// the login user must equal the token's <paramref name="usernameClaim"/>. A missing Dovecot fails the test in CI.
    /// </summary>
    public static Task<DovecotServer> StartAsync(Uri introspectionUrl, string usernameClaim = "email", CancellationToken cancellationToken = default) =>
        StartAsync(introspectionUrl, usernameClaim, 50, cancellationToken);

    /// <summary>
    /// Starts Dovecot as above, where one user may hold <paramref name="maxConnections"/> IMAP sessions at once; above 50,
    /// Dovecot's process and client limits are raised to match (an <c>imap</c> process then serves up to 50 sessions).
    /// </summary>
    public static async Task<DovecotServer> StartAsync(Uri introspectionUrl, string usernameClaim, int maxConnections, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(introspectionUrl);
        if (!File.Exists(DovecotBinary) || !File.Exists(DoveadmBinary) || ProtocolBinaries.Any(b => !File.Exists(b)))
        {
            MissingPrerequisite.Stop($"Dovecot is not installed with IMAP and POP3 ({DovecotBinary}, {string.Join(", ", ProtocolBinaries)}); install the Debian packages dovecot-imapd and dovecot-pop3d, as .ci/run does.");
        }

        var folder = Directory.CreateTempSubdirectory("credo-dovecot-").FullName;

        // Dovecot's login processes run as dovenull and must reach the sockets under base_dir.
        Directory.CreateDirectory(Path.Combine(folder, "mail"));
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));

            // Mail belongs to nobody, the static userdb's user; the tests (as root) write into the same folders.
            File.SetUnixFileMode(Path.Combine(folder, "mail"), (UnixFileMode)Convert.ToInt32("777", 8));
        }
        var certificate = CreateCertificate();
        await File.WriteAllTextAsync(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem(), cancellationToken);
        using (var key = certificate.GetRSAPrivateKey()!)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem(), cancellationToken);
        }

        var free = FreePorts(4);
        var ports = new Ports(free[0], free[1], free[2], free[3]);
        await File.WriteAllTextAsync(Path.Combine(folder, "oauth2.conf"), $"""
            introspection_mode = post
            introspection_url = {introspectionUrl.AbsoluteUri}
            username_attribute = {usernameClaim}
            active_attribute = active
            active_value = true
            """ + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "dovecot.conf"), Config(folder, ports, maxConnections), cancellationToken);

        var start = new ProcessStartInfo(DovecotBinary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-F");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Path.Combine(folder, "dovecot.conf"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Dovecot did not start.");
        var server = new DovecotServer(folder, process, ports, certificate);
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Writes a mail into <paramref name="folder"/> (an IMAP name: <c>INBOX</c>, <c>INBOX.Invoices</c>) of <paramref name="user"/>.</summary>
    public async Task DeliverAsync(string user, byte[] mime, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mime);
        var maildir = MaildirOf(user, folder);
        var name = string.Create(CultureInfo.InvariantCulture, $"{TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()}.M{Interlocked.Increment(ref _delivered)}P{Environment.ProcessId}.credo-test");
        var temporary = Path.Combine(maildir, "tmp", name);
        await File.WriteAllBytesAsync(temporary, mime, cancellationToken);
        if (OperatingSystem.IsLinux())
        {
            // The file's mode must not depend on this process's umask: Dovecot reads it as nobody, and a Credo server
            // started in-process by another test sets umask 077 for the whole test host, which made the mail 0600
            // (root's only), so every FETCH of it failed with "Internal error occurred" (Permission denied in the log).
            File.SetUnixFileMode(temporary, (UnixFileMode)Convert.ToInt32("644", 8));
        }

        // Maildir delivery: written in tmp/, then renamed into new/ so the server never sees half a mail.
        File.Move(temporary, Path.Combine(maildir, "new", name));
    }

    /// <summary>Creates <paramref name="folder"/> (an IMAP name such as <c>INBOX.Invoices</c> or <c>Trash</c>) with doveadm.</summary>
    public Task CreateFolderAsync(string user, string folder, CancellationToken cancellationToken = default) =>
        DoveadmAsync(cancellationToken, "mailbox", "create", "-u", user, folder);

    /// <summary>Deletes <paramref name="folder"/> with its mail and creates it again, so it gets a new UIDVALIDITY.</summary>
    public async Task RecreateFolderAsync(string user, string folder, CancellationToken cancellationToken = default)
    {
        await DoveadmAsync(cancellationToken, "mailbox", "delete", "-s", "-r", "-u", user, folder);
        await CreateFolderAsync(user, folder, cancellationToken);
    }

    /// <summary>The UID and flags of every mail in <paramref name="folder"/>, by UID.</summary>
    public async Task<IReadOnlyDictionary<long, string>> FlagsAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var output = await DoveadmAsync(cancellationToken, "-f", "tab", "fetch", "-u", user, "uid flags", "mailbox", folder, "all");
        var flags = new Dictionary<long, string>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var parts = line.Split('\t');
            flags[long.Parse(parts[0], CultureInfo.InvariantCulture)] = parts.Length > 1 ? parts[1] : "";
        }

        return flags;
    }

    /// <summary>How many mails <paramref name="folder"/> holds.</summary>
    public async Task<int> CountAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default) =>
        int.Parse((await DoveadmAsync(cancellationToken, "-f", "flow", "mailbox", "status", "-u", user, "messages", folder)).Trim().Split('=')[^1], CultureInfo.InvariantCulture);

    /// <summary>How many IMAP sessions are logged in now (<c>doveadm who</c>).</summary>
    public async Task<int> ConnectionsAsync(CancellationToken cancellationToken = default)
    {
        var output = await DoveadmAsync(cancellationToken, "-f", "tab", "who", "-1");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Count();
    }

    /// <summary>How many IMAP logins succeeded since the start, from the log.</summary>
    public async Task<int> LoginsAsync(CancellationToken cancellationToken = default) => (await LogLinesWithAsync("imap-login: Info: Login:", cancellationToken)).Count;

    /// <summary>How many POP3 logins succeeded since the start, from the log.</summary>
    public async Task<int> Pop3LoginsAsync(CancellationToken cancellationToken = default) => (await LogLinesWithAsync("pop3-login: Info: Login:", cancellationToken)).Count;

    /// <summary>
    /// The lines of the log that hold <paramref name="text"/>: a POP3 session's logout line, for example, counts its commands
    /// (<c>Disconnected: Logged out top=0/0, retr=2/512, del=1/3, size=...</c>).
    /// </summary>
    public async Task<IReadOnlyList<string>> LogLinesWithAsync(string text, CancellationToken cancellationToken = default) =>
        [.. (await ReadLogAsync(cancellationToken)).Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal))];

    /// <summary>
    /// The lines of the log that hold <paramref name="text"/> once there are <paramref name="count"/> of them (at most 10 s):
    /// Dovecot writes a session's logout line after the client has gone.
    /// </summary>
    public async Task<IReadOnlyList<string>> LogLinesWithAsync(string text, int count, CancellationToken cancellationToken = default)
    {
        var lines = await LogLinesWithAsync(text, cancellationToken);
        for (var wait = 0; lines.Count < count && wait < 200; wait++)
        {
            await Task.Delay(50, cancellationToken);
            lines = await LogLinesWithAsync(text, cancellationToken);
        }

        return lines;
    }

    /// <summary>Dovecot's log so far.</summary>
    public async Task<string> ReadLogAsync(CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Runs doveadm against this instance and returns its output; a failure throws with doveadm's error.</summary>
    public async Task<string> DoveadmAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(DoveadmBinary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(ConfigPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("doveadm did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"doveadm {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Certificate.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process that had not yet died may still write its log; the temporary folder goes with the machine.
        }
    }

    private string MaildirOf(string user, string folder)
    {
        var root = Path.Combine(Folder, "mail", user);
        var maildir = folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? root : Path.Combine(root, "." + folder);
        foreach (var path in new[] { root, maildir, Path.Combine(maildir, "cur"), Path.Combine(maildir, "new"), Path.Combine(maildir, "tmp") })
        {
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path);
                if (OperatingSystem.IsLinux())
                {
                    File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("777", 8));
                }
            }
        }

        return maildir;
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Dovecot exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync(cancellationToken)} {(File.Exists(LogPath) ? await ReadLogAsync(cancellationToken) : "")}");
            }

            try
            {
                foreach (var port in new[] { TlsPort, PlainPort, Pop3TlsPort, Pop3PlainPort })
                {
                    using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
                    await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                }

                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException("Dovecot did not listen within 10 s; see " + LogPath);
    }

    // Ports free now, all different: each is held until all are chosen, or the system may hand out one twice.
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=dovecot.credo.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    private static string Config(string folder, Ports ports, int maxConnections)
    {
        var config = new StringBuilder();
        config.AppendLine(CultureInfo.InvariantCulture, $$"""
            base_dir = {{folder}}/run
            state_dir = {{folder}}/state
            instance_name = credo-{{Path.GetFileName(folder)}}
            log_path = {{folder}}/dovecot.log
            protocols = imap pop3
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <{{folder}}/cert.pem
            ssl_key = <{{folder}}/key.pem
            disable_plaintext_auth = no
            auth_mechanisms = xoauth2 oauthbearer
            auth_failure_delay = 0
            auth_verbose = yes
            mail_location = maildir:{{folder}}/mail/%u
            mail_max_userip_connections = {{maxConnections}}
            namespace inbox {
              inbox = yes
              mailbox Trash {
                special_use = \Trash
                auto = create
              }
            }
            userdb {
              driver = static
              args = allow_all_users=yes uid=nobody gid=nogroup home={{folder}}/mail/%u
            }
            passdb {
              driver = oauth2
              mechanisms = xoauth2 oauthbearer
              args = {{folder}}/oauth2.conf
            }
            {{Login("imap", ports.Imap, ports.Imaps, maxConnections > 50)}}
            {{Login("pop3", ports.Pop3, ports.Pop3s, false)}}
            service stats {
              inet_listener http {
                port = 0
              }
            }
            """);
        if (maxConnections > 50)
        {
            // Thousands of sessions: a few imap processes of 50 sessions each (rather than one process per session, and
            // one inotify instance each, of which Linux allows 128 per user), and login processes that serve many.
            config.AppendLine(CultureInfo.InvariantCulture, $$"""
                default_client_limit = {{(maxConnections * 2) + 100}}
                service imap {
                  service_count = 0
                  client_limit = 50
                  process_limit = {{(maxConnections / 50) + 10}}
                }
                service anvil {
                  client_limit = {{(maxConnections * 2) + 100}}
                }
                """);
        }

        if (File.Exists("/usr/share/dovecot/dh.pem"))
        {
            config.AppendLine("ssl_dh = </usr/share/dovecot/dh.pem");
        }

        return config.ToString();
    }

    // A protocol's login service on loopback: plain (STARTTLS, STLS) on one port, implicit TLS on the other; for many
    // sessions, long-lived login processes that each take many clients.
    private static string Login(string protocol, int plainPort, int tlsPort, bool many) => $$"""
        service {{protocol}}-login {
          {{(many ? "service_count = 0\n  process_min_avail = 2" : "")}}
          inet_listener {{protocol}} {
            address = 127.0.0.1
            port = {{plainPort}}
          }
          inet_listener {{protocol}}s {
            address = 127.0.0.1
            port = {{tlsPort}}
            ssl = yes
          }
        }
        """;

    private sealed record Ports(int Imap, int Imaps, int Pop3, int Pop3s);
}
