using BenchmarkDotNet.Running;
using Credo.Benchmarks;

if (args is ["load", .. var rest])
{
    return await LoadRun.RunAsync(rest);
}

if (args is ["listeners", .. var listenersArgs])
{
    return await ListenersRun.RunAsync(listenersArgs);
}

if (args is ["imap", .. var imapArgs])
{
    return await ImapDrainRun.RunAsync(imapArgs);
}

if (args is ["imapidle", .. var imapIdleArgs])
{
    return await ImapIdleRun.RunAsync(imapIdleArgs);
}

if (args is ["outbox", .. var outboxArgs])
{
    return await OutboxDrainRun.RunAsync(outboxArgs);
}

if (args is ["drain", .. var drainArgs])
{
    return await DrainRun.RunAsync(drainArgs);
}

if (args is ["history", .. var historyArgs])
{
    return await HistoryRun.RunAsync(historyArgs);
}

if (args is ["push", .. var pushArgs])
{
    return await PushRun.RunAsync(pushArgs);
}

if (args is ["retention", .. var retentionArgs])
{
    return await RetentionRun.RunAsync(retentionArgs);
}

BenchmarkSwitcher.FromAssembly(typeof(TokenCacheBenchmarks).Assembly).Run(args);
return 0;
