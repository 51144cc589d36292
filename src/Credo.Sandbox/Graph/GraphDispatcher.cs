using Credo.Sandbox.Ews;
using Credo.Sandbox.Graph.Subscriptions;

namespace Credo.Sandbox.Graph;

/// <summary>
/// Answers one Graph request for a mailbox, from HTTP or from a <c>$batch</c>: finds the route, checks the app
/// permission, takes one of the mailbox's four places (Exchange Online's <c>MailboxConcurrency</c>), counts the request
/// and applies an injected fault, then runs the operation under the mailbox's lock. Requests for <c>/subscriptions</c>
/// go to <see cref="GraphSubscriptionOperations"/>, which Graph serves outside the mailbox's limits.
/// </summary>
internal sealed class GraphDispatcher(SandboxMailboxes mailboxes, GraphSubscriptionOperations subscriptions, TimeProvider time)
{
    /// <summary>Graph requests one mailbox answers at once; one more is refused with 429.</summary>
    public const int MailboxConcurrency = 4;

    private readonly SyncStateCodec _deltaTokens = new();

    public async Task<GraphAnswer> RunAsync(GraphRequest request, GraphAccess access, CancellationToken cancellationToken)
    {
        if (request.Segments.Count > 0 && Is(request.Segments[0], "subscriptions"))
        {
            return await subscriptions.RunAsync(request, access, cancellationToken);
        }

        var now = time.GetUtcNow();
        if (request.Segments.Count == 2 && Is(request.Segments[0], "users"))
        {
            // Reading the user object takes User.Read.All, which a mail app is not granted.
            return GraphErrors.Answer(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", request, now);
        }

        var (operation, run, methodAllowed) = Route(request);
        if (run is null)
        {
            return methodAllowed
                ? GraphErrors.BadRequest($"Resource not found for the segment '{(request.Segments.Count == 0 ? "" : request.Segments[^1])}'.", request, now)
                : GraphErrors.Answer(405, "BadRequest", $"The HTTP method '{request.Method}' is not allowed for this resource.", request, now);
        }

        if (!access.Allows(request))
        {
            return GraphErrors.AccessDenied(request, now);
        }

        var user = request.Segments[1];
        if (mailboxes.FindUser(user) is not { } mailbox)
        {
            return GraphErrors.InvalidUser(user, request, now);
        }

        if (!mailbox.TryEnterGraph(MailboxConcurrency))
        {
            mailbox.CountRefused(operation, SandboxRequestCounts.Graph);
            return GraphErrors.MailboxConcurrency(request, now);
        }

        try
        {
            var hasToken = request.QueryValue("$skiptoken") is not null || request.QueryValue("$deltatoken") is not null;
            var linkBase = request.LinkBase;
            if (mailbox.Arrive(operation, hasToken, SandboxRequestCounts.Graph) is { } fault)
            {
                if (fault.Kind == SandboxFaultKind.Delay)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMilliseconds), time, cancellationToken);
                }
                else if (fault.Kind == SandboxFaultKind.LinkElsewhere)
                {
                    mailbox.CountFaulted();
                    var elsewhere = new UriBuilder(request.LinkBase);
                    elsewhere.Port = elsewhere.Port == ushort.MaxValue ? 1 : elsewhere.Port + 1;
                    linkBase = elsewhere.Uri.AbsoluteUri;
                }
                else if (Faulted(fault, request, now) is { } faulted)
                {
                    mailbox.CountFaulted();
                    return faulted;
                }
            }

            var call = new GraphCall(request, mailbox, user, time.GetUtcNow()) { LinkBase = linkBase };
            GraphAnswer answer;
            lock (mailbox.Gate)
            {
                answer = run(call);
            }

            if (request.Preferences.ImmutableIds)
            {
                AddPreferenceApplied(answer, "IdType=\"ImmutableId\"");
            }

