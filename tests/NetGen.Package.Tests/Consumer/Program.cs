Console.Write(PackageConsumer.Report.Create(args.Length > 0 ? args[0] : Path.GetTempPath()));
Console.WriteLine("runtime: " + Environment.Version);
