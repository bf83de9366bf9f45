using System.Globalization;
using System.Text.Json;

namespace CycleGan.Video;

/// <summary>Reads a file's streams with <c>ffprobe</c>: a <see cref="UserError"/> naming the file for what is no video.</summary>
public static class VideoProbe
{
    public static VideoInfo Probe(FfmpegTool tool, string path)
    {
        if (!File.Exists(path)) throw new UserError($"{path}: no such file");
        var json = FfmpegTool.Run(tool.Ffprobe, ["-v", "error", "-print_format", "json", "-show_streams", "-count_packets", path],
            $"{path}: not a readable video");
        JsonElement streams;
        try { streams = JsonDocument.Parse(json).RootElement.GetProperty("streams"); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException)
        {
            throw new UserError($"{path}: not a readable video (ffprobe gave no streams)");
        }
        JsonElement? video = null, audio = null;
        foreach (var s in streams.EnumerateArray())
        {
            var type = Str(s, "codec_type");
            // An attached picture (cover art) is a video stream of one frame, not the video.
            bool cover = s.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var a) && a.GetInt32() == 1;
            if (type == "video" && !cover) video ??= s;
            else if (type == "audio") audio ??= s;
        }
        if (video is not { } v) throw new UserError($"{path}: has no video stream");
        var rate = Str(v, "avg_frame_rate") is { } avg && avg != "0/0" ? avg : Str(v, "r_frame_rate") ?? "0/0";
        var info = new VideoInfo(path, Int(v, "width"), Int(v, "height"), Rotation(v), rate,
            long.TryParse(Str(v, "nb_read_packets") ?? Str(v, "nb_frames"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? n : 0,
            Str(v, "codec_name") ?? "unknown", audio is { } au ? Str(au, "codec_name") ?? "unknown" : null);
        if (info.Width <= 0 || info.Height <= 0) throw new UserError($"{path}: its video stream has no frame size");
        if (info.Fps <= 0) throw new UserError($"{path}: its video stream has no frame rate");
        return info;
    }

    static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var p) ? p.ToString() : null;

    static int Int(JsonElement e, string name) => e.TryGetProperty(name, out var p) && p.TryGetInt32(out var i) ? i : 0;

    /// <summary>
    /// The display matrix's rotation as ffprobe prints it (90, -90, -180, ...: counter-clockwise), as 0..270, which is
    /// also the value of the mov muxer's <c>rotate</c> tag that writes it back.
    /// </summary>
    static int Rotation(JsonElement v)
    {
        double r = 0;
        if (v.TryGetProperty("side_data_list", out var list))
            foreach (var sd in list.EnumerateArray())
                if (sd.TryGetProperty("rotation", out var rot) && rot.TryGetDouble(out var x)) r = x;
        if (r == 0 && v.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var tag))
            r = double.Parse(tag.GetString() ?? "0", CultureInfo.InvariantCulture);
        return (((int)Math.Round(r / 90) * 90) % 360 + 360) % 360;
    }
}
