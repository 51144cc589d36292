using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Credo.Core.Persistence;

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC ticks, read back at offset zero.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    value => value.UtcTicks,
    ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
