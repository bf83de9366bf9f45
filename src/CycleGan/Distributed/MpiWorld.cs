using static CycleGan.Distributed.MpiNative;

namespace CycleGan.Distributed;

/// <summary>
/// <c>MPI_COMM_WORLD</c> of this process: its rank and size and the collectives training uses (sum-allreduce of
/// floats in place, broadcast, point-to-point bytes for gathering and scattering state, barrier, abort). MPI is
/// process-wide, so there is one <see cref="Current"/>; it is null when the process was not started as an MPI job.
/// Open MPI's default error handler already ends the whole job on a failed call; a non-zero result is still checked.
/// </summary>
public sealed unsafe class MpiWorld
{
    const int ChunkElements = 1 << 28;
    const int ThreadSerialized = 2;

    MpiWorld(int rank, int size) => (Rank, Size) = (rank, size);

    /// <summary>The world once <see cref="Init"/> has run, else null.</summary>
    public static MpiWorld? Current { get; private set; }

    public int Rank { get; }
    public int Size { get; }
    public bool IsRoot => Rank == 0;

    /// <summary>MPI_Init_thread (collectives may run on the autograd thread, so at least MPI_THREAD_SERIALIZED).</summary>
    public static MpiWorld Init()
    {
        if (Current != null) return Current;
        if (!TryLoad())
            throw new UserError($"--distributed mpi needs Open MPI's {Library} (Debian: apt-get install openmpi-bin)");
        Check(MPI_Initialized(out var already), "MPI_Initialized");
        var provided = ThreadMultiple;
        if (already == 0) Check(MPI_Init_thread(IntPtr.Zero, IntPtr.Zero, ThreadMultiple, out provided), "MPI_Init_thread");
        if (provided < ThreadSerialized)
            throw new UserError($"the MPI library provides thread level {provided}; training needs MPI_THREAD_SERIALIZED or higher");
        Check(MPI_Comm_rank(CommWorld, out var rank), "MPI_Comm_rank");
        Check(MPI_Comm_size(CommWorld, out var size), "MPI_Comm_size");
        return Current = new MpiWorld(rank, size);
    }

    /// <summary>Every rank's <paramref name="data"/> summed element-wise, in place, on every rank.</summary>
    public void AllreduceSum(Span<float> data)
    {
        fixed (float* p = data)
            for (long at = 0; at < data.Length; at += ChunkElements)
            {
                var n = (int)Math.Min(ChunkElements, data.Length - at);
                Check(MPI_Allreduce(InPlace, p + at, n, FloatType, OpSum, CommWorld), "MPI_Allreduce");
            }
    }

    /// <summary>The largest <paramref name="value"/> over all ranks.</summary>
    public long AllreduceMax(long value)
    {
        Check(MPI_Allreduce(InPlace, &value, 1, LongType, OpMax, CommWorld), "MPI_Allreduce");
        return value;
    }

    /// <summary>Root's bytes on every rank (the others pass null or anything; the length travels first).</summary>
    public byte[] Broadcast(byte[]? data, int root = 0)
    {
        long length = Rank == root ? data!.Length : 0;
        Check(MPI_Bcast(&length, 1, LongType, root, CommWorld), "MPI_Bcast");
        var buffer = Rank == root ? data! : new byte[length];
        fixed (byte* p = buffer)
            for (long at = 0; at < length; at += ChunkElements)
                Check(MPI_Bcast(p + at, (int)Math.Min(ChunkElements, length - at), ByteType, root, CommWorld), "MPI_Bcast");
        return buffer;
    }

    public void Send(byte[] data, int dest, int tag)
    {
        long length = data.Length;
        Check(MPI_Send(&length, 1, LongType, dest, tag, CommWorld), "MPI_Send");
        fixed (byte* p = data)
            for (long at = 0; at < length; at += ChunkElements)
                Check(MPI_Send(p + at, (int)Math.Min(ChunkElements, length - at), ByteType, dest, tag, CommWorld), "MPI_Send");
    }

    public byte[] Receive(int source, int tag)
    {
        long length;
        Check(MPI_Recv(&length, 1, LongType, source, tag, CommWorld, IntPtr.Zero), "MPI_Recv");
        var buffer = new byte[length];
        fixed (byte* p = buffer)
            for (long at = 0; at < length; at += ChunkElements)
            {
                var n = (int)Math.Min(ChunkElements, length - at);
                Check(MPI_Recv(p + at, n, ByteType, source, tag, CommWorld, IntPtr.Zero), "MPI_Recv");
            }
        return buffer;
    }

    /// <summary>Every rank's bytes on the root (index = rank; null elsewhere).</summary>
    public byte[][]? Gather(byte[] mine, int tag)
    {
        if (!IsRoot)
        {
            Send(mine, 0, tag);
            return null;
        }
        var all = new byte[Size][];
        all[0] = mine;
        for (int r = 1; r < Size; r++) all[r] = Receive(r, tag);
        return all;
    }

    /// <summary>Rank r gets <c>parts[r]</c> from the root (which passes all of them; the others pass null).</summary>
    public byte[] Scatter(byte[][]? parts, int tag)
    {
        if (!IsRoot) return Receive(0, tag);
        for (int r = 1; r < Size; r++) Send(parts![r], r, tag);
        return parts![0];
    }

    public void Barrier() => Check(MPI_Barrier(CommWorld), "MPI_Barrier");

    /// <summary>Ends every process of the job with <paramref name="code"/> (a failing rank never leaves the others waiting).</summary>
    public void Abort(int code)
    {
        MPI_Abort(CommWorld, code);
        Environment.Exit(code);
    }

    /// <summary>MPI_Finalize after a barrier, so that no rank leaves while another still talks to it.</summary>
    public void Finish()
    {
        Barrier();
        Check(MPI_Finalize(), "MPI_Finalize");
        Current = null;
    }

    static void Check(int result, string call)
    {
        if (result != 0) throw new InvalidOperationException($"{call} failed with MPI error {result}");
    }
}
