namespace CycleGan;

/// <summary>
/// Every file users keep is written to a temp file in the same folder and renamed into place, so a crash
/// never leaves a half-written file under a final name. On failure the temp file is removed.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        CreateDirectory(dir);
        var tmp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8]
            + ".tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException)
                throw new UserError($"cannot write {full}: {e.Message}", e);
            throw;
        }
    }

    /// <summary>
    /// <see cref="Directory.CreateDirectory(string)"/> for output folders: a path under a file, a read-only or full
    /// file system is a <see cref="UserError"/> naming the folder, not an internal failure.
    /// </summary>
    public static void CreateDirectory(string dir)
    {
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot create the folder {Path.GetFullPath(dir)}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Removes the temp files (<c>.&lt;name&gt;.&lt;pid&gt;.&lt;id&gt;.tmp</c>) that a killed process left in <paramref name="dir"/>.
    /// Files of live processes are kept, so two runs writing beside each other do not disturb one another.
    /// </summary>
    public static int RemoveStaleTemps(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        int removed = 0;
        foreach (var f in Directory.EnumerateFiles(dir, ".*.tmp"))
        {
            var parts = Path.GetFileName(f).Split('.');
            if (parts.Length < 5 || !int.TryParse(parts[^3], out var pid) || IsAlive(pid)) continue;
            try { File.Delete(f); removed++; } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
