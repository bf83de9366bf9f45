return CycleGan.Cli.App.Run(args);
