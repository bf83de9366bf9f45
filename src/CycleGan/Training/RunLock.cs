using System.Runtime.InteropServices;
using System.Text;

namespace CycleGan.Training;

/// <summary>
/// One writer per run folder: an exclusive <c>flock</c> on <c>&lt;run&gt;/.cyclegan.lock</c> held for the whole
/// training. A second <c>cyclegan train</c> on the same folder stops with one line naming the holder's pid. The
/// kernel drops the lock when its process dies however it dies (kill -9 included), so a lock is never stale: the next
/// run simply takes it. Through libc because .NET's own file locking also locks out readers of the holder's pid.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".cyclegan.lock";

    const int O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0x40, O_CLOEXEC = 0x80000;
    const int LOCK_EX = 2, LOCK_NB = 4, EWOULDBLOCK = 11;
    const int Mode644 = 0x1A4;

    [DllImport("libc", SetLastError = true)] static extern int open(string path, int flags, int mode);
    [DllImport("libc", SetLastError = true)] static extern int flock(int fd, int operation);
    [DllImport("libc", SetLastError = true)] static extern int ftruncate(int fd, long length);
    [DllImport("libc", SetLastError = true)] static extern nint write(int fd, byte[] buffer, nint count);
    [DllImport("libc", SetLastError = true)] static extern nint read(int fd, byte[] buffer, nint count);
    [DllImport("libc")] static extern int close(int fd);

    int _fd;

    RunLock(int fd) => _fd = fd;

    /// <summary>Takes the lock or throws a <see cref="UserError"/> naming the process that holds it.</summary>
    public static RunLock Acquire(string runDir)
    {
        var path = Path.Combine(runDir, FileName);
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, Mode644);
        if (fd < 0) throw new UserError($"cannot create the run lock {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            close(fd);
            // A file system without flock (some network mounts) cannot lock; training there stays possible.
            if (errno != EWOULDBLOCK) return new RunLock(-1);
            throw new UserError($"{runDir} is being written by another cyclegan train ({ReadOwner(path)}); wait for it to " +
                "finish, stop it, or train under another --name");
        }
        var owner = Encoding.UTF8.GetBytes(
            $"pid {Environment.ProcessId} on {Environment.MachineName}, started {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");
        ftruncate(fd, 0);
        write(fd, owner, owner.Length);
        return new RunLock(fd);
    }

    /// <summary>Who holds (or last held) the lock of <paramref name="runDir"/>: "pid N on HOST, started T".</summary>
    public static string Holder(string runDir) => ReadOwner(Path.Combine(runDir, FileName));

    static string ReadOwner(string path)
    {
        var fd = open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) return "pid unknown";
        var buffer = new byte[256];
        var n = read(fd, buffer, buffer.Length);
        close(fd);
        var text = n > 0 ? Encoding.UTF8.GetString(buffer, 0, (int)n).Trim() : "";
        return text.Length > 0 ? text : "pid unknown";
    }

    public void Dispose()
    {
        if (_fd >= 0) close(_fd);
        _fd = -1;
    }
}
