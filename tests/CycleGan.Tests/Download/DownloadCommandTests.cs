using CycleGan.Download;
using CycleGan.Tests.Cli;

namespace CycleGan.Tests.Download;

public class DownloadCommandTests
{
    static string OfficialPath(string kind, string name) =>
        Downloader.SourceUrl(DownloadCatalogue.Kind(kind), name, "").AbsolutePath;

    [Theory]
    [InlineData("cyclegan_dataset", "maps")]
    [InlineData("pix2pix_dataset", "facades")]
    public void A_dataset_unpacks_to_DIR_NAME_with_the_archives_files_and_nothing_else(string kind, string name)
    {
        using var tmp = TestPaths.NewTempDir("download");
        using var server = new LocalHttpServer();
        var files = kind == "cyclegan_dataset" ? TestArchives.CycleGanLayout(name) : TestArchives.Pix2PixLayout(name);
        server.Serve(OfficialPath(kind, name), kind == "cyclegan_dataset" ? TestArchives.Zip(files) : TestArchives.TarGz(files));

        var r = CliRunner.MustSucceed("download", kind, name, "--dir", tmp["datasets"], "--mirror", server.Base.ToString());

        foreach (var (entry, data) in files) Assert.Equal(data, File.ReadAllBytes(Path.Combine(tmp["datasets"], entry)));
        var expected = files.Select(f => f.Entry).Concat(files.Select(f => Path.GetDirectoryName(f.Entry)!)).Append(name)
            .Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(expected, TestArchives.Tree(tmp["datasets"]));
        Assert.Contains($"wrote {Path.Combine(tmp["datasets"], name)}", r.Stdout);
    }

    [Theory]
    [InlineData("cyclegan_model", "horse2zebra", "resnet_9blocks", "instance")]
    [InlineData("pix2pix_model", "facades_label2photo", "unet_256", "batch")]
    public void A_model_lands_at_NAME_pretrained_latest_net_G_pth_after_loading_as_its_generator(string kind, string name,
        string netG, string norm)
    {
        using var tmp = TestPaths.NewTempDir("download");
        using var server = new LocalHttpServer();
        Directory.CreateDirectory(tmp["made"]);
        var pth = TestArchives.GeneratorPth(tmp["made"], netG, norm);
        server.Serve(OfficialPath(kind, name), pth);

        var r = CliRunner.MustSucceed("download", kind, name, "--dir", tmp["checkpoints"], "--mirror", server.Base.ToString());

        Assert.Equal([$"{name}_pretrained", $"{name}_pretrained/latest_net_G.pth"], TestArchives.Tree(tmp["checkpoints"]));
        Assert.Equal(pth, File.ReadAllBytes(tmp[$"checkpoints/{name}_pretrained/latest_net_G.pth"]));
        Assert.Contains($"checked: {netG} generator, ngf 2", r.Stdout);
    }

    [Fact]
    public void A_checkpoint_whose_pickle_runs_a_command_is_refused_runs_nothing_and_leaves_no_file()
    {
        using var tmp = TestPaths.NewTempDir("download");
        using var server = new LocalHttpServer();
        var marker = tmp["pwned"];
        server.Serve(OfficialPath("cyclegan_model", "horse2zebra"), TestArchives.HostilePth(marker));

        var r = CliRunner.Run("download", "cyclegan_model", "horse2zebra", "--dir", tmp["checkpoints"], "--mirror",
            server.Base.ToString());

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("os.system", r.Stderr);
        Assert.Contains("latest_net_G.pth.part", r.Stderr);
        Assert.False(File.Exists(marker));
        Assert.Equal(["horse2zebra_pretrained"], TestArchives.Tree(tmp["checkpoints"]));
    }

    [Fact]
    public void A_model_of_another_architecture_is_refused_naming_the_generator_it_must_be()
    {
        using var tmp = TestPaths.NewTempDir("download");
        using var server = new LocalHttpServer();
        Directory.CreateDirectory(tmp["made"]);
        server.Serve(OfficialPath("cyclegan_model", "zebra2horse"), TestArchives.GeneratorPth(tmp["made"], "unet_256", "batch"));

        var r = CliRunner.Run("download", "cyclegan_model", "zebra2horse", "--dir", tmp["checkpoints"], "--mirror",
            server.Base.ToString());

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not a resnet_9blocks generator state dict", r.Stderr);
        Assert.Equal(["zebra2horse_pretrained"], TestArchives.Tree(tmp["checkpoints"]));
    }

