namespace Credo.Core.Listeners.Sources.Graph;

/// <summary>Mail over Microsoft Graph: listeners can be set up, and say clearly that reading is not available yet.</summary>
internal sealed class GraphMailSource() : UnavailableMailSource(MailProtocol.Graph, "Microsoft Graph");
