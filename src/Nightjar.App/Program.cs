using Nightjar.App;
using Nightjar.Client;

return await CompanionCommands.RunAsync(args, Console.In, Console.Out, Console.Error, DeviceStore.ForCurrentUser());