    [Fact]
    public void An_existing_dataset_folder_is_kept_without_force_and_replaced_with_it()
    {
        using var tmp = TestPaths.NewTempDir("download");
        using var server = new LocalHttpServer();
        var files = TestArchives.CycleGanLayout("horse2zebra");
        server.Serve(OfficialPath("cyclegan_dataset", "horse2zebra"), TestArchives.Zip(files));
        Directory.CreateDirectory(tmp["datasets/horse2zebra"]);
        File.WriteAllText(tmp["datasets/horse2zebra/mine.txt"], "keep");

        var kept = CliRunner.Run("download", "cyclegan_dataset", "horse2zebra", "--dir", tmp["datasets"], "--mirror",
            server.Base.ToString());
        Assert.Equal(2, kept.ExitCode);
        Assert.Contains("already exists; add --force", kept.Stderr);
        Assert.Empty(server.Requests);
        Assert.Equal("keep", File.ReadAllText(tmp["datasets/horse2zebra/mine.txt"]));

        var replaced = CliRunner.MustSucceed("download", "cyclegan_dataset", "horse2zebra", "--dir", tmp["datasets"], "--mirror",
            server.Base.ToString(), "--force");
        Assert.Contains("replaced", replaced.Stdout);
        Assert.False(File.Exists(tmp["datasets/horse2zebra/mine.txt"]));
        Assert.True(File.Exists(tmp["datasets/horse2zebra/trainA/0.jpg"]));
    }

    [Fact]
    public void CYCLEGAN_MIRROR_replaces_the_official_host_like_mirror()
    {
        using var tmp = TestPaths.NewTempDir("download");
        using var server = new LocalHttpServer();
        server.Serve(OfficialPath("cyclegan_dataset", "mini"), TestArchives.Zip(TestArchives.CycleGanLayout("mini")));
        using (new EnvironmentScope(("CYCLEGAN_MIRROR", server.Base + "/")))
            CliRunner.MustSucceed("download", "cyclegan_dataset", "mini", "--dir", tmp["datasets"]);
        Assert.Equal(["/~taesung_park/CycleGAN/datasets/mini.zip"], server.Requests);
        Assert.True(File.Exists(tmp["datasets/mini/testB/3.jpg"]));
    }

    [Fact]
    public void List_prints_the_official_names_of_each_download()
    {
        var all = CliRunner.MustSucceed("download", "--list").Stdout.Trim().Split('\n');
        Assert.Equal(["cyclegan_dataset", "pix2pix_dataset", "cyclegan_model", "pix2pix_model"], all.Select(l => l.Split(':')[0]));
        Assert.Contains("horse2zebra", all[0]);
        var one = CliRunner.MustSucceed("download", "pix2pix_model", "--list").Stdout.Trim();
        Assert.Equal("pix2pix_model: edges2shoes, sat2map, map2sat, facades_label2photo, day2night", one);
    }

    [Theory]
    [InlineData("cyclegan_dataset", "horse2zebr", "horse2zebra")]
    [InlineData("pix2pix_model", "horse2zebra", "facades_label2photo")]
    [InlineData("cyclegan_datasets", "maps", "cyclegan_dataset, pix2pix_dataset, cyclegan_model, pix2pix_model")]
    [InlineData("pix2pix_dataset", "cityscapes", "https://cityscapes-dataset.com")]
    public void An_unknown_or_unavailable_name_is_one_line_saying_what_is_valid_exit_2(string kind, string name, string listed)
    {
        using var tmp = TestPaths.NewTempDir("download");
        var r = CliRunner.Run("download", kind, name, "--dir", tmp["d"], "--mirror", "http://127.0.0.1:9");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains(listed, r.Stderr);
        Assert.False(Directory.Exists(tmp["d"]));
    }
}
