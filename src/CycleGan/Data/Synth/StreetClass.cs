namespace CycleGan.Data.Synth;

/// <summary>The semantic classes of the street scenes, in palette order (the value is the class index).</summary>
public enum StreetClass
{
    Sky,
    Building,
    Window,
    Door,
    Road,
    LaneMarking,
    Sidewalk,
    Vegetation,
    Car,
    Pole,
}
