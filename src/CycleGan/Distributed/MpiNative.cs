using System.Runtime.InteropServices;

namespace CycleGan.Distributed;

/// <summary>
/// The few calls of the MPI C API that data-parallel training needs, bound to Open MPI's <c>libmpi.so.40</c>.
/// Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>, ...) are the addresses of global
/// symbols, resolved once the library is loaded with RTLD_GLOBAL (its plugins link against it).
/// </summary>
internal static unsafe class MpiNative
{
    public const string Library = "libmpi.so.40";
    public const int ThreadMultiple = 3;
    public static readonly IntPtr InPlace = 1;

    const int RtldNow = 2, RtldGlobal = 0x100;

    [DllImport("libc", EntryPoint = "dlopen")]
    static extern IntPtr DlOpen(string file, int mode);

    public static IntPtr CommWorld, FloatType, ByteType, LongType, OpSum, OpMax;

    /// <summary>Loads the library and resolves the handles; false when it is not installed.</summary>
    public static bool TryLoad()
    {
        var handle = DlOpen(Library, RtldNow | RtldGlobal);
        if (handle == IntPtr.Zero) return false;
        CommWorld = NativeLibrary.GetExport(handle, "ompi_mpi_comm_world");
        FloatType = NativeLibrary.GetExport(handle, "ompi_mpi_float");
        ByteType = NativeLibrary.GetExport(handle, "ompi_mpi_byte");
        LongType = NativeLibrary.GetExport(handle, "ompi_mpi_long");
        OpSum = NativeLibrary.GetExport(handle, "ompi_mpi_op_sum");
        OpMax = NativeLibrary.GetExport(handle, "ompi_mpi_op_max");
        return true;
    }

    [DllImport(Library)] public static extern int MPI_Initialized(out int flag);
    [DllImport(Library)] public static extern int MPI_Finalized(out int flag);
    [DllImport(Library)] public static extern int MPI_Init_thread(IntPtr argc, IntPtr argv, int required, out int provided);
    [DllImport(Library)] public static extern int MPI_Comm_rank(IntPtr comm, out int rank);
    [DllImport(Library)] public static extern int MPI_Comm_size(IntPtr comm, out int size);
    [DllImport(Library)] public static extern int MPI_Allreduce(IntPtr send, void* recv, int count, IntPtr type, IntPtr op, IntPtr comm);
    [DllImport(Library)] public static extern int MPI_Bcast(void* buffer, int count, IntPtr type, int root, IntPtr comm);
    [DllImport(Library)] public static extern int MPI_Send(void* buffer, int count, IntPtr type, int dest, int tag, IntPtr comm);
    [DllImport(Library)]
    public static extern int MPI_Recv(void* buffer, int count, IntPtr type, int source, int tag, IntPtr comm, IntPtr status);
    [DllImport(Library)] public static extern int MPI_Barrier(IntPtr comm);
    [DllImport(Library)] public static extern int MPI_Abort(IntPtr comm, int code);
    [DllImport(Library)] public static extern int MPI_Finalize();
}
