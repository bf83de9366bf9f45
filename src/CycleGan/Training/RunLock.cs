using System.Runtime.InteropServices;
using System.Text;

namespace CycleGan.Training;

/// <summary>
/// One writer per run folder: an exclusive <c>flock</c> on <c>&lt;run&gt;/.cyclegan.lock</c> held for the whole
/// training. A second <c>cyclegan train</c> on the same folder stops with one line naming the holder's pid. The
/// kernel drops the lock when its process dies however it dies (kill -9 included), so a lock is never stale: the next
/// run simply takes it. The file is removed when the run ends; a taker checks that the file it locked is still the one
/// under the name (the previous holder may have just removed it) and otherwise tries again. Through libc because
/// .NET's own file locking also locks out readers of the holder's pid.
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
    [DllImport("libc")] static extern int unlink(string path);
    [DllImport("libc")] static extern int stat(string path, byte[] buffer);
    [DllImport("libc")] static extern int fstat(int fd, byte[] buffer);

    const int StatSize = 256, InodeOffset = 8; // struct stat on x86-64 glibc: st_dev, then st_ino

    readonly string? _path;
    int _fd;

    RunLock(int fd, string? path) => (_fd, _path) = (fd, path);

    static long? Inode(Func<byte[], int> statCall)
    {
        var buffer = new byte[StatSize];
        return statCall(buffer) == 0 ? BitConverter.ToInt64(buffer, InodeOffset) : null;
    }

    /// <summary>Takes the lock or throws a <see cref="UserError"/> naming the process that holds it.</summary>
    public static RunLock Acquire(string runDir)
    {
        var path = Path.Combine(runDir, FileName);
        while (true)
        {
            var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, Mode644);
            if (fd < 0) throw new UserError($"cannot create the run lock {path}: {Marshal.GetLastPInvokeErrorMessage()}");
            if (flock(fd, LOCK_EX | LOCK_NB) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                close(fd);
                // A file system without flock (some network mounts) cannot lock; training there stays possible.
                if (errno != EWOULDBLOCK) return new RunLock(-1, null);
                throw new UserError($"{runDir} is being written by another cyclegan train ({ReadOwner(path)}); wait " +
                    "for it to finish, stop it, or train under another --name");
            }
            var locked = Inode(b => fstat(fd, b));
            if (locked is null || locked != Inode(b => stat(path, b)))
            {
                close(fd); // the holder removed this file as we locked it: lock the new one
                continue;
            }
            var owner = Encoding.UTF8.GetBytes(
                $"pid {Environment.ProcessId} on {Environment.MachineName}, started {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\n");
            ftruncate(fd, 0);
            write(fd, owner, owner.Length);
            return new RunLock(fd, path);
        }
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
        if (_fd < 0) return;
        if (_path is not null) unlink(_path); // still locked: a taker that opened it meanwhile sees the inode change
        close(_fd);
        _fd = -1;
    }
}