            return answer;
        }
        finally
        {
            mailbox.ExitGraph();
        }
    }

    private (string Operation, Func<GraphCall, GraphAnswer>? Run, bool MethodAllowed) Route(GraphRequest request)
    {
        var s = request.Segments;
        var get = request.IsGet;
        if (s.Count < 3 || !Is(s[0], "users"))
        {
            return ("graph:unknown", null, true);
        }

        if (Is(s[2], "mailFolders"))
        {
            return s.Count switch
            {
                3 => Only(get, "graph:listFolders", call => GraphOperations.ListFolders(call, null)),
                4 => Only(get, "graph:getFolder", call => GraphOperations.GetFolder(call, s[3])),
                5 when Is(s[4], "childFolders") => Only(get, "graph:listFolders", call => GraphOperations.ListFolders(call, s[3])),
                5 when Is(s[4], "messages") => Only(get, "graph:listMessages", call => GraphOperations.ListMessages(call, s[3])),
                6 when Is(s[4], "messages") && (Is(s[5], "delta") || Is(s[5], "delta()")) =>
                    Only(get, "graph:delta", call => GraphOperations.Delta(call, s[3], _deltaTokens)),
                _ => ("graph:unknown", null, true),
            };
        }

        if (Is(s[2], "messages") && s.Count is 4 or 5)
        {
            var id = s[3];
            if (s.Count == 4)
            {
                return request.Method switch
                {
                    "GET" => ("graph:getMessage", call => GraphOperations.GetMessage(call, id), true),
                    "PATCH" => ("graph:patchMessage", call => GraphOperations.Patch(call, id), true),
                    _ => ("graph:unknown", null, false),
                };
            }

            if (Is(s[4], "$value"))
            {
                return Only(get, "graph:getMime", call => GraphOperations.GetMime(call, id));
            }

            if (Is(s[4], "move"))
            {
                return Only(request.Method == "POST", "graph:move", call => GraphOperations.Move(call, id));
            }
        }

        return ("graph:unknown", null, true);
    }

    private static (string, Func<GraphCall, GraphAnswer>?, bool) Only(bool methodMatches, string operation, Func<GraphCall, GraphAnswer> run) =>
        methodMatches ? (operation, run, true) : (operation, null, false);

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);

    private static GraphAnswer? Faulted(SandboxFault fault, GraphRequest request, DateTimeOffset now) => fault.Kind switch
    {
        SandboxFaultKind.ServerBusy or SandboxFaultKind.TooManyRequests => GraphErrors.Throttled(
            "TooManyRequests", "Too many requests. Retry after the number of seconds in Retry-After.", fault.GraphRetryAfterSeconds, request, now),
        SandboxFaultKind.ConnectionCountExceeded => GraphErrors.MailboxConcurrency(request, now),
        SandboxFaultKind.Unauthorized => GraphErrors.Unauthorized("Lifetime validation failed, the token is expired.", request, now),
        SandboxFaultKind.InternalServerError => GraphErrors.Answer(500, "UnknownError", "An internal server error occurred.", request, now),
        SandboxFaultKind.ServiceUnavailable => GraphErrors.Answer(503, "ServiceUnavailable", "The service is temporarily unavailable. Try again later.", request, now)
            .WithHeader("Retry-After", (fault.RetryAfterSeconds ?? Math.Max(1, (fault.BackOffMilliseconds ?? 1000) / 1000)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        SandboxFaultKind.InvalidSyncState => GraphErrors.SyncStateInvalid(request, now),
        _ => null,
    };

    private static void AddPreferenceApplied(GraphAnswer answer, string preference)
    {
        var index = answer.Headers.FindIndex(h => h.Key == "Preference-Applied");
        if (index < 0)
        {
            answer.Headers.Add(new("Preference-Applied", preference));
        }
        else
        {
            answer.Headers[index] = new("Preference-Applied", answer.Headers[index].Value + ", " + preference);
        }
    }
}
