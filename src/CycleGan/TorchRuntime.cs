using System.Runtime.InteropServices;
using TorchSharp;

namespace CycleGan;

/// <summary>Start-up of the native libtorch runtime and the choice of device.</summary>
public static class TorchRuntime
{
    static bool _loaded;

    /// <summary>
    /// Loads libtorch. TorchSharp reports any native load failure as "doesn't contain a reference to
    /// libtorch-cpu-linux-x64", which hides the cause; here the real loader error is found and reported.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            _loaded = true;
        }
        catch (Exception e) when (e is not UserError)
        {
            throw new InvalidOperationException("libtorch failed to load: " + DiagnoseNativeLoad() + " (TorchSharp said: " + e.Message.Split('\n')[0] + ")", e);
        }
    }

    static string DiagnoseNativeLoad()
    {
        var lib = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        if (!File.Exists(lib)) return $"{lib} is missing from the build output (was the project built for linux-x64?)";
        try
        {
            var h = NativeLibrary.Load(lib);
            NativeLibrary.Free(h);
            return "libLibTorchSharp.so loads by itself, so libtorch's own libraries failed; run `ldd " + lib + "` to see which";
        }
        catch (DllNotFoundException e)
        {
            var msg = e.Message;
            if (msg.Contains("GLIBCXX_3.4.32"))
                return "the system libstdc++ lacks GLIBCXX_3.4.32 and the build step that marks it weak did not run on this output (rebuild with `dotnet build`): " + msg;
            return msg;
        }
    }

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
                throw new UserError($"--device {spec}: CUDA is not available to this build (it uses the CPU libtorch package; see README \"CUDA\")");
            if (spec == "cuda") return torch.CUDA;
            if (!int.TryParse(spec.AsSpan(5), out var idx) || idx < 0 || idx >= torch.cuda.device_count())
                throw new UserError($"--device {spec}: no such CUDA device (found {torch.cuda.device_count()})");
            return new torch.Device(DeviceType.CUDA, idx);
        }
        throw new UserError($"--device {spec}: expected cpu, cuda or cuda:N");
    }
}
