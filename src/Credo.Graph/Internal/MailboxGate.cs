namespace Credo.Graph.Internal;

/// <summary>
/// The requests in flight for one mailbox. A JSON batch takes as many slots as it runs requests at once; batches take
/// their slots one batch at a time, so that two batches holding part of what each needs never wait on each other.
/// </summary>
internal sealed class MailboxGate(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);
    private readonly SemaphoreSlim _several = new(1, 1);

    /// <summary>Waits for <paramref name="count"/> slots (at most all of them); dispose the answer to give them back.</summary>
    public async ValueTask<Held> EnterAsync(int count, CancellationToken cancellationToken)
    {
        count = Math.Clamp(count, 1, slots);
        if (count == 1)
        {
            await _slots.WaitAsync(cancellationToken);
            return new Held(this, 1);
        }

        await _several.WaitAsync(cancellationToken);
        var taken = 0;
        try
        {
            for (; taken < count; taken++)
            {
                await _slots.WaitAsync(cancellationToken);
            }

            return new Held(this, taken);
        }
        catch
        {
            if (taken > 0)
            {
                _slots.Release(taken);
            }

            throw;
        }
        finally
        {
            _several.Release();
        }
    }

    public void Dispose()
    {
        _slots.Dispose();
        _several.Dispose();
    }

    /// <summary>Slots held; disposing gives them back.</summary>
    internal readonly struct Held(MailboxGate gate, int count) : IDisposable
    {
        public void Dispose() => gate._slots.Release(count);
    }
}
