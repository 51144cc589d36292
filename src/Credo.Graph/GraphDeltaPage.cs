namespace Credo.Graph;

/// <summary>One page of a delta query.</summary>
/// <param name="Messages">New messages on this page, as Graph listed them; removed ones are left out.</param>
/// <param name="Link">Where to continue: the <c>@odata.nextLink</c>, or at the end the <c>@odata.deltaLink</c>.</param>
/// <param name="Complete">Whether <see cref="Link"/> is the delta link: nothing more is new for now.</param>
public sealed record GraphDeltaPage(IReadOnlyList<GraphMessage> Messages, string Link, bool Complete);
