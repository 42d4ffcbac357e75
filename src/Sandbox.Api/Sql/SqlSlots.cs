namespace Claims.Sandbox.Sql;

/// <summary>
/// Who may run SQL now. At most <see cref="Capacity"/> statements run at once (each may use DuckDB's whole memory
/// limit), and each user holds at most one place, running or waiting: a user's second statement while the first
/// still runs (or is still being interrupted) is refused at once with a time to retry, so one user's heavy
/// statements never stand between another user and a free slot. Waiting users are admitted first come, first served.
/// </summary>
public sealed class SqlSlots(int capacity, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lease> _holders = [];
    private readonly Queue<Lease> _waiting = new();
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _watchers = [];
    private int _running;

    public int Capacity => capacity;

    /// <summary>A place for <paramref name="user"/> until <paramref name="deadline"/>, or false with how long until their current one should end.</summary>
    public bool TryEnter(string user, DateTimeOffset deadline, out Lease lease, out TimeSpan retryAfter)
    {
        lock (_gate)
        {
            if (_holders.TryGetValue(user, out var held))
            {
                var left = held.Deadline - time.GetUtcNow();
                retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(left.TotalSeconds)));
                lease = null!;
                return false;
            }
            lease = new Lease(this, user, deadline);
            _holders[user] = lease;
            if (_running < capacity) Admit(lease);
            else _waiting.Enqueue(lease);
            retryAfter = TimeSpan.Zero;
            Notify();
            return true;
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> statements run (a readiness signal for tests and probes).</summary>
    public Task WhenRunning(int count) => When(() => _running >= count);

    /// <summary>Completes when at least <paramref name="count"/> statements wait for a slot.</summary>
    public Task WhenWaiting(int count) => When(() => _holders.Count - _running >= count);

    /// <summary>Completes when no statement runs or waits.</summary>
    public Task WhenIdle() => When(() => _running == 0 && _holders.Count == 0);

    private Task When(Func<bool> done)
    {
        lock (_gate)
        {
            if (done()) return Task.CompletedTask;
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((done, signal));
            return signal.Task;
        }
    }

    private void Admit(Lease lease)
    {
        _running++;
        lease.Admit();
    }

    private void Leave(Lease lease)
    {
        lock (_gate)
        {
            _holders.Remove(lease.User);
            if (lease.Admitted.IsCompletedSuccessfully)
            {
                _running--;
                while (_running < capacity && _waiting.TryDequeue(out var next))
                    if (_holders.ContainsKey(next.User) && ReferenceEquals(_holders[next.User], next)) Admit(next);
            }
            Notify();
        }
    }

    private void Notify()
    {
        foreach (var watcher in _watchers.Where(w => w.Done()).ToArray())
        {
            _watchers.Remove(watcher);
            watcher.Signal.SetResult();
        }
    }

    /// <summary>One user's place; disposing it gives the slot (or the place in the queue) back.</summary>
    public sealed class Lease(SqlSlots slots, string user, DateTimeOffset deadline) : IDisposable
    {
        private readonly TaskCompletionSource _admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposed;

        public string User { get; } = user;

        public DateTimeOffset Deadline { get; } = deadline;

        /// <summary>Completes when a slot is this lease's.</summary>
        public Task Admitted => _admitted.Task;

        internal void Admit() => _admitted.SetResult();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) slots.Leave(this);
        }
    }
}
