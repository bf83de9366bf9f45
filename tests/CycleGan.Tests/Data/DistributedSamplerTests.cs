using CycleGan.Data;
using CycleGan.Distributed;

namespace CycleGan.Tests.Data;

public class DistributedSamplerTests
{
    [Fact]
    public void Ranks_split_one_order_and_the_uneven_tail_is_padded_from_its_start_as_PyTorch_does()
    {
        int[] order = [4, 0, 3, 1, 2];
        // PyTorch: 5 items on 2 ranks → total 6, indices + indices[:1]; rank r takes positions r, r + 2, r + 4.
        var rank0 = new DistributedSampler(0, 2).Positions(order.Length).Select(p => DistributedSampler.IndexAt(order, p));
        var rank1 = new DistributedSampler(1, 2).Positions(order.Length).Select(p => DistributedSampler.IndexAt(order, p));
        Assert.Equal([4, 3, 2], rank0);
        Assert.Equal([0, 1, 4], rank1);
        // More ranks than items: the order repeats as often as needed.
        Assert.Equal([9], new DistributedSampler(3, 4).Positions(2).Select(p => DistributedSampler.IndexAt([7, 9], p)));
    }

    [Fact]
    public void A_launch_of_several_processes_is_detected_and_a_lone_Slurm_task_is_not()
    {
        static Func<string, string?> Env(params (string, string)[] vars) => name => vars.FirstOrDefault(v => v.Item1 == name).Item2;
        Assert.Equal(new LaunchEnvironment("mpirun (Open MPI)", 1, 4), LaunchEnvironment.Detect(Env(("OMPI_COMM_WORLD_RANK", "1"), ("OMPI_COMM_WORLD_SIZE", "4"))));
        Assert.Equal(2, LaunchEnvironment.Detect(Env(("SLURM_PROCID", "2"), ("SLURM_NTASKS", "8")))!.Rank);
        Assert.NotNull(LaunchEnvironment.Detect(Env(("PMIX_RANK", "0"))));
        Assert.Null(LaunchEnvironment.Detect(Env(("SLURM_PROCID", "0"), ("SLURM_NTASKS", "1"))));
        Assert.Null(LaunchEnvironment.Detect(Env(("SLURM_PROCID", "0"))));
        Assert.Null(LaunchEnvironment.Detect(Env()));
    }
}
