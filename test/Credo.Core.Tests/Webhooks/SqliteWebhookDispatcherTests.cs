using Credo.Core.Tests.Infrastructure;

namespace Credo.Core.Tests.Webhooks;

/// <summary>The dispatcher on a SQLite file (one node, one writer).</summary>
public sealed class SqliteWebhookDispatcherTests() : WebhookDispatcherTests(TestDatabase.SqliteAsync);
