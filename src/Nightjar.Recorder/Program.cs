using Nightjar.Recorder.Hosting;

ProcessMemory.LimitNativeArenas();
return await new RecorderProcess(args).RunAsync(CancellationToken.None);
