using Microsoft.Extensions.Options;

namespace Credo.Core.Retention.Internal;

/// <summary>Checks <c>Credo:Retention</c> at start, every setting out of range in one message.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) =>
        options.Errors() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
