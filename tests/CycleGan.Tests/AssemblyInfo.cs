// libtorch's random generator and thread pool are process-wide: tests that seed it (trainings, inits) must not
// interleave with others, and on 2 cores parallel test classes only contend for the same threads.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
