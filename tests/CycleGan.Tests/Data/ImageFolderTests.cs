using CycleGan.Data;

namespace CycleGan.Tests.Data;

public class ImageFolderTests
{
    [Fact]
    public void List_is_recursive_ordinal_sorted_and_filters_extensions_case_sensitively()
    {
        using var dir = TestPaths.NewTempDir("folder");
        string[] images = ["b.png", "B.jpg", "a.JPEG", "sub/c.bmp", "sub/deeper/d.PNG", "Z.tiff", ".hidden.png", "x.ppm"];
        string[] others = ["e.Png", "f.txt", "g.gif", "h.jpG", "png"];
        foreach (var f in images.Concat(others))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir[f])!);
            File.WriteAllBytes(dir[f], [0]);
        }
        var listed = ImageFolder.List(dir.Path).Select(p => Path.GetRelativePath(dir.Path, p)).ToList();
        Assert.Equal(images.Order(StringComparer.Ordinal), listed);
        Assert.Equal([".hidden.png", "B.jpg", "Z.tiff"], listed.Take(3));
    }

    [Fact]
    public void Max_dataset_size_keeps_the_first_files_in_sorted_order()
    {
        using var dir = TestPaths.NewTempDir("max");
        foreach (var n in new[] { "3.png", "1.png", "2.png" }) File.WriteAllBytes(dir[n], [0]);
        Assert.Equal(["1.png", "2.png"], ImageFolder.List(dir.Path, 2).Select(Path.GetFileName));
    }

    [Fact]
    public void Missing_folder_is_a_user_error_naming_it()
    {
        using var dir = TestPaths.NewTempDir("missing");
        var missing = Path.Combine(dir.Path, "trainA");
        var e = Assert.Throws<UserError>(() => ImageFolder.List(missing));
        Assert.Contains(missing + " does not exist", e.Message);
        var empty = Assert.Throws<UserError>(() => ImageFolder.ListNonEmpty(dir.Path));
        Assert.Contains("no images", empty.Message);
    }
}
