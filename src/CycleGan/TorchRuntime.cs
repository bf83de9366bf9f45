using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace CycleGan;

/// <summary>Start-up of the native libtorch runtime and the choice of device.</summary>
public static class TorchRuntime
{
    static readonly Lock Gate = new();
    static volatile bool _loaded;

    /// <summary>
    /// Loads libtorch; every public entry point that computes calls it first. TorchSharp reports any native load
    /// failure as "doesn't contain a reference to libtorch-cpu-linux-x64", which hides the cause: a failure here is a
    /// <see cref="UserError"/> whose one line names the loader's real error.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is not UserError)
            {
                throw new UserError("libtorch could not be loaded: " + DiagnoseNativeLoad(e) + " (see README \"Using the library\")", e);
            }
            NativeHeapTuned = TuneNativeHeap();
            QuietNativeLog();
            GcStress.StartIfRequested();
            _loaded = true;
        }
    }

    /// <summary>Whether <see cref="TuneNativeHeap"/> took effect when libtorch was loaded.</summary>
    public static bool NativeHeapTuned { get; private set; }

    /// <summary>
    /// Set before the first libtorch call (the CLI's <c>--verbose</c>) to let libtorch's own warnings (c10's log at
    /// WARNING level) reach stderr; by default only errors do.
    /// </summary>
    public static bool NativeWarnings { get; set; }

    const int C10LogWarning = 1, C10LogError = 2;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate IntPtr GlobalContextFn();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate void SetEnabledFn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate IntPtr StdStringFn(IntPtr result);

    /// <summary>
    /// Where NNPACK cannot initialise ("Unsupported hardware"), libtorch logs that on every convolution that could
    /// use it (5,504 lines in one quickstart). NNPACK is switched off (at::Context::setUserEnabledNNPACK; libtorch then
    /// takes the kernels it takes anyway on such machines) and c10's log level raised to ERROR unless
    /// <see cref="NativeWarnings"/>. TorchSharp exposes neither, so both go through libtorch's exported symbols;
    /// a build without them is left as it is.
    /// </summary>
    static void QuietNativeLog()
    {
        if (Export("libc10.so", "FLAGS_caffe2_log_level") is { } level)
            Marshal.WriteInt32(level, NativeWarnings ? C10LogWarning : C10LogError);
        if (Export("libtorch_cpu.so", "_ZN2at13globalContextEv") is { } context
            && Export("libtorch_cpu.so", "_ZN2at7Context20setUserEnabledNNPACKEb") is { } setNnpack)
            Marshal.GetDelegateForFunctionPointer<SetEnabledFn>(setNnpack)(
                Marshal.GetDelegateForFunctionPointer<GlobalContextFn>(context)(), false);
    }

    /// <summary>TorchSharp's informational version (e.g. 0.107.0).</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>libtorch's oneDNN version (at::get_mkldnn_version), or null where the symbol is missing.</summary>
    public static string? OneDnnVersion()
    {
        EnsureLoaded();
        if (Export("libtorch_cpu.so", "_ZN2at18get_mkldnn_versionB5cxx11Ev") is not { } fn) return null;
        // a std::string returned by value: the caller passes the 32-byte object (pointer, length, inline buffer)
        var result = Marshal.AllocHGlobal(32);
        try
        {
            Marshal.GetDelegateForFunctionPointer<StdStringFn>(fn)(result);
            var text = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(result), (int)Marshal.ReadInt64(result, 8));
            return text.Trim(); // a heap buffer (over 15 bytes) is left to the process: one string, once
        }
        finally
        {
            Marshal.FreeHGlobal(result);
        }
    }

    static IntPtr? Export(string library, string symbol)
    {
        var path = Path.Combine(NativeDirectory, library);
        if (!NativeLibrary.TryLoad(File.Exists(path) ? path : library, out var handle)) return null;
        return NativeLibrary.TryGetExport(handle, symbol, out var address) ? address : null;
    }

    /// <summary>
    /// Where the native libraries are: beside the program when it was built for a RuntimeIdentifier (this
    /// repository's projects), under <c>runtimes/linux-x64/native</c> in a portable build (a plain consumer project).
    /// </summary>
    static string NativeDirectory
    {
        get
        {
            var portable = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
            return File.Exists(Path.Combine(AppContext.BaseDirectory, NativeLib)) || !Directory.Exists(portable)
                ? AppContext.BaseDirectory : portable;
        }
    }

    const string NativeLib = "libLibTorchSharp.so";
    const string DlErrorAfter = "LD_DEBUG environment variable:";

    const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int MallOpt(int param, int value);

    /// <summary>
    /// Keeps libtorch's tensor memory in the C heap between iterations instead of handing it back to the kernel:
    /// glibc's adaptive mmap threshold serves each large activation with a fresh mmap, so every step page-faults and
    /// zeroes it again. Raising the mmap threshold to 32 MiB and the trim threshold to 512 MiB lets freed blocks be
    /// reused (figures in bench/README.md). <c>CYCLEGAN_NATIVE_HEAP=default</c> leaves glibc alone. Returns false where
    /// glibc is not the C library (nothing is changed then).
    /// </summary>
    public static bool TuneNativeHeap()
    {
        if (Environment.GetEnvironmentVariable("CYCLEGAN_NATIVE_HEAP") == "default" || !OperatingSystem.IsLinux()) return false;
        try
        {
            return MallOpt(M_MMAP_THRESHOLD, 32 << 20) == 1
                & MallOpt(M_TRIM_THRESHOLD, 512 << 20) == 1
                & MallOpt(M_TOP_PAD, 64 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>
    /// Hands the C heap's free memory back to the kernel (glibc's malloc_trim): after a one-off burst of allocations that
    /// <see cref="TuneNativeHeap"/> would otherwise keep, e.g. the first forward of <see cref="Networks.InferenceRoutes"/>.
    /// </summary>
    public static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    static string DiagnoseNativeLoad(Exception torchSharpError)
    {
        var lib = Path.Combine(NativeDirectory, NativeLib);
        if (!File.Exists(lib))
            return $"{NativeLib} is missing from {AppContext.BaseDirectory} (is TorchSharp-cpu referenced, for linux-x64?)";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(lib));
        }
        catch (DllNotFoundException e)
        {
            // .NET wraps dlerror's text in advice about strace and LD_DEBUG; the cause is what follows it
            var msg = OneLine(e.Message);
            var cause = msg.IndexOf(DlErrorAfter, StringComparison.Ordinal);
            if (cause >= 0) msg = msg[(cause + DlErrorAfter.Length)..].Trim();
            return msg.Contains("GLIBCXX_3.4.32", StringComparison.Ordinal)
                ? msg + "; the system libstdc++ lacks GLIBCXX_3.4.32 and the build step that marks it weak (CycleGan.targets) did "
                    + "not run on this output: reference the CycleGan package, or import src/CycleGan/build/CycleGan.targets beside a "
                    + "ProjectReference, and rebuild"
                : msg;
        }
        return $"{NativeLib} loads by itself, so one of libtorch's own libraries failed (run `ldd {lib}`); TorchSharp said: "
            + torchSharpError.Message.Split('\n')[0].Trim();
    }

    static string OneLine(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Parses <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>; null or empty means CUDA when TorchSharp sees it, else CPU.</summary>
    public static torch.Device ResolveDevice(string? spec)
    {
        EnsureLoaded();
        if (string.IsNullOrWhiteSpace(spec)) return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        spec = spec.Trim().ToLowerInvariant();
        if (spec == "cpu") return torch.CPU;
        if (spec == "cuda" || spec.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new UserError($"--device {spec}: CUDA is not available to this build (it uses the CPU libtorch " +
                    $"package; see docs/library.md \"CUDA\")");
            if (spec == "cuda") return torch.CUDA;
            if (!int.TryParse(spec.AsSpan(5), out var idx) || idx < 0 || idx >= torch.cuda.device_count())
                throw new UserError($"--device {spec}: no such CUDA device (found {torch.cuda.device_count()})");
            return new torch.Device(DeviceType.CUDA, idx);
        }
        throw new UserError($"--device {spec}: expected cpu, cuda or cuda:N");
    }
}
