System.Console.WriteLine(CycleGan.Probe.Hello());
