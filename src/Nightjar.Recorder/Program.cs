using Nightjar.Recorder.Hosting;

return await new RecorderProcess(args).RunAsync(CancellationToken.None);
