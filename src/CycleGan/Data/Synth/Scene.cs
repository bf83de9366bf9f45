namespace CycleGan.Data.Synth;

/// <summary>
/// One procedural street scene, in resolution-independent coordinates (x and y in [0, 1], y down): an ordered
/// list of shapes painted back to front, each belonging to an item (a building, a tree, a car) that holds the
/// item's material colour. Labels and photos are both rendered from this description, so they align exactly.
/// </summary>
/// <param name="Ground">Where building facades meet the sidewalk.</param>
/// <param name="RoadTop">Where the sidewalk meets the road (the curb).</param>
public sealed record Scene(double Ground, double RoadTop, IReadOnlyList<Scene.Shape> Shapes, IReadOnlyList<Scene.Item> Items)
{
    public enum ShapeKind
    {
        /// <summary>Axis-aligned box [X0, X1) x [Y0, Y1); at least one pixel wide and tall when inside the frame.</summary>
        Rect,

        /// <summary>The ellipse inscribed in the box.</summary>
        Ellipse,

        /// <summary>Bottom edge X0..X1 at Y1, top edge narrowed by the insets at Y0.</summary>
        Trapezoid,
    }

    /// <summary>What a shape depicts; it decides both the label class and how the photo shades it.</summary>
    public enum Part
    {
        Sky, FarFacade, Facade, Window, ShopWindow, Door, Sidewalk, Curb, Road, Lane,
        Trunk, Crown, Bush, Pole, Lamp, CarBody, CarCabin, Wheel,
    }

    public sealed record Shape(ShapeKind Kind, Part Part, int Item, double X0, double Y0, double X1, double Y1,
        double TopInsetLeft = 0, double TopInsetRight = 0);

    /// <summary>A scene object's material colour, a salt for its textures, and (for cars) which way it faces.</summary>
    public sealed record Item(SynthColor Albedo, ulong Salt, bool FacesRight = false);
}
