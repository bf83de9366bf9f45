namespace CycleGan.Data.Synth;

/// <summary>How <see cref="StreetScenes.RenderPhoto"/> renders a scene; the value is the CLI's <c>--style</c>.</summary>
public enum PhotoStyle
{
    /// <summary>Daylight: sunny or overcast sky with clouds, sun and shade on facades, light haze.</summary>
    Day = 1,

    /// <summary>Dusk to night: dark sky with a glowing horizon, lit windows, street lamps with light pools and
    /// halos, car lights, fog, a cooler colour grade and more sensor noise. The domain-shift style.</summary>
    Night = 2,
}
